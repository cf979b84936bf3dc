"""The maps in Chromium: with no tile server they draw the bundled Natural Earth ground
(land on a canvas, city names) and ask nothing of any other origin; with MAP_TILE_URL set they
ask that host for tiles and the policy lets images come from it only. The marks have a legend
in the page, the full-screen button works from the keyboard, "search this area" keeps the
list to the area shown, and on a phone the map starts on the first screen."""

import copy
import re

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from website.security import tile_server_origin

pytestmark = pytest.mark.django_db(transaction=True)

MAPS = {
    "directory": ("/fr/directory/map/", "#directory-map"),
    "agenda": ("/fr/agenda/map/", "#events-map"),
}
TILES = "https://tiles.example.org/{z}/{x}/{y}.png"
# A transparent 1×1 PNG: what the test's tile server answers.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def record_requests(page):
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


@pytest.mark.parametrize("which", MAPS)
def test_without_a_tile_server_the_map_draws_the_bundled_ground_and_asks_no_other_origin(
    page, live_server, full_demo, which
):
    path, selector = MAPS[which]
    seen = record_requests(page)
    page.goto(f"{live_server.url}{path}")

    ground = page.locator(f"{selector}.essaim-ground")
    expect(ground).to_have_attribute("data-ground", "drawn")
    expect(page.locator(f"{selector} canvas").first).to_be_attached()
    expect(page.locator(f"{selector} .essaim-place__name", has_text="Dakar")).to_be_visible()
    expect(page.locator(f"{selector} .leaflet-control-attribution")).to_contain_text(
        "Natural Earth"
    )
    assert any(url.endswith("/static/vendor/basemap/land.geojson") for url in seen)
    assert [url for url in seen if not url.startswith(live_server.url)] == []


def test_the_ground_s_divisions_and_smaller_cities_come_with_the_zoom(page, live_server, full_demo):
    seen = record_requests(page)
    page.goto(f"{live_server.url}/fr/directory/map/?bbox=-5.5,42,8.5,51.5")
    expect(page.locator("#directory-map")).to_have_attribute("data-ground", "drawn")
    expect(page.locator("#directory-map .essaim-place__name", has_text="Marseille")).to_be_visible()
    page.wait_for_function(
        "() => performance.getEntriesByType('resource')"
        ".some((entry) => entry.name.endsWith('/admin1.geojson'))"
    )
    assert [url for url in seen if not url.startswith(live_server.url)] == []


