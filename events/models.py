"""Events: pages that editors publish, occurrences people register for, and registrations.

An event's schedule (start, end, time zone, recurrence rule, changes to single occurrences)
lives on its page. ``services.event_sync_occurrences`` turns it into ``Occurrence`` rows, one
per date, which registrations point to. Translations of a page share its occurrences: they
belong to the page in the site's default language (``EventPage.canonical``).
"""

import dataclasses
import uuid
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from network.directory.wagtail_hooks import PublishedActorChooserWidget
from website.accounts.models import time_zone_choices  # also named in migrations
from website.blocks import BodyBlock
from website.cache import CachedPageMixin
from website.currencies import currency_choices
from website.pageviews import RegisteredContextMixin, RegisteredRoutesMixin
from website.widgets import AddressPanel

from .recurrence import recurrence_problem
from .widgets import RecurrenceWidget, SeriesDateSelect


class EventKind(models.TextChoices):
    WORKSHOP = "atelier", _("Workshop")
    TRAINING = "formation", _("Training")
    FAIR = "foire-salon", _("Fair or trade show")
    OPEN_DAY = "portes-ouvertes", _("Open day")
    COMMITTEE = "concertation", _("Committee meeting")
    MEETING = "rencontre", _("Meeting")
    WEBINAR = "webinaire", _("Webinar")


class AttendanceMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("In person and online")


# The recurrence field's help, also under the builder's "Advanced" text field.
RECURRENCE_HELP = _(
    "An RFC 5545 rule, e.g. FREQ=WEEKLY;INTERVAL=2 (every other week), "
    "FREQ=MONTHLY;BYDAY=1TU;COUNT=10 (the first Tuesday, 10 times), "
    "FREQ=WEEKLY;UNTIL=20270630T000000Z. Leave empty for a single event."
)

ACCESSIBILITY_FEATURES = [
    ("step_free_access", _("Step-free access")),
    ("accessible_toilets", _("Accessible toilets")),
    ("hearing_loop", _("Hearing loop")),
    ("sign_language", _("Sign language interpretation")),
    ("live_captions", _("Live captions")),
    ("easy_read", _("Easy-to-read material")),
    ("quiet_space", _("Quiet space")),
]


class EventIndexPage(CachedPageMixin, RegisteredRoutesMixin, Page):
    """The agenda of a site: upcoming events, the archive, the month view, the map.

    Every view lists occurrences (one row per date) of the events under this agenda's page in
    the default language, which holds them, filtered by ``EventFilterForm`` from the query
    string. Dates show in each event's own time zone.

    The views are Wagtail routes of this page (``RoutablePageMixin``), but their functions
    live in ``events.views``, which registers them here (``register_route``, see
    ``website.pageviews``): they read selectors and forms, which import this module, so the
    arrows point from the views to the model and never back. The month's table is drawn by
    ``events.month``.
    """

    cache_scopes = ("events", "spaces")  # dates, seats left, places

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["website.HomePage"]
    subpage_types = ["events.EventPage"]
    max_count_per_parent = 1

    OCCURRENCES_PER_PAGE = 20
    # A day of the month view shows this many dates, then "N more" links to that day's list.
    MONTH_DATES_PER_DAY = 4
    # The map and its list show at most this many dates.
    MAP_MAX_OCCURRENCES = 200

    class Meta:
        verbose_name = _("events index")

    def route_url(self, request, name, **kwargs):
        """The address of one of this page's views, keeping the filters of the request."""
        url = self.get_url(request) + self.reverse_subpage(name, kwargs=kwargs)
        params = request.GET.copy()
        params.pop("page", None)
        if params:
            url = f"{url}?{params.urlencode()}"
        return url


@dataclasses.dataclass(frozen=True)
class Place:
    """Where an event happens (see ``EventPage.place``)."""

    name: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    space: object = None


