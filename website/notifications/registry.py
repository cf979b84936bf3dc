"""Where the apps plug into the notification mechanism.

- ``renderer(kind)``: the function that writes the message of a notification kind. It takes a
  ``Delivery`` and returns an ``EmailMessage`` ready to send, or None when there is nothing to
  say any more (the object it was about is gone, or the person cancelled meanwhile).
- ``digest_section(kind)``: the function that turns the digest items of a kind into a section
  of a digest: ``function(subscriber, object_ids) -> DigestSection or None``.
- ``unsubscribe_handler``: called with ``(subscriber, scope)`` when someone unsubscribes; each
  app acts on the scopes it owns and ignores the others.
- ``subscription_confirmer(app)``: applies what an e-mail-only subscriber asked for, once the
  address is confirmed: ``function(subscriber, targets)``.
- ``preference_section``: ``function(subscriber) -> (template_name, context)`` shown on the
  preferences page.
- ``address_forgetter``: called with the addresses of an account being deleted; each app
  erases what it keeps about them (events: what their calendars were told).
"""

from dataclasses import dataclass, field

_renderers = {}
_digest_sections = {}
_confirmers = {}
unsubscribe_handlers = []
preference_sections = []
address_forgetters = []


@dataclass
class DigestSection:
    title: str
    entries: list  # dicts with "title", "url", "when" (text) and "summary"
    attachments: list = field(default_factory=list)  # (filename, content, mimetype)


def renderer(kind):
    def register(function):
        _renderers[kind] = function
        return function

    return register


def render(delivery):
    try:
        function = _renderers[delivery.notification.kind]
    except KeyError:
        raise LookupError(
            f"No renderer for notification kind {delivery.notification.kind!r}"
        ) from None
    return function(delivery)


def digest_section(kind):
    def register(function):
        _digest_sections[kind] = function
        return function

    return register


def render_digest_section(kind, subscriber, object_ids):
    return _digest_sections[kind](subscriber, object_ids)


def subscription_confirmer(app):
    def register(function):
        _confirmers[app] = function
        return function

    return register


def confirm_subscription(app, subscriber, targets):
    _confirmers[app](subscriber, targets)


def unsubscribe_handler(function):
    unsubscribe_handlers.append(function)
    return function


def preference_section(function):
    preference_sections.append(function)
    return function


def address_forgetter(function):
    address_forgetters.append(function)
    return function


def forget_addresses(addresses):
    for function in address_forgetters:
        function([address.lower() for address in addresses])
