from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebsiteConfig(AppConfig):
    """The site-wide Wagtail app: home and standard pages, site settings, menu, search, mail."""

    name = "website"
    verbose_name = _("Website")

    def ready(self):
        from website import addresses, cache, sitesearch, textsearch, views, workflows

        addresses.connect(self)
        cache.connect()
        textsearch.connect()
        sitesearch.register("pages", label=_("Pages"), order=70, find=views.find_pages)
        workflows.connect()
