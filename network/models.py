"""The network: controlled vocabularies (sectors, territories) shared by events, the directory
and forums; and the directory of actors, their members, umbrella networks, needs and offers."""

import datetime as dt
import re
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel


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
        FieldPanel("address"),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
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


# ---------------------------------------------------------------------------
# Meeting spaces and their bookings (issue 7, see shared/guide/booking.md)
# ---------------------------------------------------------------------------


class SpaceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Space(models.Model):
    """A room, hall or coworking space that a city or an actor lends to actors of the SSE.

    The booking rules live on the row; the booking service (``network.booking``) enforces them.
    Times are stored in UTC and read in the space's own ``time_zone``.
    """

    EQUIPMENT = ("has_projector", "has_wifi", "has_kitchen", "has_sound_system")
    ACCESSIBILITY = ("step_free_access", "accessible_toilets", "hearing_loop")

    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=180, unique=True)
    is_active = models.BooleanField(_("open to bookings"), default=True)
    owner_territory = models.ForeignKey(
        Territory,
        verbose_name=_("owning city or territory"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_spaces",
    )
    owner_actor = models.ForeignKey(
        Actor,
        verbose_name=_("owning actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_spaces",
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("managers"),
        blank=True,
        related_name="managed_spaces",
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        related_name="spaces",
        help_text=_("The commune where the space is."),
    )
    address = models.TextField(_("address"))
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    capacity = models.PositiveIntegerField(_("capacity (people)"))
    description = models.TextField(_("description"), blank=True, max_length=4000)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Equipment and accessibility: one boolean each, so that searches stay plain filters.
    has_projector = models.BooleanField(_("projector or screen"), default=False)
    has_wifi = models.BooleanField(_("Wi-Fi"), default=False)
    has_kitchen = models.BooleanField(_("kitchen"), default=False)
    has_sound_system = models.BooleanField(_("sound system"), default=False)
    step_free_access = models.BooleanField(_("step-free access"), default=False)
    accessible_toilets = models.BooleanField(_("accessible toilets"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    # Booking rules.
    min_duration = models.DurationField(_("minimum duration"), default=dt.timedelta(minutes=30))
    max_duration = models.DurationField(_("maximum duration"), default=dt.timedelta(hours=8))
    min_notice = models.DurationField(
        _("minimum notice"),
        default=dt.timedelta(hours=24),
        help_text=_("How long before the start a booking must be made."),
    )
    horizon = models.DurationField(
        _("how far ahead"),
        default=dt.timedelta(days=90),
        help_text=_("Bookings cannot start later than this after today."),
    )
    max_active_per_actor = models.PositiveSmallIntegerField(
        _("maximum active bookings per actor"), default=10
    )
    buffer = models.DurationField(
        _("buffer between bookings"),
        default=dt.timedelta(0),
        help_text=_("Time kept free after each booking, e.g. for cleaning."),
    )
    requires_approval = models.BooleanField(
        _("a manager approves each booking"),
        default=False,
        help_text=_("Otherwise bookings are confirmed at once."),
    )
    price = models.CharField(_("price"), max_length=200, blank=True, help_text=_("Free if empty."))
    conditions = models.TextField(_("conditions of use"), blank=True, max_length=4000)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = SpaceQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("is_active"),
        MultiFieldPanel(
            [
                FieldPanel("owner_territory"),
                FieldPanel("owner_actor"),
                FieldPanel("managers"),
            ],
            heading=_("Owner and managers"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("territory"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldPanel("time_zone"),
            ],
            heading=_("Place"),
        ),
        FieldPanel("capacity"),
        FieldPanel("description"),
        FieldPanel("photo"),
        MultiFieldPanel(
            [FieldPanel(name) for name in EQUIPMENT + ACCESSIBILITY],
            heading=_("Equipment and accessibility"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("min_duration"), FieldPanel("max_duration")]),
                FieldRowPanel([FieldPanel("min_notice"), FieldPanel("horizon")]),
                FieldRowPanel([FieldPanel("max_active_per_actor"), FieldPanel("buffer")]),
                FieldPanel("requires_approval"),
            ],
            heading=_("Booking rules"),
        ),
        FieldPanel("price"),
        FieldPanel("conditions"),
    ]

    class Meta:
        verbose_name = _("meeting space")
        verbose_name_plural = _("meeting spaces")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_duration__gte=F("min_duration")),
                name="network_space_durations_ordered",
            ),
            models.CheckConstraint(
                condition=Q(min_duration__gt=dt.timedelta(0)),
                name="network_space_min_duration_positive",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("network:space", args=[self.slug])

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def owner_name(self):
        owner = self.owner_actor or self.owner_territory
        return str(owner) if owner else ""

    def equipment_labels(self):
        return [
            self._meta.get_field(name).verbose_name
            for name in self.EQUIPMENT
            if getattr(self, name)
        ]

    def accessibility_labels(self):
        return [
            self._meta.get_field(name).verbose_name
            for name in self.ACCESSIBILITY
            if getattr(self, name)
        ]

    def clean(self):
        try:
            zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError({"time_zone": _("Unknown time zone.")}) from None


class OpeningHours(models.Model):
    """A span of opening on one weekday, in the space's local time. Several spans a day allowed."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, pgettext_lazy("weekday", "Monday")
        TUESDAY = 1, pgettext_lazy("weekday", "Tuesday")
        WEDNESDAY = 2, pgettext_lazy("weekday", "Wednesday")
        THURSDAY = 3, pgettext_lazy("weekday", "Thursday")
        FRIDAY = 4, pgettext_lazy("weekday", "Friday")
        SATURDAY = 5, pgettext_lazy("weekday", "Saturday")
        SUNDAY = 6, pgettext_lazy("weekday", "Sunday")

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens at"))
    closes = models.TimeField(_("closes at"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")), name="network_opening_hours_ordered"
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    """Days a space is closed (holidays, works), both dates included, in its local time."""

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.CASCADE, related_name="closures"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until (included)"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="network_closure_ordered"
            )
        ]

    def __str__(self):
        return f"{self.starts_on} – {self.ends_on}"


class BookingQuerySet(models.QuerySet):
    def occupying(self):
        return self.filter(occupies=True)

    def overlapping(self, *, start, until):
        """Rows whose occupied interval [start, occupied_until) meets [start, until)."""
        return self.filter(start__lt=until, occupied_until__gt=start)


class Booking(models.Model):
    """One occurrence of a booking request. A series shares ``series`` and has one row per date.

    ``occupies`` is set by the booking service from the status (only confirmed rows occupy);
    the database refuses two occupying rows of one space whose [start, occupied_until)
    intervals meet: an exclusion constraint on PostgreSQL, a trigger on SQLite (migration
    0004). ``occupied_until`` is ``end`` plus the space's buffer, copied when booked.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    space = models.ForeignKey(
        Space, verbose_name=_("space"), on_delete=models.PROTECT, related_name="bookings"
    )
    actor = models.ForeignKey(
        Actor, verbose_name=_("on behalf of"), on_delete=models.PROTECT, related_name="bookings"
    )
    # Empty once the requester deleted their account: the booking stays in the managers'
    # records, with its actor, without the person (website.accounts.services.user_delete).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="space_bookings",
    )
    series = models.UUIDField(_("series"), null=True, blank=True, db_index=True)
    uid = models.CharField(_("calendar UID"), max_length=255, unique=True)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    buffer = models.DurationField(_("buffer"), default=dt.timedelta(0))
    occupied_until = models.DateTimeField(_("occupied until"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    occupies = models.BooleanField(_("occupies the space"), default=False)
    purpose = models.CharField(_("purpose"), max_length=200)
    attendees = models.PositiveIntegerField(_("number of people"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("request expires at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason given"), blank=True, max_length=1000)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["start"]
        indexes = [models.Index(fields=["space", "start"], name="network_booking_space_start")]
        constraints = [
            # Half-open intervals: a zero-length booking would never conflict with anything.
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="network_booking_positive"
            ),
            models.CheckConstraint(
                condition=Q(occupied_until__gte=F("end")), name="network_booking_buffer_after"
            ),
            models.CheckConstraint(
                condition=Q(occupies=False) | Q(status="confirmed"),
                name="network_booking_only_confirmed_occupies",
            ),
        ]

    def __str__(self):
        return f"{self.space} · {self.start:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("network:booking", args=[self.pk])

    @property
    def is_active(self):
        return self.status in (self.Status.PENDING, self.Status.CONFIRMED)


# ---------------------------------------------------------------------------
# Incubators: programmes and their calls for applications (issue 6)
# ---------------------------------------------------------------------------


class SupportKind(models.TextChoices):
    """What a programme offers. Stored as one boolean each on ``Programme`` (``offers_<kind>``),
    so that filtering stays a plain column test on every database."""

    HOSTING = "hosting", _("Hosting")
    TRAINING = "training", _("Training")
    FUNDING = "funding", _("Funding")
    MENTORING = "mentoring", _("Mentoring")
    ADVICE = "advice", _("Advice")


class ProgrammeQuerySet(models.QuerySet):
    def public(self):
        """Active programmes of published incubators: what the public may see."""
        return self.filter(
            is_active=True, actor__status=ActorStatus.PUBLISHED, actor__is_incubator=True
        )


class Programme(models.Model):
    """A programme an incubator runs (a cohort, a nursery, a fund...). It opens ``Call`` s."""

    actor = models.ForeignKey(
        Actor,
        verbose_name=_("incubator"),
        on_delete=models.CASCADE,
        related_name="programmes",
        limit_choices_to={"is_incubator": True},
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    is_active = models.BooleanField(_("shown on the site"), default=True)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    offers_hosting = models.BooleanField(_("hosting"), default=False)
    offers_training = models.BooleanField(_("training"), default=False)
    offers_funding = models.BooleanField(_("funding"), default=False)
    offers_mentoring = models.BooleanField(_("mentoring"), default=False)
    offers_advice = models.BooleanField(_("advice"), default=False)
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), blank=True, related_name="programmes"
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programmes",
        help_text=_("Where applicants must be. Empty: the incubator's own territory."),
    )
    duration = models.CharField(
        _("duration"), max_length=120, blank=True, help_text=_("e.g. 6 months, 2 days a week.")
    )
    cost = models.CharField(_("cost"), max_length=200, blank=True, help_text=_("Free if empty."))
    eligibility = models.TextField(_("eligibility"), blank=True, max_length=2000)
    audience = models.CharField(
        _("audience"),
        max_length=200,
        blank=True,
        help_text=_("e.g. project leaders, young people, women entrepreneurs."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    panels = [
        FieldPanel("actor"),
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("is_active"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel(f"offers_{kind}") for kind in SupportKind.values],
            heading=_("Kinds of support"),
        ),
        FieldPanel("sectors"),
        FieldPanel("territory"),
        FieldRowPanel([FieldPanel("duration"), FieldPanel("cost")]),
        FieldPanel("eligibility"),
        FieldPanel("audience"),
    ]

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("network:programme", args=[self.slug])

    @property
    def support_kinds(self):
        return [kind for kind in SupportKind if getattr(self, f"offers_{kind.value}")]

    @property
    def support_labels(self):
        return [kind.label for kind in self.support_kinds]

    @property
    def is_free(self):
        return not self.cost.strip()

    def clean(self):
        super().clean()
        if self.actor_id and not Actor.objects.filter(pk=self.actor_id, is_incubator=True).exists():
            raise ValidationError({"actor": _("Only incubators run programmes.")})


class CallState(models.TextChoices):
    """Never stored: computed from the dates and "now" by ``CallQuerySet.with_state``."""

    COMING = "coming", _("Coming")
    OPEN = "open", _("Open")
    CLOSING_SOON = "closing_soon", _("Closing soon")
    CLOSED = "closed", _("Closed")


# A call that closes within this delay is "closing soon".
CLOSING_SOON_WITHIN = dt.timedelta(days=7)


class CallQuerySet(models.QuerySet):
    """The one place the state of a call is decided, from its dates and ``now``.

    A call is coming before ``opens_at``; closed from ``closes_at`` on (a permanent call has
    none and never closes); closing soon when ``closes_at`` is within CLOSING_SOON_WITHIN;
    open otherwise. The boundaries are half-open: open at ``opens_at`` exactly, closed at
    ``closes_at`` exactly.
    """

    @staticmethod
    def state_conditions(now):
        """(state, condition) pairs, the first that matches wins."""
        return [
            (CallState.COMING, Q(opens_at__gt=now)),
            (CallState.CLOSED, Q(closes_at__lte=now)),
            (CallState.CLOSING_SOON, Q(closes_at__lte=now + CLOSING_SOON_WITHIN)),
            (CallState.OPEN, Q()),
        ]

    def with_state(self, now=None):
        """Each call gets ``state`` and ``state_rank`` (0 open or closing soon, 1 coming,
        2 closed: the order listings show them in)."""
        now = now or timezone.now()
        ranks = {
            CallState.OPEN: 0,
            CallState.CLOSING_SOON: 0,
            CallState.COMING: 1,
            CallState.CLOSED: 2,
        }
        conditions = self.state_conditions(now)
        return self.annotate(
            state=models.Case(
                *[
                    models.When(condition, then=models.Value(str(state)))
                    for state, condition in conditions[:-1]
                ],
                default=models.Value(str(CallState.OPEN)),
                output_field=models.CharField(),
            ),
            state_rank=models.Case(
                *[
                    models.When(condition, then=models.Value(ranks[state]))
                    for state, condition in conditions[:-1]
                ],
                default=models.Value(0),
                output_field=models.IntegerField(),
            ),
        )

    def in_state(self, *states, now=None):
        now = now or timezone.now()
        return self.with_state(now).filter(state__in=[str(state) for state in states])

    def open_now(self, now=None):
        """Open or closing soon: people can apply."""
        now = now or timezone.now()
        return self.filter(
            Q(opens_at__lte=now) & (Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        )


class Call(models.Model):
    """A call for applications of a programme.

    Times are stored in UTC and shown in the viewer's zone, zone named. ``time_zone`` is the
    zone the incubator writes its dates in: a deadline given as a day only ("closes on 15
    March") closes at the end of that day (23:59:59) in that zone (``incubators.END_OF_DAY``).
    A permanent call has no closing date; a recurring one comes back (``recurrence`` says
    when) and each session is its own row. ``announced_at`` and ``reminded_for`` record that
    subscribers were told, so that each alert goes out once.
    """

    class Cadence(models.TextChoices):
        ONE_OFF = "one_off", _("One-off")
        PERMANENT = "permanent", _("Permanent (rolling applications)")
        RECURRING = "recurring", _("Recurring")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="calls"
    )
    title = models.CharField(_("title"), max_length=200)
    # The calendar UID of its deadlines: generated once, never derived from a URL.
    uid = models.UUIDField(_("calendar UID"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0, editable=False)
    cadence = models.CharField(
        _("cadence"), max_length=10, choices=Cadence.choices, default=Cadence.ONE_OFF
    )
    recurrence = models.CharField(
        _("comes back"), max_length=120, blank=True, help_text=_("e.g. every spring.")
    )
    description = models.TextField(_("description"), blank=True, max_length=4000)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    opens_at = models.DateTimeField(_("opens at"))
    pre_deposit_at = models.DateTimeField(
        _("pre-application deadline"),
        null=True,
        blank=True,
        help_text=_("When a first short application (pre-dépôt) is due, if there is one."),
    )
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    apply_url = models.URLField(_("application form (link)"), blank=True)
    apply_email = models.EmailField(_("application contact (e-mail)"), blank=True)
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True, editable=False)
    reminded_for = models.DateTimeField(
        _("closing reminded of"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CallQuerySet.as_manager()

    panels = [
        FieldPanel("programme"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("cadence"), FieldPanel("recurrence")]),
        FieldPanel("description"),
        FieldPanel("time_zone"),
        FieldRowPanel(
            [FieldPanel("opens_at"), FieldPanel("pre_deposit_at"), FieldPanel("closes_at")]
        ),
        FieldRowPanel([FieldPanel("apply_url"), FieldPanel("apply_email")]),
    ]

    class Meta:
        verbose_name = _("call for applications")
        verbose_name_plural = _("calls for applications")
        ordering = ["opens_at", "pk"]
        indexes = [models.Index(fields=["opens_at", "closes_at"], name="network_call_dates")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(apply_url="") | ~Q(apply_email=""),
                name="network_call_has_way_to_apply",
            ),
            models.CheckConstraint(
                condition=Q(cadence="permanent", closes_at__isnull=True)
                | (~Q(cadence="permanent") & Q(closes_at__isnull=False)),
                name="network_call_closes_unless_permanent",
            ),
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True) | Q(closes_at__gt=F("opens_at")),
                name="network_call_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(pre_deposit_at__isnull=True)
                | (
                    Q(pre_deposit_at__gte=F("opens_at"))
                    & (Q(closes_at__isnull=True) | Q(pre_deposit_at__lte=F("closes_at")))
                ),
                name="network_call_pre_deposit_within",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("network:call", args=[self.programme.slug, self.pk])

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def clean(self):
        super().clean()
        errors = {}
        try:
            zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            errors["time_zone"] = _("Unknown time zone.")
        if not self.apply_url and not self.apply_email:
            errors["apply_url"] = _("Give a link to apply, a contact address, or both.")
        if self.cadence == self.Cadence.PERMANENT and self.closes_at:
            errors["closes_at"] = _("A permanent call has no closing date.")
        elif self.cadence != self.Cadence.PERMANENT and not self.closes_at:
            errors["closes_at"] = _("Give the closing date, or make the call permanent.")
        elif self.closes_at and self.opens_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("The call must close after it opens.")
        if (
            self.pre_deposit_at
            and self.opens_at
            and (
                self.pre_deposit_at < self.opens_at
                or (self.closes_at and self.pre_deposit_at > self.closes_at)
            )
        ):
            errors["pre_deposit_at"] = _(
                "The pre-application deadline must fall between the opening and the closing."
            )
        if errors:
            raise ValidationError(errors)


class CallAlertOptOut(models.Model):
    """A subscriber who unsubscribed from alerts about calls (the ``network.calls`` scope)
    while keeping the sectors and territories they follow for events."""

    subscriber = models.OneToOneField(
        "notifications.Subscriber",
        verbose_name=_("subscriber"),
        on_delete=models.CASCADE,
        related_name="call_alert_opt_out",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("opt-out of call alerts")
        verbose_name_plural = _("opt-outs of call alerts")

    def __str__(self):
        return str(self.subscriber)
