"""Named reads of the site-wide app, with the joins their callers need."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from wagtail.models import Locale, Page

if TYPE_CHECKING:
    from django.http import HttpRequest

    from website.models import MainMenu


def localized_pages(
    pages: Sequence[Page], locale: Locale | None = None, model: type[Page] = Page
) -> list[Page]:
    """Each page's live translation in ``locale`` (the active one by default), else the page.

    One query for the whole list, where ``page.localized`` costs two per page. ``model``
    gives the translations their specific fields (``EventPage`` for listings of events).
    """
    locale = locale or Locale.get_active()
    foreign_keys = {page.translation_key for page in pages if page.locale_id != locale.id}
    translations = {}
    if foreign_keys:
        translations = {
            page.translation_key: page
            for page in model.objects.live()
            .filter(locale=locale, translation_key__in=foreign_keys)
            .select_related("locale")
        }
    return [
        page if page.locale_id == locale.id else translations.get(page.translation_key, page)
        for page in pages
    ]


def main_menu_links(menu: MainMenu, request: HttpRequest | None = None) -> list[tuple[str, str]]:
    """The menu's links as (text, url), pages in the menu's language, in few queries."""
    items = list(menu.items.select_related("link_page", "link_page__locale"))
    pages = localized_pages([item.link_page for item in items if item.link_page], menu.locale)
    by_id = {
        item.link_page_id: page
        for item, page in zip([item for item in items if item.link_page], pages, strict=True)
    }
    links = []
    for item in items:
        page = by_id.get(item.link_page_id)
        url = page.get_url(request) if page is not None else item.link_url
        text = item.link_text or (page.title if page is not None else item.link_url)
        if url:
            links.append((text, url))
    return links
