"""The agenda's map draws its ground with basemap.js (bundled layer or tiles), folds the
filters so that the map comes early on a phone, and has a legend of its marks."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_agenda_map_loads_the_shared_ground_and_a_legend(client, agenda):
    html = client.get(agenda.url + "map/").content.decode()
    assert "/static/js/basemap.js" in html
    assert html.index("/static/js/basemap.js") < html.index("/static/js/events-map.js")
    assert 'id="events-map-legend"' in html
    assert 'data-text-fullscreen="' in html


def test_the_agenda_map_folds_its_filters_until_one_is_used(client, agenda):
    folded = client.get(agenda.url + "map/").content.decode()
    assert '<details class="map-filters">' in folded
    filtered = client.get(agenda.url + "map/?q=atelier").content.decode()
    assert '<details class="map-filters" open>' in filtered
