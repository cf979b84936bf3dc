"""Incubators (``network.incubators``): programmes and their calls for applications."""

import datetime as dt

import factory
from django.utils import timezone
from django.utils.text import slugify

from tests.factories.directory import ActorFactory


class ProgrammeFactory(factory.django.DjangoModelFactory):
    """An active programme of a published incubator. ``sectors`` takes sectors."""

    class Meta:
        model = "incubators.Programme"
        skip_postgeneration_save = True

    actor = factory.SubFactory(ActorFactory, is_incubator=True)
    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))

    @factory.post_generation
    def sectors(self, create, sectors, **kwargs):
        if sectors:
            self.sectors.set(sectors)


class CallFactory(factory.django.DjangoModelFactory):
    """A one-off call, open since yesterday for a month, applied to through a form.

    ``permanent=True`` makes a rolling call, which has no closing date.
    """

    class Meta:
        model = "incubators.Call"

    class Params:
        permanent = factory.Trait(cadence="permanent", closes_at=None)

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Appel {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    closes_at = factory.LazyAttribute(lambda o: o.opens_at + dt.timedelta(days=30))
    apply_url = "https://incubateur.example/candidater"
