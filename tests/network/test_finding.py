"""Finding actors: search and filters (trees include their descendants), pagination, the
map's data by visible area, needs matched with offers; query counts that do not grow."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from network.directory.models import Actor, ActorStatus, NeedOffer, Sector, UmbrellaMembership

pytestmark = pytest.mark.django_db


def names(response):
    return [actor.name for actor in response.context["actors"]]


def test_search_looks_in_name_description_and_place(client, vocab, make_actor):
    make_actor(name="Recyclerie du Breil", description="Réemploi")
    make_actor(
        name="Coop Alimentaire", description="Épicerie de quartier", territory=vocab["dakar"]
    )
    assert names(client.get("/fr/directory/?q=recyclerie")) == ["Recyclerie du Breil"]
    assert names(client.get("/fr/directory/?q=quartier")) == ["Coop Alimentaire"]
    assert names(client.get("/fr/directory/?q=dakar")) == ["Coop Alimentaire"]
    assert names(client.get("/fr/directory/?q=coop quartier")) == ["Coop Alimentaire"]


def test_sector_and_territory_filters_include_what_is_below(client, vocab, make_actor):
    make_actor(name="Compost Nantes", sectors=[vocab["compost"]])
    make_actor(name="Habitat Dakar", sectors=[vocab["housing"]], territory=vocab["dakar"])
    assert names(client.get("/fr/directory/?sector=alimentation")) == ["Compost Nantes"]
    assert names(client.get("/fr/directory/?territory=france")) == ["Compost Nantes"]
    assert names(client.get("/fr/directory/?territory=dakar")) == ["Habitat Dakar"]
    assert names(client.get("/fr/directory/?legal_form=scop")) == []


def test_need_offer_and_umbrella_filters(client, vocab, make_actor):
    umbrella = make_actor(name="Réseau", is_umbrella=True)
    member = make_actor(name="Membre")
    make_actor(name="Autre")
    UmbrellaMembership.objects.create(umbrella=umbrella, member=member, status="approved")
    today = timezone.localdate()
    NeedOffer.objects.create(
        actor=member, kind="need", category="premises", title="Local", expires_on=today
    )
    NeedOffer.objects.create(
        actor=umbrella,
        kind="offer",
        category="premises",
        title="Expirée",
        expires_on=today - dt.timedelta(days=1),
    )
    assert names(client.get("/fr/directory/?umbrella=acteur-1")) == ["Membre"]
    assert names(client.get("/fr/directory/?need=premises")) == ["Membre"]
    assert names(client.get("/fr/directory/?offer=premises")) == []  # expired
    assert names(client.get("/fr/directory/?umbrellas_only=on")) == ["Réseau"]


def test_incubators_only_filter(client, vocab, make_actor):
    make_actor(name="Pépinière", is_incubator=True)
    make_actor(name="Association")
    assert names(client.get("/fr/directory/?incubators_only=on")) == ["Pépinière"]


def test_a_bad_filter_shows_its_error_and_the_others_still_apply(client, vocab, make_actor):
    make_actor(name="Compost Nantes", sectors=[vocab["compost"]])
    make_actor(name="Habitat", sectors=[vocab["housing"]])
    response = client.get("/fr/directory/?sector=nope&q=compost")
    assert response.status_code == 200
    assert names(response) == ["Compost Nantes"]
    assert 'href="#filter-sector"' in response.content.decode()


def test_the_directory_pages_by_twenty(client, vocab, make_actor):
    for n in range(25):
        make_actor(name=f"Acteur {n:02d}")
    assert len(names(client.get("/fr/directory/"))) == 20
    assert names(client.get("/fr/directory/?page=2")) == [f"Acteur {n}" for n in range(20, 25)]


def test_map_data_is_limited_to_the_visible_area(client, vocab, make_actor):
    make_actor(name="Nantes", latitude=Decimal("47.2"), longitude=Decimal("-1.55"))
    make_actor(
        name="Dakar",
        latitude=Decimal("14.7"),
        longitude=Decimal("-17.46"),
        territory=vocab["dakar"],
    )
    make_actor(name="Sans lieu", latitude=None, longitude=None)

    def mapped(query=""):
        data = client.get(f"/fr/directory/map/data.geojson{query}").json()
        return sorted(f["properties"]["name"] for f in data["features"])

    assert mapped() == ["Dakar", "Nantes"]
    assert mapped("?bbox=-5,45,5,50") == ["Nantes"]
    assert mapped("?bbox=-20,10,-10,20") == ["Dakar"]
    assert mapped("?bbox=-20,10,-10,20&territory=pays-de-la-loire") == []
    assert client.get("/fr/directory/map/data.geojson?bbox=1,2,3").status_code == 400


def test_the_map_page_uses_our_static_leaflet_and_markercluster(
    client, vocab, make_actor, settings
):
    settings.ESSAIM_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    make_actor()
    html = client.get("/fr/directory/map/?sector=alimentation").content.decode()
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/vendor/leaflet.markercluster/leaflet.markercluster.js" in html
    assert 'data-source="/fr/directory/map/data.geojson?sector=alimentation"' in html
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert "http://" not in html.split("<body")[0].replace("http://testserver", "")


def test_needs_are_matched_with_offers_of_the_same_sector_or_territory(client, vocab, make_actor):
    today = timezone.localdate() + dt.timedelta(days=10)
    needing = make_actor(name="Demandeur", sectors=[vocab["food"]])
    same_sector = make_actor(name="Même filière", sectors=[vocab["food"]], territory=vocab["dakar"])
    same_place = make_actor(name="Même ville", sectors=[vocab["housing"]])
    elsewhere = make_actor(name="Ailleurs", sectors=[vocab["housing"]], territory=vocab["dakar"])
    NeedOffer.objects.create(
        actor=needing, kind="need", category="premises", title="Besoin local", expires_on=today
    )
    for actor in (same_sector, same_place, elsewhere):
        NeedOffer.objects.create(
            actor=actor,
            kind="offer",
            category="premises",
            title=f"Offre {actor.name}",
            expires_on=today,
        )
    NeedOffer.objects.create(
        actor=same_sector,
        kind="offer",
        category="funding",
        title="Autre catégorie",
        expires_on=today,
    )
    response = client.get("/fr/directory/needs-and-offers/")
    (match,) = response.context["matches"]
    assert sorted(found["offer"].title for found in match["offers"]) == [
        "Offre Même filière",
        "Offre Même ville",
    ]


def make_many(vocab, count, offset=0):
    """Published actors in bulk, with sectors, needs, offers and umbrella links."""
    actors = Actor.objects.bulk_create(
        [
            Actor(
                name=f"Bulk {offset + n:04d} compost",
                slug=f"bulk-{offset + n}",
                status=ActorStatus.PUBLISHED,
                legal_form=vocab["association"],
                territory=vocab["nantes"],
                latitude=Decimal("47.2") + Decimal(n) / 1000,
                longitude=Decimal("-1.5"),
                description="Compostage collectif",
                private_email=f"private{n}@private.example",
                published_at=timezone.now(),
            )
            for n in range(count)
        ]
    )
    actors = list(Actor.objects.filter(slug__in=[a.slug for a in actors]))
    through = Actor.sectors.through
    through.objects.bulk_create(
        [through(actor_id=a.pk, sector_id=vocab["compost"].pk) for a in actors]
        + [through(actor_id=a.pk, sector_id=vocab["food"].pk) for a in actors]
    )
    until = timezone.localdate() + dt.timedelta(days=30)
    NeedOffer.objects.bulk_create(
        [
            NeedOffer(
                actor=a,
                kind="need" if i % 2 else "offer",
                category="premises",
                title=f"Item {i}",
                expires_on=until,
            )
            for i, a in enumerate(actors)
        ]
    )
    umbrella = Actor.objects.filter(slug="umbrella").first()
    UmbrellaMembership.objects.bulk_create(
        [UmbrellaMembership(umbrella=umbrella, member=a, status="approved") for a in actors]
    )


def count_queries(client, url):
    client.get(url)  # warm the caches (site, content types) that the first request fills
    cache.clear()  # the count and the filter form are kept: measure their making
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/fr/directory/",
        "/fr/directory/?page=2",
        "/fr/directory/?q=compost",
        "/fr/directory/?sector=alimentation&territory=pays-de-la-loire&legal_form=association",
        "/fr/directory/?need=premises&offer=premises&umbrella=umbrella",
        "/en/directory/?q=compost&sector=compostage",
        "/fr/directory/map/?sector=alimentation",
        "/fr/directory/map/data.geojson",
        "/fr/directory/map/data.geojson?bbox=-5,45,5,50&q=compost&sector=alimentation",
        "/fr/directory/open-data/actors.geojson",
        "/fr/directory/open-data/actors.csv?sector=alimentation",
        "/fr/directory/open-data/actors.json",
        "/fr/directory/statistics/",
        "/fr/directory/statistics/?format=csv",
        "/fr/directory/needs-and-offers/",
        "/fr/directory/bulk-3/",
        "/fr/directory/umbrella/",
        "/api/v1/actors?sector=alimentation&limit=20",
        "/api/v1/actors/bulk-3",
    ],
)
def test_number_of_queries_does_not_grow_with_the_number_of_actors(client, vocab, make_actor, url):
    make_actor(name="Umbrella", slug="umbrella", is_umbrella=True)
    make_many(vocab, 30)
    few = count_queries(client, url)
    make_many(vocab, 270, offset=30)
    assert Actor.objects.published().count() == 301
    many = count_queries(client, url)
    assert few == many


def test_the_count_and_the_filters_are_kept_until_the_directory_changes(client, make_actor):
    """The total and the filter form are the same for everybody who asks the same address:
    made once, then kept until an actor, a sector or a territory changes."""
    make_actor(name="Compost et Cie")
    make_actor(name="Jardins partagés")
    url = "/fr/directory/?q=compost"
    client.get(url)  # the first page with a footer creates the site's settings: a "pages" change
    first = client.get(url)
    assert first.context["page_obj"].paginator.count == 1
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.content == first.content
    made = [q["sql"] for q in queries]
    assert not any("COUNT(" in sql for sql in made), made
    assert not any('FROM "network_sector"' in sql and "INNER" not in sql for sql in made), made

    make_actor(name="Compostière du quartier")
    Sector.objects.create(name_fr="Réemploi", name_en="Reuse", slug="reemploi")
    html = client.get(url).content.decode()
    assert client.get(url).context["page_obj"].paginator.count == 2
    assert "2 acteurs" in " ".join(html.split())
    assert "Réemploi" in html


def test_actors_without_a_position_are_listed_beside_the_map_not_dropped(client, make_actor):
    make_actor(name="Sur la carte")
    make_actor(name="Sans adresse", latitude=None, longitude=None)

    html = client.get("/fr/directory/map/").content.decode()
    assert "1 acteur sans position sur la carte" in html
    assert "Sans adresse" in html

    # Within an area chosen on the map, those without a position are not in it.
    area = client.get("/fr/directory/map/?bbox=-5,45,5,50").content.decode()
    assert "Sans adresse" not in area
