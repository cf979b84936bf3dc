from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Locale, Page

from website.models import FooterText, MainMenu

register = template.Library()


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    request = context.get("request")
    locale = Locale.get_active()
    menu = MainMenu.objects.filter(locale=locale).select_related("locale").first()
    current = request.path if request else ""
    links = menu.links(request) if menu else []
    return {"items": [{"text": t, "url": u, "current": u == current} for t, u in links]}


@register.simple_tag
def footer_text():
    footer = FooterText.objects.filter(locale=Locale.get_active()).first()
    return footer.body if footer else ""


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """Links to this page in each language: the page's translation, or the same view."""
    request = context.get("request")
    page = context.get("page")
    current = translation.get_language()
    links = []
    for code, name in settings.LANGUAGES:
        url = None
        if isinstance(page, Page):
            locale = Locale.objects.filter(language_code=code).first()
            translated = page.get_translation_or_none(locale) if locale else None
            # A page not yet translated leads to the home page of the other language.
            url = translated.get_url(request) if translated and translated.live else f"/{code}/"
        elif request is not None:
            url = translate_url(request.get_full_path(), code)
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return {"links": links}
