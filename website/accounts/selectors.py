"""Reads about people. ``user_personal_data`` gathers what the platform holds about one person
(the right of access and to portability, GDPR articles 15 and 20).

Other apps' models are looked up through the app registry, so this module does not import
them: it is read by the accounts views, which every app's URLs sit beside.
"""

from allauth.account.models import EmailAddress
from django.apps import apps
from django.utils import timezone

EXPORT_FORMAT_VERSION = 1


def _when(value):
    return value.isoformat() if value else None


def _subscribers(user, addresses):
    """Subscriber rows of the person: their account's, and any that a *verified* address of
    theirs confirmed before they had an account. An unverified address may be someone
    else's: its subscriptions are not theirs to read."""
    from django.db.models import Q

    Subscriber = apps.get_model("notifications", "Subscriber")
    wanted = Q(user=user)
    for address in addresses:
        wanted |= Q(email__iexact=address)
    return list(
        Subscriber.objects.filter(wanted).prefetch_related(
            "event_subscriptions__sector",
            "event_subscriptions__territory",
            "event_subscriptions__event",
        )
    )


def _subscriber_data(subscriber):
    opted_out_of_calls = apps.get_model("network", "CallAlertOptOut").objects.filter(
        subscriber=subscriber
    )
    return {
        "email": subscriber.email,
        "language": subscriber.language,
        "time_zone": subscriber.time_zone,
        "frequency": subscriber.frequency,
        "reminder_hours": subscriber.reminder_hours,
        "confirmed_at": _when(subscriber.confirmed_at),
        "call_alerts": not opted_out_of_calls.exists(),
        "follows": [
            {
                "target": follow.target,
                "kind": follow.kind or None,
                "sector": follow.sector.slug if follow.sector else None,
                "territory": follow.territory.slug if follow.territory else None,
                "series": follow.event.title if follow.event else None,
                "since": _when(follow.created_at),
            }
            for follow in subscriber.event_subscriptions.all()
        ],
    }


def _registrations(user):
    Registration = apps.get_model("events", "Registration")
    registrations = Registration.objects.filter(user=user).select_related("occurrence__event")
    return [
        {
            "event": registration.occurrence.event.title,
            "start": _when(registration.occurrence.start),
            "end": _when(registration.occurrence.end),
            "status": registration.status,
            "registered_at": _when(registration.created_at),
        }
        for registration in registrations
    ]


def _forums(user):
    ForumProfile = apps.get_model("forums", "ForumProfile")
    Post = apps.get_model("forums", "Post")
    Topic = apps.get_model("forums", "Topic")
    Subscription = apps.get_model("forums", "Subscription")
    profile = ForumProfile.objects.filter(user=user).first()
    return {
        "profile": {
            "handle": profile.handle,
            "mail": profile.mail,
            "suspended_at": _when(profile.suspended_at),
        }
        if profile
        else None,
        "topics": [
            {
                "title": topic.title,
                "category": topic.category.name,
                "created_at": _when(topic.created_at),
            }
            for topic in Topic.objects.filter(author=user).select_related("category")
        ],
        "posts": [
            {
                "topic": post.topic.title,
                "message": post.source,
                "status": post.status,
                "created_at": _when(post.created_at),
                "edited_at": _when(post.edited_at),
            }
            for post in Post.objects.filter(author=user).select_related("topic").order_by("pk")
        ],
        "follows": [
            {
                "category": follow.category.name if follow.category else None,
                "topic": follow.topic.title if follow.topic else None,
                "since": _when(follow.created_at),
            }
            for follow in Subscription.objects.filter(user=user).select_related("category", "topic")
        ],
    }


def _directory(user):
    Membership = apps.get_model("network", "Membership")
    ActorChange = apps.get_model("network", "ActorChange")
    return {
        "memberships": [
            {
                "actor": membership.actor.name,
                "role": membership.role,
                "status": membership.status,
                "since": _when(membership.created_at),
            }
            for membership in Membership.objects.filter(user=user).select_related("actor")
        ],
        "proposed_changes": [
            {
                "actor": change.actor.name,
                "values": change.data,
                "status": change.status,
                "proposed_at": _when(change.created_at),
                "decided_at": _when(change.decided_at),
            }
            for change in ActorChange.objects.filter(proposed_by=user).select_related("actor")
        ],
    }


def _bookings(user):
    """Room bookings the person asked for (the spaces of the directory)."""
    try:
        Booking = apps.get_model("network", "Booking")
    except LookupError:
        return []
    return [
        {
            "space": str(booking.space),
            "start": _when(booking.start),
            "end": _when(booking.end),
            "status": booking.status,
            "purpose": booking.purpose,
            "requested_at": _when(booking.created_at),
        }
        for booking in Booking.objects.filter(requested_by=user).select_related("space")
    ]


def user_personal_data(*, user):
    """Everything the platform keeps about ``user``, as JSON-ready data, and nothing about
    anybody else (no other person's name, address or message)."""
    addresses = list(EmailAddress.objects.filter(user=user).order_by("-primary", "email"))
    return {
        "format": EXPORT_FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "preferred_language": user.preferred_language,
            "time_zone": user.time_zone,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
            "two_factor": sorted(
                apps.get_model("mfa", "Authenticator")
                .objects.filter(user=user)
                .values_list("type", flat=True)
            ),
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in addresses
        ],
        "mail_subscriptions": [
            _subscriber_data(subscriber)
            for subscriber in _subscribers(user, [a.email for a in addresses if a.verified])
        ],
        "event_registrations": _registrations(user),
        "forums": _forums(user),
        "directory": _directory(user),
        "bookings": _bookings(user),
    }
