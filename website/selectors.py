"""Named reads of the site-wide app, with the joins their callers need."""

from wagtail.models import Locale, Page


def localized_pages(pages, locale=None, model=Page):
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
