"""Events: the agenda page, events published in it, registrations and subscriptions.

An event's dates (``Occurrence``) are not made here: publishing the page makes them from its
start and rule, as on the site.
"""

import datetime as dt
import zoneinfo

import factory
from django.apps import apps

from tests.factories.accounts import UserFactory
from tests.factories.notifications import SubscriberFactory
from tests.factories.pages import PageFactory, index_page

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


class EventIndexPageFactory(PageFactory):
    """The agenda, under the French home page (which the demo makes)."""

    class Meta:
        model = "events.EventIndexPage"

    title = "Agenda"
    intro = "Les événements du réseau."


def agenda():
    """The agenda of the French site: the one there is, else a new one."""
    return index_page(EventIndexPageFactory)


class EventPageFactory(PageFactory):
    """A workshop of two hours in Nantes on 10 March 2027, published in the agenda.

    ``changes`` takes (original_start, action, new_start, new_end[, note]) tuples: dates of
    the series cancelled or moved, saved with the page.
    """

    class Meta:
        model = "events.EventPage"

    title = factory.Sequence(lambda n: f"Atelier compostage {n}")
    slug = factory.Sequence(lambda n: f"atelier-compostage-{n}")
    kind = "atelier"  # EventKind.WORKSHOP
    summary = "Apprendre à composter en pied d’immeuble."
    start = dt.datetime(2027, 3, 10, 14, 0, tzinfo=PARIS)
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=2))
    time_zone = "Europe/Paris"
    organiser_name = "Ville de Nantes"
    organiser_email = "agenda@nantes.example"
    venue_name = "Maison de l’ESS"
    address = "8 rue Saint-Domingue, 44200 Nantes"
    parent = factory.LazyFunction(agenda)
    changes = ()

    @classmethod
    def _create(cls, model_class, *args, changes=(), **kwargs):
        if changes:
            change_model = apps.get_model("events", "OccurrenceChange")
            kwargs["occurrence_changes"] = [
                change_model(
                    original_start=original_start,
                    action=action,
                    new_start=new_start,
                    new_end=new_end,
                    note=note[0] if note else "",
                )
                for original_start, action, new_start, new_end, *note in changes
            ]
        return super()._create(model_class, *args, **kwargs)


def _first_date_of_a_new_event():
    return EventPageFactory(capacity=20).occurrences.get()


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A person's registration for a date, made by the registration service: a seat while
    there is one (the date's count of seats follows), else a place on the waiting list."""

    class Meta:
        model = "events.Registration"

    occurrence = factory.LazyFunction(_first_date_of_a_new_event)
    user = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *, occurrence, user, **kwargs):
        from events import services

        return services.registration_create(occurrence=occurrence, user=user, **kwargs)


class SubscriptionFactory(factory.django.DjangoModelFactory):
    """What a subscriber follows in the agenda: workshops, or the series given as ``event``
    (made this way, following a series sends no invite). Sectors and territories are followed
    in the directory (``tests.factories.directory.FollowFactory``)."""

    class Meta:
        model = "events.Subscription"

    subscriber = factory.SubFactory(SubscriberFactory)
    event = None
    target = factory.LazyAttribute(lambda o: "series" if o.event else "kind")
    kind = factory.LazyAttribute(lambda o: "atelier" if o.target == "kind" else "")
