"""Property-based tests (hypothesis): random and hostile input against services and forms.

The "ci" profile is derandomised, so every run tries the same examples and a failure
reproduces; examples are few and without deadline, because each one touches the database on
a busy machine. ``HYPOTHESIS_PROFILE=dev`` explores with fresh random examples instead.
"""

import os

from hypothesis import HealthCheck, settings

# The forum fixtures (people, a public and a private category, topics) live beside the forum
# tests; bring them here rather than copying them.
from tests.forums.conftest import (  # noqa: F401
    _forum_rules,
    make_topic,
    make_user,
    member,
    other,
    public,
)

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    # Function-scoped fixtures (the database) are shared by a test's examples on purpose:
    # each example makes its own rows.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def examples(count):
    """The settings of one property: the chosen profile (not loaded globally, so that other
    hypothesis users in the suite keep theirs) with ``count`` examples."""
    return settings(
        settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci")), max_examples=count
    )
