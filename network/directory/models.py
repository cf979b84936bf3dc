"""The network: controlled vocabularies (sectors, territories) shared by events, the directory
and forums; and the directory of actors, their members, umbrella networks, needs and offers."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from website.widgets import AddressPanel


class Sector(models.Model):
    """A sector of activity (filière), in a tree that moderators curate.

    Names are kept in both languages on the row itself: the list is short, curated, and
    filtered on constantly, so one row per sector keeps every query simple.
    """

    name_fr = models.CharField(_("name in French"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    panels = [
        FieldPanel("name_fr"),
        FieldPanel("name_en"),
        FieldPanel("slug"),
        FieldPanel("parent"),
    ]

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name_fr"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_en if get_language() == "en" and self.name_en else self.name_fr


class Territory(models.Model):
    """A commune, an intercommunality, a region or a country, in France or elsewhere."""

    class Kind(models.TextChoices):
        COMMUNE = "commune", _("Commune")
        INTERCOMMUNALITY = "intercommunality", _("Intercommunality")
        REGION = "region", _("Region")
        COUNTRY = "country", _("Country")

    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(
        _("official code"),
        max_length=20,
        blank=True,
        help_text=_("INSEE code for a French commune, ISO 3166 code for a country..."),
    )
    country = models.CharField(_("country code"), max_length=2, help_text=_("ISO 3166-1, e.g. FR"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        FieldPanel("code"),
        FieldPanel("country"),
        FieldPanel("parent"),
    ]

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def place_hint(self) -> dict[str, str]:
        """Where an address in this territory is looked up (``website.geocoding.locate``):
        in the commune, when it is one (a region's name would mislead), and the country."""
        return {
            "commune": self.name if self.kind == self.Kind.COMMUNE else "",
            "country": self.country,
        }


# ---------------------------------------------------------------------------
# The directory of actors
# ---------------------------------------------------------------------------


def luhn_valid(digits):
    """The Luhn checksum that SIREN and SIRET numbers carry (La Poste's SIRET excepted)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


# La Poste's establishments share one SIREN and are numbered without the Luhn key; their
# SIRET digits add up to a multiple of 5 instead (INSEE's documented exception).
LA_POSTE_SIREN = "356000000"


def validate_siret(value):
    if not (len(value) == 14 and value.isdigit()):
        raise ValidationError(_("A SIRET number has exactly 14 digits."), code="siret_format")
    if value.startswith(LA_POSTE_SIREN):
        if sum(int(c) for c in value) % 5:
            raise ValidationError(_("This SIRET number is not valid."), code="siret_checksum")
    elif not luhn_valid(value):
        raise ValidationError(
            _("This SIRET number is not valid: check for a mistyped digit."),
            code="siret_checksum",
        )


RNA_RE = re.compile(r"^W\d{9}$")


def validate_rna(value):
    if not RNA_RE.match(value):
        raise ValidationError(
            _("An RNA number is the letter W followed by 9 digits, e.g. W442001234."),
            code="rna_format",
        )


def normalize_identifier(value):
    """Spaces and dots people type inside numbers are not part of them."""
    return re.sub(r"[\s.\-]", "", value or "").upper()


class LegalForm(models.Model):
    """A legal form of the ESS (association, SCOP...). The list is editable: other countries
    have their own forms."""

    name_fr = models.CharField(_("name in French"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    country = models.CharField(
        _("country code"),
        max_length=2,
        blank=True,
        help_text=_("Leave empty when the form exists in several countries."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order in lists"), default=100)

    panels = [
        FieldPanel("name_fr"),
        FieldPanel("name_en"),
        FieldPanel("slug"),
        FieldPanel("country"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        verbose_name = _("legal form")
        verbose_name_plural = _("legal forms")
        ordering = ["sort_order", "name_fr"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_en if get_language() == "en" and self.name_en else self.name_fr


class ActorStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")
    DUPLICATE = "duplicate", _("Potential duplicate")


class IdentifierKind(models.TextChoices):
    SIRET = "siret", _("SIRET (France)")
    RNA = "rna", _("RNA (French associations)")
    OTHER = "other", _("Other")


class SizeBand(models.TextChoices):
    NONE = "0", _("No employees")
    SMALL = "1-9", _("1 to 9 employees")
    MEDIUM = "10-49", _("10 to 49 employees")
    LARGE = "50-249", _("50 to 249 employees")
    HUGE = "250+", _("250 employees or more")


class ActorQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ActorStatus.PUBLISHED)

    def for_listing(self):
        """What a public listing needs, in a fixed number of queries whatever the count."""
        return self.select_related("legal_form", "territory").prefetch_related(
            models.Prefetch("sectors", queryset=Sector.objects.order_by("name_fr"))
        )


class Actor(models.Model):
    """An actor of the SSE: an association, a cooperative, a mutual, a foundation...

    The row holds only what a moderator approved: changes that actor admins propose wait in
    ``ActorChange`` until approved, and the public sees ``published`` actors only. Private
    contact fields are for moderators and the actor's admins; no public output reads them.
    """

    # Fields whose changes the public would see: they wait for a moderator.
    PUBLIC_FIELDS = (
        "name",
        "legal_form",
        "identifier_kind",
        "identifier",
        "sectors",
        "territory",
        "address",
        "latitude",
        "longitude",
        "description",
        "website",
        "public_email",
        "public_phone",
        "year_founded",
        "size_band",
        "languages",
        "is_umbrella",
    )
    # Never public, so applied at once when an actor admin changes them.
    PRIVATE_FIELDS = ("private_contact_name", "private_email", "private_phone")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActorStatus.choices, default=ActorStatus.PENDING
    )
    legal_form = models.ForeignKey(
        LegalForm,
        verbose_name=_("legal form"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actors",
    )
    identifier_kind = models.CharField(
        _("kind of identifier"), max_length=8, choices=IdentifierKind.choices, blank=True
    )
    identifier = models.CharField(
        _("identifier"),
        max_length=40,
        blank=True,
        help_text=_("SIRET: 14 digits. RNA: W followed by 9 digits."),
    )
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), blank=True, related_name="actors"
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actors",
    )
    address = models.TextField(_("address"), blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    description = models.TextField(_("description"), blank=True, max_length=4000)
    website = models.URLField(_("website"), blank=True)
    public_email = models.EmailField(_("public e-mail address"), blank=True)
    public_phone = models.CharField(_("public phone number"), max_length=40, blank=True)
    private_contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    private_email = models.EmailField(_("private e-mail address"), blank=True)
    private_phone = models.CharField(_("private phone number"), max_length=40, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    year_founded = models.PositiveSmallIntegerField(
        _("year founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    size_band = models.CharField(_("size"), max_length=8, choices=SizeBand.choices, blank=True)
    languages = models.CharField(
        _("languages"),
        max_length=120,
        blank=True,
        help_text=_("Languages the actor works in, e.g. français, wolof."),
    )
    is_umbrella = models.BooleanField(
        _("umbrella network"),
        default=False,
        help_text=_("A network or federation (structure faîtière) that other actors join."),
    )
    # Set by moderators: an incubator's admins then list its programmes and calls.
    is_incubator = models.BooleanField(
        _("incubator"),
        default=False,
        help_text=_("An incubator or nursery (incubateur, pépinière) that runs programmes."),
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("potential duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="potential_duplicates",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_actors",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("first published at"), null=True, blank=True)
    # Keeping entries alive: admins confirm once a year that the entry is still right.
    confirmed_at = models.DateTimeField(_("last confirmed at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    is_stale = models.BooleanField(
        _("may be out of date"),
        default=False,
        help_text=_("Nobody confirmed the entry after the yearly reminder."),
    )

    objects = ActorQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("status"),
        FieldPanel("legal_form"),
        FieldRowPanel([FieldPanel("identifier_kind"), FieldPanel("identifier")]),
        FieldPanel("sectors"),
        FieldPanel("territory"),
        AddressPanel(heading=_("Location")),
        FieldPanel("description"),
        FieldPanel("website"),
        FieldRowPanel([FieldPanel("public_email"), FieldPanel("public_phone")]),
        MultiFieldPanel(
            [
                FieldPanel("private_contact_name"),
                FieldPanel("private_email"),
                FieldPanel("private_phone"),
            ],
            heading=_("Private contact (never public)"),
        ),
        FieldPanel("logo"),
        FieldRowPanel([FieldPanel("year_founded"), FieldPanel("size_band")]),
        FieldPanel("languages"),
        FieldPanel("is_umbrella"),
        FieldPanel("is_incubator"),
        FieldPanel("duplicate_of"),
    ]

    class Meta:
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        ordering = ["name"]
        permissions = [("moderate_actor", _("Can approve actors and their changes"))]
        indexes = [
            models.Index(fields=["status", "name"]),
            models.Index(fields=["status", "latitude", "longitude"]),
            models.Index(fields=["identifier"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(identifier="") | ~Q(identifier_kind=""),
                name="network_actor_identifier_has_kind",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="network_actor_both_coordinates_or_none",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("network:actor", args=[self.slug])

    def clean(self):
        super().clean()
        errors = {}
        self.identifier = normalize_identifier(self.identifier)
        if self.identifier and not self.identifier_kind:
            errors["identifier_kind"] = _("Say which kind of identifier this is.")
        try:
            if self.identifier_kind == IdentifierKind.SIRET and self.identifier:
                validate_siret(self.identifier)
            elif self.identifier_kind == IdentifierKind.RNA and self.identifier:
                validate_rna(self.identifier)
        except ValidationError as error:
            errors["identifier"] = error.messages
        if (self.latitude is None) != (self.longitude is None):
            field = "longitude" if self.longitude is None else "latitude"
            errors[field] = _("Give both the latitude and the longitude, or neither.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_published(self):
        return self.status == ActorStatus.PUBLISHED

    @property
    def has_location(self):
        return self.latitude is not None and self.longitude is not None


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Membership.Status.ACTIVE)

    def admins(self):
        return self.active().filter(role=Membership.Role.ADMIN)


class Membership(models.Model):
    """A person in an actor: its admins edit the profile and let others in."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MEMBER = "member", _("Member")

    class Status(models.TextChoices):
        PENDING = "pending", _("Asked to join")
        ACTIVE = "active", _("Active")
        REJECTED = "rejected", _("Declined")

    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="actor_memberships",
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["actor", "user"], name="network_one_membership")
        ]

    def __str__(self):
        return f"{self.user} · {self.actor}"


