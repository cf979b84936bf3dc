"""No page scrolls sideways on a phone: at 390 px, in French and in English, every public page
and every page of a signed-in actor administrator fits the screen's width. A wide table
scrolls inside its own box, never the whole page (issue 18: a visually hidden text in a
scrolling table once widened the "my actors" page to 566 px)."""

import pytest

from tests.browser.test_csp import log_in
from tests.pages import member_paths, public_paths

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 390


def widest(page, live_server, paths):
    """{path: the page's width} for the pages wider than the screen."""
    wider = {}
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        # The same page in English, through the language switcher (slugs differ).
        switch = page.locator('.language-switcher a[hreflang="en"]')
        english = [switch.first.get_attribute("href")] if switch.count() else []
        for address in (path, *english):
            if address != path:
                assert page.goto(live_server.url + address).status == 200, address
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > WIDTH:
                wider[address] = width
    return wider


def test_no_page_scrolls_sideways_at_390_px(page, live_server, whole_demo):
    page.set_viewport_size({"width": WIDTH, "height": 800})
    assert widest(page, live_server, public_paths()) == {}
    log_in(page, live_server, "membre@essaim.example", whole_demo.DEMO_PASSWORD)
    assert widest(page, live_server, member_paths()) == {}
