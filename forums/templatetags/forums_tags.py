"""Template tags of the forums: the link in the site header, and messages shown under a
heading of another level than on a topic page."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from forums import markup, selectors

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


@register.filter
def headings_below(html, level):
    """A message's stored HTML (sanitised when it was written) with its headings moved under a
    heading of ``level``: ``{{ post.html|headings_below:2 }}`` under an h2."""
    return mark_safe(markup.headings_below(str(html), int(level)))
