"""The signed link of the yearly "still up to date?" mail: made when the mail is written
(``notifications``), read when it is opened (``services.actor_confirm_current``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core import signing

if TYPE_CHECKING:
    from .models import Actor

CONFIRM_SALT = "network.actor.confirm"
CONFIRM_LINK_MAX_AGE = 90 * 24 * 3600


def confirmation_token(actor: Actor) -> str:
    return signing.dumps({"actor": actor.pk}, salt=CONFIRM_SALT)