@pytest.fixture
def tile_server(settings, page):
    """MAP_TILE_URL set, with the policy base.py builds for it, and a stand-in for the tile
    host: the browser's requests to it are answered here, never sent."""
    settings.ESSAIM_MAP_TILE_URL = TILES
    settings.ESSAIM_MAP_TILE_ATTRIBUTION = "© les contributeurs des tuiles"
    policy = copy.deepcopy(django_settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["img-src"] = ["'self'", "data:", tile_server_origin(TILES)]
    settings.CONTENT_SECURITY_POLICY = policy
    page.route(
        "https://tiles.example.org/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=PNG),
    )
    return TILES


@pytest.mark.parametrize("which", MAPS)
def test_with_a_tile_server_the_map_uses_its_tiles_and_images_may_come_from_it_only(
    page, live_server, full_demo, tile_server, which
):
    path, selector = MAPS[which]
    seen = record_requests(page)
    response = page.goto(f"{live_server.url}{path}")

    expect(page.locator(f"{selector} img.leaflet-tile").first).to_be_attached()
    expect(page.locator(f"{selector} .leaflet-control-attribution")).to_contain_text(
        "les contributeurs des tuiles"
    )
    header = response.headers["content-security-policy"]
    img_src = re.search(r"img-src ([^;]+)", header).group(1).split()
    assert img_src == ["'self'", "data:", "https://tiles.example.org"]
    outside = {url.split("/")[2] for url in seen if not url.startswith(live_server.url)}
    assert outside == {"tiles.example.org"}
    assert not any("/static/vendor/basemap/" in url for url in seen)
    assert page.locator(f"{selector}.essaim-ground").count() == 0


@pytest.mark.parametrize("which", MAPS)
def test_the_legend_is_in_the_page_and_full_screen_works_from_the_keyboard(
    page, live_server, full_demo, which
):
    path, selector = MAPS[which]
    page.goto(f"{live_server.url}{path}")
    legend = page.locator(f"{selector}-legend")
    expect(legend).to_be_visible()
    expect(legend.locator("li").first).to_be_visible()

    button = page.locator(f"{selector} .essaim-fullscreen__button")
    expect(button).to_have_attribute("aria-pressed", "false")
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-pressed", "true")
    box = page.locator(selector).bounding_box()
    viewport = page.viewport_size
    assert box["width"] >= viewport["width"] - 2 and box["height"] >= viewport["height"] - 2
    # What the map covers takes no focus: Tab visits the map's own controls, then leaves the
    # page for the browser's (the body), never an element hidden under the map.
    expect(page.locator("header").first).to_have_js_property("inert", True)
    script = (
        f"(() => {{ const el = document.activeElement; "
        f"return el === document.body ? 'none' : "
        f"document.querySelector('{selector}').contains(el) ? 'map' : el.outerHTML; }})()"
    )
    visited = set()
    for _ in range(8):
        page.keyboard.press("Tab")
        visited.add(page.evaluate(script))
    assert visited <= {"map", "none"} and "map" in visited, visited
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(page.locator("header").first).to_have_js_property("inert", False)
    page.keyboard.press("Space")
    expect(button).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Space")
    expect(button).to_have_attribute("aria-pressed", "false")


def test_the_directory_legend_names_the_families_of_the_marks(page, live_server, full_demo):
    page.goto(f"{live_server.url}/fr/directory/map/?q=paniers+nantais")
    legend = page.locator("#directory-map-legend")
    expect(legend.get_by_text("Alimentation")).to_be_visible()
    marker = page.locator("#directory-map .essaim-badge--actor").first
    expect(marker).to_be_visible()
    # Heard as the actor's name; seen as the family's letter, which the legend explains.
    expect(marker).to_have_accessible_name("Coopérative Les Paniers Nantais")
    expect(marker.locator("[aria-hidden=true]")).to_have_text("A")


def count_in(page):
    return int(re.search(r"\d+", page.locator("#results-title").inner_text()).group(0))


def test_search_this_area_reloads_the_list_for_the_area_shown(page, live_server, full_demo):
    page.goto(f"{live_server.url}/fr/directory/map/")
    expect(page.locator("#directory-map")).to_have_attribute("data-ground", "drawn")
    everywhere = count_in(page)
    search_area = page.locator("#directory-map-search-area")
    expect(search_area).to_be_hidden()  # the first view is the map's own choice

    page.goto(f"{live_server.url}/fr/directory/map/?bbox=-17.7,14.5,-17.2,14.9&page=1")
    expect(page.locator("#directory-map")).to_have_attribute("data-ground", "drawn")
    expect(search_area).to_be_hidden()
    page.locator("#directory-map").focus()
    page.keyboard.press("ArrowLeft")  # the reader moves the map
    expect(search_area).to_be_visible()
    search_area.click()

    page.wait_for_url(lambda url: "bbox=-17.7," not in url and "bbox=" in url)
    assert "page=" not in page.url
    expect(page.locator(".map-area-note")).to_be_visible()
    around_dakar = count_in(page)
    assert 0 < around_dakar < everywhere
    cards = page.locator(".events-map__list .occurrence-list > li")
    expect(cards.first).to_be_visible()
    assert cards.count() == min(around_dakar, 20)


@pytest.mark.parametrize("which", MAPS)
def test_on_a_phone_the_map_starts_on_the_first_screen(page, live_server, full_demo, which):
    path, selector = MAPS[which]
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{path}")
    expect(page.locator(selector)).to_be_visible()
    top = page.locator(selector).bounding_box()["y"]
    assert top < 844 - 150, f"the map starts {top} px down"
    # The filters are folded, and open with the keyboard.
    summary = page.locator(".map-filters > summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".map-filters input[name=q]")).to_be_visible()
