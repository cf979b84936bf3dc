import datetime as dt

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from wagtail.models import Locale, Page

from website.cache import cached_fragment
from website.models import FooterText, MainMenu
from website.selectors import main_menu_links

register = template.Library()


class KeepNode(template.Node):
    def __init__(self, nodelist, name, scopes):
        self.nodelist = nodelist
        self.name = name
        self.scopes = scopes

    def render(self, context):
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        name = (
            f"keep\n{self.name}\n{translation.get_language()}\n{request.get_host()}\n"
            f"{request.get_full_path()}"
        )
        return mark_safe(
            cached_fragment(name, self.scopes, lambda: str(self.nodelist.render(context)))
        )


@register.tag
def keep(parser, token):
    """``{% keep "name" "scope" ... %}…{% endkeep %}``: the HTML inside is made once per
    language and address (path and query string) and kept while ``pages`` and the named
    scopes of ``website.cache`` keep their generations, for everybody, signed in or not.

    Only for what depends on nothing else: the menus, the footer, the filter forms (their
    choices are sectors, territories, umbrella networks). Never around anything that shows
    who is signed in, a CSRF token or a policy nonce.
    """
    bits = token.split_contents()
    if len(bits) < 2 or any(bit[0] not in "\"'" for bit in bits[1:]):
        raise template.TemplateSyntaxError(
            f'Usage: {{% {bits[0]} "name" "scope" ... %}}…{{% end{bits[0]} %}}'
        )
    nodelist = parser.parse((f"end{bits[0]}",))
    parser.delete_first_token()
    name, *scopes = (bit[1:-1] for bit in bits[1:])
    return KeepNode(nodelist, name, ("pages", *scopes))


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    request = context.get("request")
    locale = Locale.get_active()
    menu = MainMenu.objects.filter(locale=locale).select_related("locale").first()
    current = request.path if request else ""
    links = main_menu_links(menu, request) if menu else []
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


@register.filter
def machine(value):
    """A date or a moment for ``<time datetime>``: ISO 8601, in the active time zone, to the
    second (HTML allows three decimals at most; Django's ``date:"c"`` writes six)."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return ""
