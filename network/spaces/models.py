"""Meeting spaces that cities and networks lend, their opening hours and closures, and the
bookings of actors (see shared/guide/booking.md)."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from network.directory.models import Actor, Territory
from website.widgets import AddressPanel


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
                AddressPanel(),
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
        db_table = "network_space"  # kept from the flat network app
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
        return reverse("spaces:space", args=[self.slug])

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
        db_table = "network_openinghours"  # kept from the flat network app
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
        db_table = "network_closure"  # kept from the flat network app
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
        db_table = "network_booking"  # kept from the flat network app
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
        return reverse("spaces:booking", args=[self.pk])

    @property
    def is_active(self):
        return self.status in (self.Status.PENDING, self.Status.CONFIRMED)
