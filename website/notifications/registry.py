"""Which function writes the message of each kind of notification.

A renderer takes a ``Delivery`` and returns an ``EmailMessage`` ready to send, or None when
there is nothing to say any more (the object it was about is gone).
"""

_renderers = {}


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
