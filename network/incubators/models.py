"""Incubators' programmes and their calls for applications."""

import datetime as dt
import uuid
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from network.directory.models import Actor, ActorStatus, Sector, Territory


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
        db_table = "network_programme"  # kept from the flat network app
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("incubators:programme", args=[self.slug])

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
        db_table = "network_call"  # kept from the flat network app
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
        return reverse("incubators:call", args=[self.programme.slug, self.pk])

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
        db_table = "network_callalertoptout"  # kept from the flat network app
        verbose_name = _("opt-out of call alerts")
        verbose_name_plural = _("opt-outs of call alerts")

    def __str__(self):
        return str(self.subscriber)
