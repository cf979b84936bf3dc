"""The site-wide pages: French first, English on demand, menus, search and moderation."""

import pytest
from wagtail.models import Locale, Page, Workflow

from events.models import EventIndexPage
from website.models import HomePage, StandardPage

pytestmark = pytest.mark.django_db


def test_root_redirects_to_french_even_when_the_browser_prefers_english(client, demo):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"
    home = client.get("/fr/")
    assert home.status_code == 200
    assert '<html lang="fr"' in home.content.decode()
    assert "L’économie sociale et solidaire, en réseau" in home.content.decode()


def test_english_home_is_served_and_remembered_for_the_next_visit(client, demo):
    response = client.get("/en/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "The social and solidarity economy, networked" in html
    assert response.cookies["essaim_language"].value == "en"
    assert client.get("/")["Location"] == "/en/"


def test_language_switcher_points_to_the_translation_of_the_page(client, demo):
    html = client.get("/fr/le-reseau/").content.decode()
    assert 'href="/en/the-network/" hreflang="en"' in html
    english = client.get("/en/the-network/").content.decode()
    assert 'href="/fr/le-reseau/" hreflang="fr"' in english


def test_switcher_on_a_view_that_is_not_a_page_keeps_the_same_view(client, demo):
    html = client.get("/fr/accounts/login/").content.decode()
    assert 'href="/en/accounts/login/" hreflang="en"' in html


def test_home_page_queries_do_not_grow_with_menu_links_and_highlights(client, demo):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from website.models import MainMenu

    client.get("/en/")
    cache.clear()  # the menus and the footer are kept: measure their making
    with CaptureQueriesContext(connection) as before:
        client.get("/en/")
    menu = MainMenu.objects.get(locale__language_code="en")
    home = HomePage.objects.get(locale__language_code="en")
    for number, page in enumerate(StandardPage.objects.filter(locale__language_code="fr")):
        menu.items.create(link_page=page, sort_order=10 + number)
        home.highlights.create(page=page, sort_order=10 + number)
    cache.clear()
    with CaptureQueriesContext(connection) as after:
        html = client.get("/en/").content.decode()
    assert len(after) == len(before) <= 30
    assert 'href="/en/legal-notice/">Legal notice and personal data</a>' in html


def test_home_page_shows_highlights_and_latest_pages_in_its_language(client, demo):
    html = client.get("/fr/").content.decode()
    assert "Les recommandations de 2013" in html
    assert "Mentions légales et données personnelles" in html
    english = client.get("/en/").content.decode()
    # Highlights chosen in French lead to the English translations.
    assert 'href="/en/the-network/2013-recommendations/"' in english
    assert "Legal notice and personal data" in english


def test_main_menu_and_footer_follow_the_language(client, demo):
    french = client.get("/fr/").content.decode()
    assert '<a href="/fr/villes-membres/">Les villes membres</a>' in french
    assert "la plateforme des villes francophones" in french
    english = client.get("/en/").content.decode()
    assert '<a href="/en/member-cities/">Member cities</a>' in english
    assert "the platform of francophone cities" in english


def test_current_menu_entry_is_announced_to_screen_readers(client, demo):
    html = client.get("/fr/accessibilite/").content.decode()
    assert '<a href="/fr/accessibilite/" aria-current="page">Accessibilité</a>' in html


def test_standard_page_renders_its_streamfield_body(client, demo):
    html = client.get("/fr/le-reseau/").content.decode()
    assert "<h2>Pourquoi une plateforme commune ?</h2>" in html
    assert "<blockquote>" in html
    assert 'aria-label="Fil d’Ariane"' in html or "breadcrumbs" in html


def test_search_finds_pages_of_the_active_language_only(client, demo):
    french = client.get("/fr/search/", {"q": "recommandations"}).content.decode()
    assert "Les recommandations de 2013" in french
    assert "The 2013 recommendations" not in french
    english = client.get("/en/search/", {"q": "recommendations"}).content.decode()
    assert "The 2013 recommendations" in english
    assert "Les recommandations de 2013" not in english


def test_search_without_words_shows_the_form_and_nothing_else(client, demo):
    response = client.get("/fr/search/", {"q": "   "})
    assert response.status_code == 200
    assert response.context["groups"] == []
    assert "results" not in response.context


def test_search_for_nothing_known_says_so(client, demo):
    html = client.get("/en/search/", {"q": "xylophone"}).content.decode()
    assert "0 results for “xylophone”" in html


def test_search_paginates(client, demo):
    home = HomePage.objects.get(locale__language_code="fr")
    for number in range(12):
        page = StandardPage(title=f"Atelier compostage {number}", slug=f"atelier-{number}")
        home.add_child(instance=page)
        page.save_revision().publish()
    # Every kind shows a few results and leads to all of them; pages have no listing of
    # their own, so the search lists them page by page.
    grouped = client.get("/fr/search/", {"q": "compostage"})
    [(source, group)] = grouped.context["groups"]
    assert (source.key, group.total, len(group.hits)) == ("pages", 12, 5)
    assert group.more_url == "/fr/search/?q=compostage&kind=pages"
    first = client.get(group.more_url)
    assert first.context["results"].paginator.count == 12
    assert len(first.context["results"]) == 10
    second = client.get("/fr/search/", {"q": "compostage", "kind": "pages", "page": 2})
    assert len(second.context["results"]) == 2
    assert 'href="?q=compostage&amp;kind=pages&amp;page=1"' in second.content.decode()


def test_unknown_address_gives_a_404_page_in_the_language_of_the_url(client, demo):
    response = client.get("/en/nowhere-to-be-found/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_page_types_declare_where_they_live():
    assert HomePage.parent_page_types == ["wagtailcore.Page"]
    assert StandardPage in HomePage.allowed_subpage_models()
    # The agenda can be made on a fresh site by an administrator, once per home page.
    assert EventIndexPage in HomePage.allowed_subpage_models()
    assert HomePage not in StandardPage.allowed_subpage_models()
    assert StandardPage.allowed_parent_page_models() == [HomePage, StandardPage]


def test_editors_submit_for_moderation_and_moderators_publish(demo, django_user_model):
    editor = django_user_model.objects.get(email="editrice@essaim.example")
    moderator = django_user_model.objects.get(email="moderateur@essaim.example")
    home = HomePage.objects.get(locale__language_code="fr")
    draft = StandardPage(title="Journée portes ouvertes", slug="portes-ouvertes", live=False)
    home.add_child(instance=draft)
    revision = draft.save_revision(user=editor)

    assert draft.permissions_for_user(editor).can_edit()
    assert not draft.permissions_for_user(editor).can_publish()
    assert draft.permissions_for_user(moderator).can_publish()

    workflow = draft.get_workflow()
    assert isinstance(workflow, Workflow)
    state = workflow.start(draft, editor)
    assert state.status == state.STATUS_IN_PROGRESS
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, moderator, "approve")

    draft.refresh_from_db()
    assert draft.live
    assert draft.live_revision_id == revision.id


def test_english_locale_exists_on_every_install():
    assert set(Locale.objects.values_list("language_code", flat=True)) >= {"fr", "en"}
    assert Page.objects.filter(depth=1).exists()


def test_health_endpoint_answers_when_the_database_does(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_robots_txt_points_to_the_sitemap(client, demo, settings):
    settings.BASE_URL = "https://essaim.example.org"
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: https://essaim.example.org/sitemap.xml" in body
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200
    assert b"/fr/le-reseau/" in sitemap.content


def test_an_editor_creates_the_english_version_of_a_page(client, demo, django_user_model):
    editor = django_user_model.objects.get(email="editrice@essaim.example")
    home = HomePage.objects.get(locale__language_code="fr")
    page = StandardPage(title="Foire de l’ESS", slug="foire-ess", intro="Le rendez-vous annuel.")
    home.add_child(instance=page)
    page.save_revision(user=editor).publish()
    english = Locale.objects.get(language_code="en")

    client.force_login(editor)
    response = client.post(f"/admin/translation/submit/page/{page.pk}/", {"locales": [english.pk]})

    assert response.status_code == 302
    translation = page.get_translation(english)
    assert translation.title == "Foire de l’ESS"
    assert not translation.live  # a draft for the editor to translate and submit


def test_the_kept_menus_never_carry_who_is_signed_in(client, demo):
    """The menus and the footer are kept for everybody; the account links beside them are
    made for each person."""
    from django.contrib.auth import get_user_model

    visitor = client.get("/fr/").content.decode()
    assert "Connexion" in visitor
    person = get_user_model().objects.create_user(
        email="awa@coop.example", password="x", display_name="Awa Diallo"
    )
    client.force_login(person)
    signed_in = client.get("/fr/").content.decode()
    assert "Awa Diallo" in signed_in and "Déconnexion" in signed_in
    client.logout()
    again = client.get("/fr/").content.decode()
    assert "Awa Diallo" not in again and "Connexion" in again


def test_a_new_menu_link_shows_on_the_next_page(client, demo):
    from website.models import MainMenu, MainMenuItem

    def main_menu():
        html = client.get("/fr/agenda/").content.decode()
        return html.split('class="main-nav"')[1].split("</nav>")[0]

    assert 'href="/fr/mentions-legales/"' not in main_menu()
    menu = MainMenu.objects.get(locale__language_code="fr")
    legal = StandardPage.objects.get(locale__language_code="fr", slug="mentions-legales")
    MainMenuItem.objects.create(menu=menu, link_page=legal, sort_order=99)
    assert 'href="/fr/mentions-legales/"' in main_menu()
