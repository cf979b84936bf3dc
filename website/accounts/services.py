"""Business rules about people. Views, the admin and commands call these, nothing else."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

User = get_user_model()


def user_update_profile(
    *, user, display_name, first_name, last_name, preferred_language, time_zone
):
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
    return user


@transaction.atomic
def user_delete(*, user):
    """Delete a person's account and the personal data attached to it.

    The user row goes, and with it (by cascade) their e-mail addresses, two-factor
    authenticators and recovery codes. Pages they wrote stay, with no owner. The last
    active administrator cannot delete themselves: the site would have nobody to run it.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_superuser:
        others = User.objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk)
        if not others.exists():
            raise ValidationError(
                _("You are the last administrator: name another one before deleting your account.")
            )
    user.delete()
