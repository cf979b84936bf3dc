"""The forum's tunable limits. Each can be set in the settings under the same name."""

import datetime as dt

from django.conf import settings

DEFAULTS = {
    # At most this many posts (topics and replies) per person in the window, in seconds.
    "FORUMS_POST_RATE": (6, 60),
    # The same message by the same person within this delay is refused.
    "FORUMS_DUPLICATE_WINDOW": dt.timedelta(minutes=30),
    # A person's first posts wait for a moderator's approval.
    "FORUMS_APPROVAL_FIRST_POSTS": 2,
    # Accounts younger than this are "new", and may put few links in a post.
    "FORUMS_NEW_ACCOUNT_AGE": dt.timedelta(days=7),
    "FORUMS_NEW_ACCOUNT_MAX_LINKS": 2,
    # Distinct reports that hide a post until a moderator decides.
    "FORUMS_REPORTS_TO_HIDE": 3,
    "FORUMS_ATTACHMENT_MAX_BYTES": 5 * 1024 * 1024,
    "FORUMS_ATTACHMENTS_PER_POST": 4,
    "FORUMS_POSTS_PER_PAGE": 20,
    "FORUMS_TOPICS_PER_PAGE": 25,
}


def limit(name):
    return getattr(settings, name, DEFAULTS[name])
