"""Business rules about people. Views, the admin and commands call these, nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils.translation import gettext as _

from website.cache import content_changed
from website.notifications import registry
from website.notifications.models import Subscriber
from website.registry import ACCOUNT_DELETION

if TYPE_CHECKING:
    from website.accounts.models import User
else:
    User = get_user_model()


def user_update_profile(
    *,
    user: User,
    display_name: str,
    first_name: str,
    last_name: str,
    preferred_language: str,
    time_zone: str,
) -> User:
    """Save what a person says about themselves; refuses invalid values with field messages."""
    user.display_name = display_name.strip()
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.preferred_language = preferred_language
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(
        update_fields=["display_name", "first_name", "last_name", "preferred_language", "time_zone"]
    )
    content_changed("forums")  # the name shown beside their posts
    return user


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete a person's account and the personal data attached to it.

    The user row goes, and with it (by cascade) their e-mail addresses, two-factor
    authenticators and recovery codes, event registrations, mail subscriptions and follows,
    memberships of actors, forum profile, follows and notifications, and pending mail to them.
    Subscriptions that one of their verified addresses confirmed before the account existed
    go too.
    What they wrote for others stays, without their name: pages, forum topics and posts,
    proposed changes to actors (tests/accounts/test_personal_data.py lists each). The last
    active administrator cannot delete themselves: the site would have nobody to run it.

    Room bookings stay in the space managers' records, with the actor they were made for,
    without the person (``requested_by`` becomes empty, shown as "a deleted account"). Those
    still to come are cancelled first, as if the person cancelled them: a freed slot serves
    someone else, and the managers of a confirmed one are told, as usual. A booking under way
    or over is history and only loses the name.
    A record that a later change protects against the deletion stops it with a message
    instead of an error page, and nothing is deleted half-way.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_superuser:
        others = User.objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk)
        if not others.exists():
            raise ValidationError(
                _("You are the last administrator: name another one before deleting your account.")
            )
    # Only verified addresses: anybody can add someone else's address to their account
    # without verifying it, and must not be able to erase that person's subscriptions.
    addresses = EmailAddress.objects.filter(user=user, verified=True).values_list(
        "email", flat=True
    )
    wanted = Q(user=user)
    for address in addresses:
        wanted |= Q(email__iexact=address)
    for handler in ACCOUNT_DELETION:  # each app's, e.g. future room bookings cancelled
        handler(user)
    try:
        registry.forget_addresses([user.email, *addresses])
        Subscriber.objects.filter(wanted).delete()
        user.delete()
        content_changed("forums")  # their posts stay, without their name
    except ProtectedError as error:
        kept = sorted({str(obj._meta.verbose_name_plural) for obj in error.protected_objects})
        raise ValidationError(
            _(
                "Your account is linked to records that must be kept (%(records)s). "
                "Please contact the site's team to delete it."
            )
            % {"records": ", ".join(kept)}
        ) from error
