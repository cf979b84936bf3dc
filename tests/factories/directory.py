"""The directory (``network.directory``, label ``network``): vocabularies, actors, members."""

import datetime as dt

import factory
from django.utils import timezone
from django.utils.text import slugify

from tests.factories.accounts import UserFactory
from tests.factories.notifications import SubscriberFactory


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "network.Sector"

    name_fr = factory.Sequence(lambda n: f"Filière {n}")
    name_en = factory.Sequence(lambda n: f"Sector {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name_fr))


class TerritoryFactory(factory.django.DjangoModelFactory):
    """A French commune unless told otherwise (``kind``, ``country``, ``parent``)."""

    class Meta:
        model = "network.Territory"

    name = factory.Sequence(lambda n: f"Commune {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = "commune"
    country = "FR"


def french_territories():
    """Nantes in the Pays de la Loire in France: the tree most tests filter on."""
    france = TerritoryFactory(name="France", kind="country")
    region = TerritoryFactory(name="Pays de la Loire", kind="region", parent=france)
    nantes = TerritoryFactory(name="Nantes", code="44109", parent=region)
    return {"france": france, "region": region, "nantes": nantes}


class LegalFormFactory(factory.django.DjangoModelFactory):
    """The data migrations make the common forms: asking for one of their slugs returns it."""

    class Meta:
        model = "network.LegalForm"
        django_get_or_create = ("slug",)

    name_fr = factory.Sequence(lambda n: f"Forme juridique {n}")
    name_en = factory.Sequence(lambda n: f"Legal form {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name_fr))


class ActorFactory(factory.django.DjangoModelFactory):
    """A published actor with private contact details (which no public output may show).

    ``sectors`` takes sectors; ``admin`` takes a person who becomes its active administrator.
    """

    class Meta:
        model = "network.Actor"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Acteur {n}")
    slug = factory.Sequence(lambda n: f"acteur-{n}")
    status = "published"
    description = "Une structure de l’ESS."
    private_email = factory.Sequence(lambda n: f"secret{n}@private.example")
    private_phone = "+33 6 11 22 33 44"
    private_contact_name = "Personne Secrète"

    @factory.post_generation
    def sectors(self, create, sectors, **kwargs):
        if sectors:
            self.sectors.set(sectors)

    @factory.post_generation
    def admin(self, create, user, **kwargs):
        if user is not None:
            MembershipFactory(actor=self, user=user, role="admin")


class MembershipFactory(factory.django.DjangoModelFactory):
    """An active member of an actor (``role="admin"`` for one who manages it)."""

    class Meta:
        model = "network.Membership"

    actor = factory.SubFactory(ActorFactory)
    user = factory.SubFactory(UserFactory)
    role = "member"
    status = "active"


class UmbrellaMembershipFactory(factory.django.DjangoModelFactory):
    """An actor's request to join an umbrella network, waiting for its admins."""

    class Meta:
        model = "network.UmbrellaMembership"

    umbrella = factory.SubFactory(ActorFactory, is_umbrella=True)
    member = factory.SubFactory(ActorFactory)
    status = "pending"


class ActorChangeFactory(factory.django.DjangoModelFactory):
    """Changes to an actor's public fields, waiting for a moderator (one pending per actor)."""

    class Meta:
        model = "network.ActorChange"

    actor = factory.SubFactory(ActorFactory)
    data = factory.LazyFunction(lambda: {"description": "Une description mise à jour."})
    proposed_by = factory.SubFactory(UserFactory)
    status = "pending"


class NeedOfferFactory(factory.django.DjangoModelFactory):
    """A need of a published actor, current for a month."""

    class Meta:
        model = "network.NeedOffer"

    actor = factory.SubFactory(ActorFactory)
    kind = "need"
    category = "premises"
    title = factory.Sequence(lambda n: f"Besoin {n}")
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))


class FollowFactory(factory.django.DjangoModelFactory):
    """A subscriber following a ``sector`` or, when given none, a ``territory`` (a new commune
    unless one is given)."""

    class Meta:
        model = "network.Follow"

    subscriber = factory.SubFactory(SubscriberFactory)
    sector = None
    territory = factory.Maybe(
        "sector", yes_declaration=None, no_declaration=factory.SubFactory(TerritoryFactory)
    )
    target = factory.LazyAttribute(lambda o: "sector" if o.sector else "territory")
