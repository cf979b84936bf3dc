"""The site-wide pages, settings and navigation that every city of the network shares."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index

from .blocks import BodyBlock, SocialLinkBlock
from .cache import CachedPageMixin
from .pageviews import RegisteredContextMixin


class HomePage(CachedPageMixin, RegisteredContextMixin, Page):
    """The front door of a site, one per language: a hero, highlights, the latest news.

    Its highlights and latest news are read by ``website.views.home_page_context``,
    registered here (``website.pageviews``): models never import selectors or views.
    """

    cache_scopes = ("events",)  # it lists upcoming events

    hero_title = models.CharField(_("hero title"), max_length=160)
    hero_text = models.TextField(_("hero text"), blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_link_page = models.ForeignKey(
        Page,
        verbose_name=_("hero button page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hero_link_label = models.CharField(_("hero button label"), max_length=60, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("hero_title"),
                FieldPanel("hero_text"),
                FieldPanel("hero_image"),
                FieldPanel("hero_link_page"),
                FieldPanel("hero_link_label"),
            ],
            heading=_("Hero"),
        ),
        InlinePanel("highlights", label=_("Highlights"), max_num=6),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("hero_text"), index.SearchField("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "website.StandardPage",
        "events.EventIndexPage",
        "practices.GoodPracticeIndexPage",
    ]

    class Meta:
        verbose_name = _("home page")


class HomePageHighlight(Orderable):
    """A page that editors put forward on the home page."""

    home_page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="highlights")
    page = models.ForeignKey(
        Page, verbose_name=_("page"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(
        _("title"), max_length=120, blank=True, help_text=_("Leave empty to use the page's title.")
    )
    text = models.TextField(_("text"), blank=True)

    panels = [FieldPanel("page"), FieldPanel("title"), FieldPanel("text")]

    def __str__(self):
        return self.get_title()

    def get_title(self):
        return self.title or self.page.title


class StandardPage(CachedPageMixin, Page):
    """A page of text and media: about, the cities of the network, legal notices..."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["website.HomePage", "website.StandardPage"]
    subpage_types = ["website.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Contact details and social links shown in the footer of every page of a site."""

    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    social_links = StreamField(
        [("link", SocialLinkBlock())], verbose_name=_("social links"), blank=True
    )

    panels = [
        FieldPanel("contact_email"),
        FieldPanel("phone"),
        FieldPanel("address"),
        FieldPanel("social_links"),
    ]

    class Meta:
        verbose_name = _("site settings")


class MainMenu(TranslatableMixin, ClusterableModel):
    """The main menu of a language: editors choose its links and their order.

    ``website.selectors.main_menu_links`` reads them, with their pages in the menu's language.
    """

    name = models.CharField(_("name"), max_length=80)

    panels = [FieldPanel("name"), InlinePanel("items", label=_("Links"))]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("main menu")
        verbose_name_plural = _("main menus")

    def __str__(self):
        return self.name


class MainMenuItem(Orderable):
    menu = ParentalKey(MainMenu, on_delete=models.CASCADE, related_name="items")
    link_page = models.ForeignKey(
        Page,
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    link_url = models.CharField(
        _("or an address"),
        max_length=500,
        blank=True,
        help_text=_("A path on this site (/fr/...) or a full address."),
    )
    link_text = models.CharField(
        _("link text"),
        max_length=60,
        blank=True,
        help_text=_("Leave empty to use the page's title."),
    )

    panels = [FieldPanel("link_page"), FieldPanel("link_url"), FieldPanel("link_text")]

    class Meta(Orderable.Meta):
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(link_page__isnull=True, link_url=""),
                name="website_mainmenuitem_has_target",
                violation_error_message=_("Choose a page or give an address."),
            )
        ]

    def __str__(self):
        return self.link_text or (self.link_page.title if self.link_page else self.link_url)


class FooterText(TranslatableMixin, models.Model):
    """The words at the bottom of every page, one per language."""

    body = RichTextField(_("text"), features=["bold", "italic", "link"])

    panels = [FieldPanel("body")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("footer text")
        verbose_name_plural = _("footer texts")

    def __str__(self):
        return _("Footer text (%(language)s)") % {"language": self.locale.get_display_name()}


class Installation(models.Model):
    """What this installation decided once and keeps: one row.

    ``calendar_uid_domain`` is the right-hand side of every calendar UID. It is recorded when
    the database is made (from ``CALENDAR_UID_DOMAIN`` when set, else the host of
    ``BASE_URL`` at that time, which is what UIDs used before it was recorded) and read from
    here ever after, so that a new address or port never renames the entries people have in
    their calendars (``website.calendars.uids.calendar_uid``).
    """

    calendar_uid_domain = models.CharField(max_length=253)

    class Meta:
        verbose_name = _("installation")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="website_one_installation")
        ]

    def __str__(self):
        return self.calendar_uid_domain
