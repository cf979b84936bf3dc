"""The factories make valid rows: what the database took also passes the model's ``clean()``
and field validation, and two rows of one factory never clash on a unique field."""

import pytest

from tests.factories.accounts import UserFactory
from tests.factories.directory import (
    ActorChangeFactory,
    ActorFactory,
    FollowFactory,
    LegalFormFactory,
    MembershipFactory,
    NeedOfferFactory,
    SectorFactory,
    TerritoryFactory,
    UmbrellaMembershipFactory,
)
from tests.factories.events import (
    EventIndexPageFactory,
    EventPageFactory,
    RegistrationFactory,
    SubscriptionFactory,
)
from tests.factories.forums import CategoryFactory, PostFactory, TopicFactory
from tests.factories.incubators import CallFactory, ProgrammeFactory
from tests.factories.notifications import SubscriberFactory
from tests.factories.practices import GoodPracticeIndexPageFactory, GoodPracticePageFactory
from tests.factories.spaces import (
    BookingFactory,
    ClosureFactory,
    OpeningHoursFactory,
    SpaceFactory,
)

pytestmark = pytest.mark.django_db

ROWS = [
    UserFactory,
    SubscriberFactory,
    SectorFactory,
    TerritoryFactory,
    LegalFormFactory,
    ActorFactory,
    MembershipFactory,
    UmbrellaMembershipFactory,
    ActorChangeFactory,
    NeedOfferFactory,
    FollowFactory,
    SpaceFactory,
    OpeningHoursFactory,
    ClosureFactory,
    BookingFactory,
    ProgrammeFactory,
    CallFactory,
    SubscriptionFactory,
    CategoryFactory,
    TopicFactory,
    PostFactory,
]
PAGES = [EventIndexPageFactory, EventPageFactory, GoodPracticeIndexPageFactory]


def full_clean(row):
    # A password-less check: the user's hashed password is not what a form would validate.
    row.full_clean(exclude=["password"] if hasattr(row, "password") else None)


@pytest.mark.parametrize("factory", ROWS, ids=lambda factory: factory.__name__)
def test_two_rows_of_a_factory_are_valid_and_distinct(factory, settings):
    settings.FORUMS_APPROVAL_FIRST_POSTS = 0
    first, second = factory(), factory()
    for row in (first, second):
        full_clean(row)
    assert first.pk != second.pk


@pytest.mark.parametrize("factory", PAGES, ids=lambda factory: factory.__name__)
def test_a_page_factory_publishes_a_valid_page_under_its_parent(factory, demo):
    page = factory()
    full_clean(page)
    assert page.live and page.get_parent() is not None


def test_two_events_and_two_practices_live_side_by_side_in_their_index(demo):
    events = EventPageFactory(), EventPageFactory()
    practices = GoodPracticePageFactory(), GoodPracticePageFactory(english="A practice")
    for page in (*events, *practices):
        full_clean(page)
    assert events[0].get_parent() == events[1].get_parent()
    assert practices[1].get_translations().get().slug == "practice-2"


def test_a_registration_takes_a_seat_of_its_date(demo):
    registration = RegistrationFactory()
    assert registration.status == "confirmed"
    registration.occurrence.refresh_from_db()
    assert registration.occurrence.seats_taken == 1


def test_a_follow_names_a_sector_or_else_a_territory():
    sector = SectorFactory()
    assert FollowFactory(sector=sector).target == "sector"
    follow = FollowFactory()
    full_clean(follow)
    assert follow.target == "territory" and follow.territory is not None


def test_a_permanent_call_has_no_closing_date():
    call = CallFactory(permanent=True)
    full_clean(call)
    assert call.closes_at is None


def test_every_test_counts_from_one():
    assert ActorFactory().slug == "acteur-1"
    assert UserFactory().email == "person1@example.org"  # each factory has its own count