class UmbrellaMembership(models.Model):
    """An actor in an umbrella network. The umbrella's admins approve who joins."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Asked to join")
        APPROVED = "approved", _("Member")
        REJECTED = "rejected", _("Declined")

    umbrella = models.ForeignKey(
        Actor,
        verbose_name=_("umbrella network"),
        on_delete=models.CASCADE,
        related_name="member_links",
    )
    member = models.ForeignKey(
        Actor,
        verbose_name=_("member actor"),
        on_delete=models.CASCADE,
        related_name="umbrella_links",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("umbrella membership")
        verbose_name_plural = _("umbrella memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["umbrella", "member"], name="network_one_umbrella_membership"
            ),
            models.CheckConstraint(
                condition=~Q(umbrella=F("member")), name="network_umbrella_not_itself"
            ),
        ]

    def __str__(self):
        return f"{self.member} → {self.umbrella}"


class ActorChange(models.Model):
    """Changes an actor admin proposed, kept apart until a moderator approves them.

    ``data`` holds the proposed values of public fields as JSON (foreign keys as ids, sectors
    as a list of ids); approving writes them to the actor in one transaction.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUPERSEDED = "superseded", _("Replaced by a newer proposal")

    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.CASCADE, related_name="changes"
    )
    data = models.JSONField(_("proposed values"), default=dict)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("moderator's note"), blank=True)

    class Meta:
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        ordering = ["created_at"]
        constraints = [
            # One pending proposal per actor: a newer one replaces it.
            models.UniqueConstraint(
                fields=["actor"],
                condition=Q(status="pending"),
                name="network_one_pending_change",
            )
        ]

    def __str__(self):
        return f"{self.actor} ({self.get_status_display()})"


