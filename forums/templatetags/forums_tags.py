"""Template tags of the forums, for pages outside the app (the site header)."""

from django import template
from django.template.loader import render_to_string

from forums import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def forum_notifications_link(context):
    """A list item linking to the person's forum notifications, with the unread count.

    For the account menu of base.html: ``{% load forums_tags %}{% forum_notifications_link %}``.
    One query; nothing for visitors who are not signed in.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return render_to_string(
        "forums/includes/notifications_link.html",
        {"unread": selectors.unread_count(user=user)},
        request=request,
    )
