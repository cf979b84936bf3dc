"""Good practices: experiences that member cities and networks share so that others can
reproduce them ("identifier les bonnes pratiques reproductibles", AIMF 2013).

A practice is a Wagtail page under the library's index. Editors of any member city propose one
and Wagtail's moderation workflow publishes it. French pages are the source; English pages are
their translations and share the same ``translation_key``. Listings read the practices under
the index in the default language and show each one in the active language when a translation
is live (see ``practices.selectors``). What the pages show beyond their fields is read by
``practices.views``, registered on the page classes (``website.pageviews``): the models are
the leaf of the app and import neither its forms nor its selectors.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from website.blocks import RICH_TEXT_FEATURES, BodyBlock
from website.cache import CachedPageMixin
from website.pageviews import RegisteredContextMixin


class PracticeTheme(models.TextChoices):
    """The fields of action that the 2013 recommendations name for mayors."""

    POLICY = "politique-locale", _("Local policy and political commitment")
    PROCUREMENT = "commande-publique", _("Responsible public procurement")
    FUNDING = "financement", _("Funding and solidarity finance")
    BUSINESS_SUPPORT = "creation-entreprise", _("Support for business creation")
    TRAINING = "formation-conseil", _("Training and advice")
    COOPERATION = "concertation", _("Dialogue and cooperation frameworks")
    PLACES = "lieux-poles", _("Shared places and clusters")
    INCLUSION = "inclusion", _("Inclusion of all")
    DECENTRALISED = "cooperation-decentralisee", _("Decentralised cooperation")


class GoodPracticeIndexPage(CachedPageMixin, RegisteredContextMixin, Page):
    """The library of good practices: a filtered, paginated list of the practices under it."""

    cache_scopes = ("directory",)  # sectors and territories of the filters

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["website.HomePage"]
    subpage_types = ["practices.GoodPracticePage"]
    max_count_per_parent = 1

    PRACTICES_PER_PAGE = 12

    class Meta:
        verbose_name = _("good practices index")


class GoodPracticePage(CachedPageMixin, RegisteredContextMixin, Page):
    """One experience of a city or a network: what was done, with whom, and what came of it."""

    cache_scopes = ("directory",)  # the actors involved, sectors and territory

    summary = models.TextField(_("summary"), max_length=400)
    theme = models.CharField(_("theme"), max_length=32, choices=PracticeTheme.choices)
    territory = models.ForeignKey(
        "network.Territory",
        verbose_name=_("city or territory"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="good_practices",
    )
    organisation_name = models.CharField(
        _("city or network"),
        max_length=200,
        blank=True,
        help_text=_("The city, intercommunality or network that carries the practice."),
    )
    sectors = ParentalManyToManyField(
        "network.Sector", verbose_name=_("sectors"), blank=True, related_name="good_practices"
    )
    actors = ParentalManyToManyField(
        "network.Actor",
        verbose_name=_("actors involved"),
        blank=True,
        related_name="good_practices",
        help_text=_("Only actors published in the directory are shown to visitors."),
    )
    started_year = models.PositiveSmallIntegerField(_("year started"), null=True, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), verbose_name=_("what was done"), blank=True)
    results = RichTextField(_("results"), features=RICH_TEXT_FEATURES, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_role = models.CharField(_("contact role"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("theme"),
        MultiFieldPanel(
            [
                FieldPanel("territory"),
                FieldPanel("organisation_name"),
                FieldPanel("started_year"),
                FieldPanel("sectors"),
                FieldPanel("actors"),
            ],
            heading=_("Who and where"),
        ),
        FieldPanel("image"),
        FieldPanel("body"),
        FieldPanel("results"),
        InlinePanel("attached_documents", label=_("Attached documents")),
        MultiFieldPanel(
            [
                FieldPanel("contact_name"),
                FieldPanel("contact_role"),
                FieldPanel("contact_email"),
                FieldPanel("contact_phone"),
            ],
            heading=_("Public contact"),
            help_text=_("Visitors see this contact: give a service address, not a private one."),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("organisation_name"),
        index.SearchField("body"),
        index.SearchField("results"),
        index.FilterField("theme"),
    ]

    parent_page_types = ["practices.GoodPracticeIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")

    def clean(self):
        super().clean()
        if not self.territory_id and not self.organisation_name.strip():
            raise ValidationError(
                {"organisation_name": _("Name the city or network, or choose its territory.")}
            )

    @property
    def carried_by(self):
        """Who carries the practice, as visitors read it."""
        if self.organisation_name:
            return self.organisation_name
        return self.territory.name if self.territory_id else ""


class GoodPracticeDocument(Orderable):
    """A document attached to a practice: a report, a charter, a call for tenders..."""

    page = ParentalKey(
        GoodPracticePage, on_delete=models.CASCADE, related_name="attached_documents"
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(
        _("title"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to use the document's own title."),
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("attached document")
        verbose_name_plural = _("attached documents")

    @property
    def label(self):
        return self.title or self.document.title
