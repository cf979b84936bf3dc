"""Template tags of the good-practice library."""

from django import template
from django.utils.html import json_script
from django.utils.safestring import mark_safe

from website.addresses import page_url

register = template.Library()


@register.simple_tag(takes_context=True)
def practice_json_ld(context, page, sectors=()):
    """schema.org/Article for search engines: who carries the practice, where, on what."""
    request = context.get("request")
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": page.title,
        "description": page.summary,
        "url": page_url(page, request),
        "inLanguage": page.locale.language_code,
        "articleSection": str(page.get_theme_display()),
    }
    if page.first_published_at:
        data["datePublished"] = page.first_published_at.isoformat()
    if page.last_published_at:
        data["dateModified"] = page.last_published_at.isoformat()
    if page.carried_by:
        data["author"] = {"@type": "Organization", "name": page.carried_by}
    if page.territory_id:
        data["spatialCoverage"] = {"@type": "Place", "name": page.territory.name}
    if sectors:
        data["keywords"] = [sector.name for sector in sectors]
    if page.started_year:
        data["temporalCoverage"] = f"{page.started_year}/.."
    # json_script escapes <, > and & for a safe <script>; only the type differs.
    script = json_script(data, "practice-json-ld")
    return mark_safe(script.replace('type="application/json"', 'type="application/ld+json"'))