class EventPage(CachedPageMixin, RegisteredContextMixin, Page):
    """One event, or a series of them when it has a recurrence rule.

    What its page shows beyond its fields (the next dates, the visitor's own registrations)
    is read by ``events.views.event_page_context``, registered here (``website.pageviews``);
    its admin form, ``events.forms.EventPageForm``, is given to it by ``EventsConfig.ready``,
    as Wagtail's admin gives ``Page`` its own: both import this module.
    """

    # Seats left; a booked space is its place; the organising actor and the sectors and
    # territory named on the page come from the directory.
    cache_scopes = ("events", "spaces", "directory")

    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    summary = models.TextField(_("summary"), max_length=400)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # When. Stored in UTC; shown in the event's own time zone.
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=time_zone_choices, default=settings.TIME_ZONE
    )
    all_day = models.BooleanField(_("all day"), default=False)
    recurrence = models.CharField(
        _("recurrence rule"), max_length=300, blank=True, help_text=RECURRENCE_HELP
    )

    # Where.
    attendance_mode = models.CharField(
        _("attendance"),
        max_length=12,
        choices=AttendanceMode.choices,
        default=AttendanceMode.IN_PERSON,
    )
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
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
    online_url = models.URLField(_("online link"), blank=True)
    # A confirmed booking of a meeting space: then the place is the booked space's.
    booking = models.ForeignKey(
        "spaces.Booking",
        verbose_name=_("booked meeting space"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        limit_choices_to={"status": "confirmed"},
        help_text=_(
            "A confirmed booking whose time covers the event's first date. The venue, address "
            "and coordinates then come from the booked space."
        ),
    )

    # Who and for whom.
    organiser_name = models.CharField(_("organiser"), max_length=200)
    organiser_email = models.EmailField(_("organiser's e-mail"), blank=True)
    # When an actor of the directory organises it: the page and search engines link its profile.
    organiser_actor = models.ForeignKey(
        "network.Actor",
        verbose_name=_("organising actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organised_events",
        limit_choices_to={"status": "published"},
        help_text=_("An actor of the directory: its profile is linked from the event's page."),
    )
    sectors = ParentalManyToManyField(
        "network.Sector", verbose_name=_("sectors"), blank=True, related_name="events"
    )
    territory = models.ForeignKey(
        "network.Territory",
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    price = models.DecimalField(
        _("price"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Leave empty when the event is free."),
    )
    price_currency = models.CharField(
        _("currency"), max_length=3, choices=currency_choices, default="EUR"
    )
    price_details = models.CharField(_("price details"), max_length=200, blank=True)

    # Accessibility, structured so that people can filter on it.
    step_free_access = models.BooleanField(_("step-free access"), default=False)
    accessible_toilets = models.BooleanField(_("accessible toilets"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    sign_language = models.BooleanField(_("sign language interpretation"), default=False)
    live_captions = models.BooleanField(_("live captions"), default=False)
    easy_read = models.BooleanField(_("easy-to-read material"), default=False)
    quiet_space = models.BooleanField(_("quiet space"), default=False)
    accessibility_notes = models.TextField(_("accessibility notes"), blank=True)

    # Registration.
    registration_enabled = models.BooleanField(_("registration open"), default=True)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("seats"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    waiting_list_enabled = models.BooleanField(_("waiting list"), default=True)

    # Calendar identity: UID from the translation key (stored, shared by translations);
    # SEQUENCE bumped by the services on significant changes (RFC 5545 3.8.7.4).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    # What calendars were last told (times, place, status, rule): a change bumps ``sequence``.
    calendar_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("summary"),
        FieldPanel("image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldRowPanel([FieldPanel("time_zone"), FieldPanel("all_day")]),
                FieldPanel(
                    "recurrence",
                    widget=RecurrenceWidget(rule_help=RECURRENCE_HELP),
                    help_text=_(
                        "Build the rule with the fields below; the preview shows the dates "
                        "it gives. Experts can type it as text under “Advanced”."
                    ),
                ),
                InlinePanel("occurrence_changes", label=_("Changes to single dates")),
            ],
            heading=_("When"),
            help_text=_("Translations take their dates and registrations from the French page."),
        ),
        MultiFieldPanel(
            [
                FieldPanel("attendance_mode"),
                FieldPanel("booking"),
                FieldPanel("venue_name"),
                AddressPanel(),
                FieldPanel("online_url"),
            ],
            heading=_("Where"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("organiser_name"),
                FieldPanel("organiser_email"),
                FieldPanel("organiser_actor", widget=PublishedActorChooserWidget),
                FieldPanel("sectors"),
                FieldPanel("territory"),
                FieldPanel("audience"),
                FieldRowPanel([FieldPanel("price"), FieldPanel("price_currency")]),
                FieldPanel("price_details"),
            ],
            heading=_("Who and for whom"),
        ),
        MultiFieldPanel(
            [FieldPanel(name) for name, _label in ACCESSIBILITY_FEATURES]
            + [FieldPanel("accessibility_notes")],
            heading=_("Accessibility"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("registration_enabled"),
                FieldRowPanel(
                    [FieldPanel("registration_opens_at"), FieldPanel("registration_closes_at")]
                ),
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("waiting_list_enabled")]),
            ],
            heading=_("Registration"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("venue_name"),
        index.SearchField("organiser_name"),
        index.FilterField("kind"),
        index.FilterField("start"),
    ]

    parent_page_types = ["events.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def with_content_json(self, content):
        """Publishing a revision keeps the live row's calendar counters: a revision drafted
        before the last change holds an older SEQUENCE, and SEQUENCE must never go down."""
        page = super().with_content_json(content)
        # Read from the database: ``self`` may be the editor's own, older instance.
        live = EventPage.objects.filter(pk=self.pk).values("sequence", "calendar_fingerprint")
        for name, value in (live.first() or {}).items():
            setattr(page, name, value)
        return page

    def clean(self):
        super().clean()
        errors = {}
        if self.start and self.end and self.end <= self.start and not self.all_day:
            errors["end"] = _("The end must come after the start.")
        if self.start and self.end and self.all_day and self.end < self.start:
            errors["end"] = _("The last day cannot come before the first day.")
        if self.recurrence and self.start:
            # The same reading of the rule as the expansion (recurrence.recurrence_rule).
            problem = recurrence_problem(text=self.recurrence, local_start=self.local_start)
            if problem:
                errors["recurrence"] = problem
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if opens and closes and closes <= opens:
            errors["registration_closes_at"] = _("Registration must close after it opens.")
        if self.attendance_mode != AttendanceMode.IN_PERSON and not self.online_url:
            errors["online_url"] = _("An online or hybrid event needs its link.")
        booking_error = self._booking_problem()
        if booking_error:
            errors["booking"] = booking_error
        if errors:
            raise ValidationError(errors)
        self._use_place()

    def _booking_problem(self):
        """Why the chosen booking cannot be the event's place, or None."""
        if self.booking_id is None:
            return None
        booking = self.booking
        if booking.status != "confirmed":
            return _("This booking is not confirmed: choose a confirmed booking.")
        if (
            self.start
            and self.end
            and not (booking.start <= self.start and self.end <= booking.end)
        ):
            return _(
                "This booking (%(booking)s) does not cover the event's first date: "
                "choose a booking from before its start until after its end."
            ) % {"booking": booking}
        return None

    @property
    def place(self):
        """Where the event happens: the booked space when the page uses a booking, else the
        page's own venue, address and coordinates. The one rule that the page, the calendar
        serialiser, the API and the map read (``save`` also copies it into the fields)."""
        if self.booking_id is not None:
            space = self.booking.space
            return Place(
                name=space.name,
                address=space.address,
                latitude=space.latitude,
                longitude=space.longitude,
                space=space,
            )
        return Place(
            name=self.venue_name,
            address=self.address,
            latitude=self.latitude,
            longitude=self.longitude,
        )

    def _use_place(self):
        if self.booking_id is None:
            return
        place = self.place
        self.venue_name, self.address = place.name[:200], place.address
        self.latitude, self.longitude = place.latitude, place.longitude

    def save(self, *args, **kwargs):
        # The stored fields follow the booked space, so that search, listings and the
        # calendar fingerprint (SEQUENCE bumps when the place changes) see it too.
        self._use_place()
        update_fields = kwargs.get("update_fields")
        if self.booking_id is not None and update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "venue_name",
                "address",
                "latitude",
                "longitude",
            }
        return super().save(*args, **kwargs)

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self):
        return timezone.localtime(self.start, self.zone)

    @property
    def local_end(self):
        return timezone.localtime(self.end, self.zone)

    @property
    def is_free(self):
        return self.price is None or self.price == 0

    @property
    def canonical(self):
        """The page in the site's default language that holds occurrences and registrations."""
        from wagtail.models import Locale

        default = Locale.get_default()
        if self.locale_id == default.id:
            return self
        return (
            EventPage.objects.filter(translation_key=self.translation_key, locale=default).first()
            or self
        )

    def accessibility_features(self):
        return [label for name, label in ACCESSIBILITY_FEATURES if getattr(self, name)]


class OccurrenceChange(Orderable):
    """One date of a series cancelled or moved (RFC 5545 EXDATE, or RECURRENCE-ID override)."""

    class Action(models.TextChoices):
        CANCEL = "cancel", _("Cancelled")
        MOVE = "move", _("Moved")

    event = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="occurrence_changes")
    original_start = models.DateTimeField(
        _("date in the series"), help_text=_("The start of the occurrence as the rule gives it.")
    )
    action = models.CharField(_("change"), max_length=10, choices=Action.choices)
    new_start = models.DateTimeField(_("new start"), null=True, blank=True)
    new_end = models.DateTimeField(_("new end"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    panels = [
        FieldPanel("original_start", widget=SeriesDateSelect),
        FieldPanel("action"),
        FieldRowPanel([FieldPanel("new_start"), FieldPanel("new_end")]),
        FieldPanel("note"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("change to a date")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "original_start"], name="events_one_change_per_occurrence"
            ),
            models.CheckConstraint(
                condition=Q(action="cancel")
                | Q(new_start__isnull=False, new_end__isnull=False, new_end__gt=F("new_start")),
                name="events_moved_occurrence_has_times",
                violation_error_message=_("A moved date needs a new start and a later new end."),
            ),
        ]

    def clean(self):
        super().clean()
        if self.action == self.Action.MOVE and not (self.new_start and self.new_end):
            raise ValidationError(_("A moved date needs a new start and a new end."))
        if self.new_start and self.new_end and self.new_end <= self.new_start:
            raise ValidationError({"new_end": _("The end must come after the start.")})


class OccurrenceQuerySet(models.QuerySet):
    def scheduled(self):
        return self.filter(status=Occurrence.Status.SCHEDULED)

    def upcoming(self, now=None):
        return self.filter(end__gte=now or timezone.now()).order_by("start")

    def past(self, now=None):
        return self.filter(end__lt=now or timezone.now()).order_by("-start")

    def live(self):
        # A semi-join on Wagtail's page table alone, not a join through the events' table
        # first: counting 20,000 dates takes a third of the time.
        return self.filter(event__in=Page.objects.live().values("pk"))


class Occurrence(models.Model):
    """One date of an event: what people register for and what calendars show.

    ``original_start`` is the date the rule gives (the RECURRENCE-ID); ``start`` and ``end``
    are where it actually takes place. ``seats_taken`` counts confirmed registrations and the
    database refuses it above ``capacity``: the last seat cannot be sold twice.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="occurrences")
    original_start = models.DateTimeField(_("date in the series"))
    start = models.DateTimeField(_("start"), db_index=True)
    end = models.DateTimeField(_("end"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True)
    seats_taken = models.PositiveIntegerField(_("seats taken"), default=0)
    sequence = models.PositiveIntegerField(default=0)

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("occurrence")
        verbose_name_plural = _("occurrences")
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "original_start"], name="events_occurrence_unique_date"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="events_occurrence_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(seats_taken__lte=F("capacity")),
                name="events_occurrence_seats_within_capacity",
            ),
        ]

    def __str__(self):
        return (
            f"{self.event.title} ({timezone.localtime(self.start, self.event.zone):%Y-%m-%d %H:%M})"
        )

    @property
    def local_start(self):
        return timezone.localtime(self.start, self.event.zone)

    @property
    def local_end(self):
        return timezone.localtime(self.end, self.event.zone)

    @property
    def seats_left(self):
        return None if self.capacity is None else max(self.capacity - self.seats_taken, 0)

    @property
    def is_full(self):
        return self.capacity is not None and self.seats_taken >= self.capacity


class Registration(models.Model):
    """A person's place at one occurrence: confirmed, waiting for a seat, or cancelled."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The start of the date a reminder was sent for: a date that moves is reminded again.
    reminded_for = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "user"],
                condition=~Q(status="cancelled"),
                name="events_one_active_registration_per_person",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.occurrence}"


class Subscription(models.Model):
    """What someone follows of events: a kind of event (announcements), or one series such as a
    committee (invites for the whole series, kept up to date). Sectors and territories are
    followed in the directory (``network.directory.follows``), for events and calls alike."""

    class Target(models.TextChoices):
        KIND = "kind", _("Kind of event")
        SERIES = "series", _("Series")

    subscriber = models.ForeignKey(
        "notifications.Subscriber", on_delete=models.CASCADE, related_name="event_subscriptions"
    )
    target = models.CharField(_("follows"), max_length=10, choices=Target.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices, blank=True)
    event = models.ForeignKey(
        EventPage, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=(Q(target="kind", event=None) & ~Q(kind=""))
                | Q(target="series", kind="", event__isnull=False),
                name="events_subscription_kind_or_series",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "kind"],
                condition=Q(target="kind"),
                name="events_subscription_kind_once",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "event"],
                condition=Q(target="series"),
                name="events_subscription_series_once",
            ),
        ]

    def __str__(self):
        return f"{self.subscriber} → {self.label}"

    @property
    def label(self):
        if self.target == self.Target.KIND:
            return EventKind(self.kind).label
        return self.event.title


class CalendarCopy(models.Model):
    """What one address's calendar was last told about one event, by mail.

    Every invite about an event carries the recipient's whole current holding of it (the
    series they follow, or only the dates they registered for: ``events.invites``), at a
    SEQUENCE above the last one sent to them. A calendar keeps, per UID, the version with the
    highest SEQUENCE it has seen; so whichever path a message took (a registration, a follow,
    an update, a cancellation) it never goes backwards, and following a series and
    registering for some of its dates never cancel each other. ``told`` is what that message
    said (each date held, the place): an update is sent only when it differs, and says how.
    """

    recipient = models.EmailField(_("address"))
    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="calendar_copies")
    sequence = models.PositiveIntegerField(default=0)
    told = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar copy")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event"], name="events_one_calendar_copy_per_address"
            ),
        ]

    def __str__(self):
        return f"{self.recipient} · {self.event_id} · {self.sequence}"
