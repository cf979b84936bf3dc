"""Meeting spaces in people's own calendar feeds (``website.calendars.feeds``)."""

from django.db.models import Q

from website.calendars.feeds import FeedPart

from .models import Booking
from .notifications import booking_changed_at, booking_feed_state, requester_vevents
from .selectors import BOOKING_CALENDAR_RELATED


def bookings_feed_part(user, since, request):
    """The bookings ``user`` asked for, for their own feed.

    A booking has the UID of its invites, and a series of bookings is one recurring VEVENT,
    as mailed (``notifications.requester_vevents``); a request waiting for a manager is
    TENTATIVE; a declined, expired or cancelled one leaves the feed (its CANCEL went out by
    mail) and still counts in the validators. Every row of a series with a recent date is
    read: its one VEVENT's rule, EXDATE and SEQUENCE come from them all (one query still).
    """
    own_bookings = Booking.objects.filter(requested_by=user)
    recent_series = own_bookings.filter(end__gte=since, series__isnull=False).values("series")
    bookings = list(
        own_bookings.filter(Q(end__gte=since) | Q(series__in=recent_series))
        .select_related(*BOOKING_CALENDAR_RELATED)
        .order_by("start", "pk")
    )
    return FeedPart(
        validators=tuple(booking_feed_state(booking) for booking in bookings),
        changed=[booking_changed_at(booking) for booking in bookings],
        build=lambda: requester_vevents(bookings),
    )