class NeedOfferCategory(models.TextChoices):
    PREMISES = "premises", _("Premises")
    VOLUNTEERS = "volunteers", _("Volunteers")
    FUNDING = "funding", _("Funding")
    SKILLS = "skills", _("Skills")
    EQUIPMENT = "equipment", _("Equipment")
    MENTORING = "mentoring", _("Mentoring")
    PURCHASING = "purchasing", _("Purchasing")
    OTHER = "other", _("Other")


class NeedOfferQuerySet(models.QuerySet):
    def current(self, today=None):
        """Not expired, on a published actor."""
        today = today or timezone.localdate()
        return self.filter(expires_on__gte=today, actor__status=ActorStatus.PUBLISHED)


class NeedOffer(models.Model):
    """Something an actor needs or offers (premises, volunteers, funding...), until a date."""

    class Kind(models.TextChoices):
        NEED = "need", _("Need")
        OFFER = "offer", _("Offer")

    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.CASCADE, related_name="needs_offers"
    )
    kind = models.CharField(_("need or offer"), max_length=5, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=12, choices=NeedOfferCategory.choices)
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    expires_on = models.DateField(_("until"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = NeedOfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("need or offer")
        verbose_name_plural = _("needs and offers")
        ordering = ["expires_on", "pk"]
        indexes = [models.Index(fields=["kind", "category", "expires_on"])]

    def __str__(self):
        return self.title


class NotDuplicate(models.Model):
    """Two actors a moderator declared different: duplicate detection leaves the pair alone.
    Stored with the smaller id first, so a pair is one row."""

    first = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pair marked not a duplicate")
        verbose_name_plural = _("pairs marked not duplicates")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="network_not_duplicate_once"),
            models.CheckConstraint(
                condition=Q(first__lt=F("second")), name="network_not_duplicate_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.first_id} ≠ {self.second_id}"


class Follow(models.Model):
    """A sector or a territory someone follows, with all it contains: events published there
    are announced to them, and incubators' calls too, so that people subscribe once.

    A follower is a mail subscriber (``notifications.Subscriber``), with or without an account.
    Kinds of events and series are followed in ``events`` (``events.Subscription``).
    """

    class Target(models.TextChoices):
        SECTOR = "sector", _("Sector")
        TERRITORY = "territory", _("Territory")

    subscriber = models.ForeignKey(
        "notifications.Subscriber", on_delete=models.CASCADE, related_name="follows"
    )
    target = models.CharField(_("follows"), max_length=10, choices=Target.choices)
    sector = models.ForeignKey(
        Sector, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    territory = models.ForeignKey(
        Territory, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("followed sector or territory")
        verbose_name_plural = _("followed sectors and territories")
        constraints = [
            models.CheckConstraint(
                condition=Q(target="sector", sector__isnull=False, territory=None)
                | Q(target="territory", sector=None, territory__isnull=False),
                name="network_follow_has_one_target",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "sector"],
                condition=Q(target="sector"),
                name="network_follow_sector_once",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "territory"],
                condition=Q(target="territory"),
                name="network_follow_territory_once",
            ),
        ]

    def __str__(self):
        return f"{self.subscriber} → {self.label}"

    @property
    def label(self):
        return str(self.sector if self.target == self.Target.SECTOR else self.territory)
