"""French that reads right everywhere (issue 18, item 9).

The demo is loaded once; every public page and the forms of someone signed in are rendered in
French and in English and read as text nodes (not <code>, <pre>, <script>, <style>, nor what
people typed: forum messages, and any text the demo stores in the database). Each test looks
for one class of defect, so a new template or string that repeats it fails here: an empty
choice shown as "---------", a plural written "(s)", a count and a noun that disagree, a
duration of more than an hour told in minutes, a French month with a capital, French
punctuation after a plain space or none. Durations and short days are said by
``events.wording``; their own tests are below.
"""

import datetime as dt
import html
import json
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.pages import public_paths

pytestmark = pytest.mark.django_db

SKIPPED_ELEMENTS = {"code", "pre", "script", "style", "template"}
# Messages as people typed them in the forums: shown as typed.
TYPED_CLASSES = {"post__body"}
VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class TextNodes(HTMLParser):
    """The text nodes a reader sees, outside code, scripts and typed messages."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.nodes = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID_ELEMENTS:
            if tag == "input":
                self._attribute_text(attrs)
            return
        classes = set((dict(attrs).get("class") or "").split())
        self.stack.append(tag in SKIPPED_ELEMENTS or bool(classes & TYPED_CLASSES))

    def handle_startendtag(self, tag, attrs):
        if tag == "input":
            self._attribute_text(attrs)

    def handle_endtag(self, tag):
        if tag not in VOID_ELEMENTS and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if data.strip() and not any(self.stack):
            self.nodes.append(re.sub(r"[ \t\r\n]+", " ", data))

    def _attribute_text(self, attrs):
        # A button's words are its value.
        values = dict(attrs)
        if values.get("type") in {"submit", "button"} and values.get("value"):
            self.nodes.append(values["value"])


def text_nodes(document):
    parser = TextNodes()
    parser.feed(document)
    return parser.nodes


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def typed_fragments():
    """What people typed into the demo's database (titles, descriptions, page bodies...), as
    the fragments of text a page shows of it: the site writes it as typed."""
    from django.apps import apps
    from django.db import models
    from wagtail.fields import RichTextField, StreamField

    fragments = set()
    for model in apps.get_models():
        if model._meta.app_label not in {"events", "network", "forums", "practices", "website"}:
            continue
        fields = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | StreamField)
            and not field.choices
        ]
        if not fields:
            continue
        for row in model.objects.all():
            for field in fields:
                value = field.value_from_object(row)
                if isinstance(field, StreamField):
                    strings = _strings(json.loads(json.dumps(field.get_prep_value(value))))
                elif isinstance(field, RichTextField) or isinstance(value, str):
                    strings = [value]
                else:
                    continue
                for string in strings:
                    for piece in re.split(r"<[^>]+>|\n", string or ""):
                        piece = re.sub(r"[ \t\r]+", " ", html.unescape(piece)).strip()
                        if len(piece) >= 6:
                            fragments.add(piece)
    # The longest first: a title is taken out whole before a shorter text inside it.
    return sorted(fragments, key=len, reverse=True)


def _in_english(path, pages_by_url, english):
    """The English page of a French path: the English translation of the deepest French page
    whose URL starts the path, followed by the rest of the path (a route, a query)."""
    if path.startswith("/en/"):
        return path
    for url, page in pages_by_url:
        if path.startswith(url):
            translated = page.get_translation_or_none(english)
            return translated.url + path[len(url) :] if translated else None
    return None


def signed_in_paths():
    """The forms someone signed in fills in: profile, preferences, an actor, a booking..."""
    from forums.models import Category, Post
    from network.spaces.models import Space

    person = get_user_model().objects.get(email="membre@essaim.example")
    actor = person.actor_memberships.filter(role="admin").first().actor
    category = Category.objects.filter(groups__isnull=True).first()
    return [
        reverse("profile"),
        reverse("notifications:preferences"),
        reverse("events:mine"),
        reverse("network:create"),
        reverse("network:mine"),
        reverse("network:edit", args=[actor.slug]),
        reverse("network:needs_manage", args=[actor.slug]),
        reverse("network:actor", args=[actor.slug]),
        reverse("spaces:my_bookings"),
        # The spaces free at a given time, for an hour and a half.
        reverse("spaces:spaces")
        + f"?date={dt.date.today() + dt.timedelta(days=9)}&time=10:30&duration=90",
        reverse("spaces:space_book", args=[Space.objects.order_by("pk").first().slug]),
        reverse("forums:topic_new", args=[category.slug]),
        reverse("forums:post_report", args=[Post.objects.order_by("pk").first().pk]),
    ]


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The whole demo, once for this module, in a transaction rolled back at its end; its
    pages rendered in both languages: {"fr": {path: [text nodes]}, "en": ...} and the
    fragments people typed."""
    from wagtail.models import Locale, Page

    from tests.conftest import ensure_site_base
    from website import demo as site_demo

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            ensure_site_base()
            site_demo.load()
            site_demo.load_apps()
            with translation.override("fr"):
                french = public_paths()
                signed_in = signed_in_paths()
            english = Locale.objects.get(language_code="en")
            pages_by_url = sorted(
                (
                    (page.url, page)
                    for page in Page.objects.live().filter(locale__language_code="fr")
                    if page.url
                ),
                key=lambda item: -len(item[0]),
            )
            visitor, member = Client(), Client()
            member.force_login(get_user_model().objects.get(email="membre@essaim.example"))
            rendered = {"fr": {}, "en": {}}
            for client, paths in ((visitor, french), (member, signed_in)):
                for path in paths:
                    for language, url in (
                        ("fr", path),
                        ("en", _in_english(path, pages_by_url, english)),
                    ):
                        assert url, f"{path} has no English page"
                        response = client.get(url)
                        assert response.status_code == 200, url
                        rendered[language][url] = text_nodes(response.content.decode())
            yield {"pages": rendered, "typed": typed_fragments()}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def problems(site, language, check):
    """Each text node of the site's own words where ``check`` finds something (a list of
    what it found), as "path: node: found"."""
    typed = site["typed"]
    found = []
    for path, nodes in site["pages"][language].items():
        for node in dict.fromkeys(nodes):
            wrong = check(node)
            if not wrong:
                continue
            stripped = node.strip()
            if len(stripped) >= 6 and any(stripped in fragment for fragment in typed):
                continue
            rest = node
            for fragment in typed:
                if fragment in rest:
                    rest = rest.replace(fragment, "\x00")
            wrong = check(rest)
            if wrong:
                found.append(f"{path}: {stripped!r}: {wrong}")
    return found


def assert_none(found):
    assert not found, "\n".join(found)


LANGUAGES = ["fr", "en"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_empty_choice_is_shown_as_dashes(site, language):
    assert_none(problems(site, language, lambda node: re.findall(r"-{4,}", node)))


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_plural_is_written_with_an_s_in_brackets(site, language):
    assert problems(site, language, lambda node: re.findall(r"\w\((?:e?s|x)\)", node)) == []


# The nouns the site counts, singular and plural; a number agrees with the noun after it.
NOUNS = {
    "fr": [
        ("date", "dates"),
        ("salle", "salles"),
        ("personne", "personnes"),
        ("place", "places"),
        ("acteur", "acteurs"),
        ("réservation", "réservations"),
        ("appel", "appels"),
        ("offre", "offres"),
        ("résultat", "résultats"),
        ("sujet", "sujets"),
        ("réponse", "réponses"),
        ("semaine", "semaines"),
        ("jour", "jours"),
        ("heure", "heures"),
        ("minute", "minutes"),
        ("demande", "demandes"),
    ],
    "en": [
        ("date", "dates"),
        ("space", "spaces"),
        ("person", "people"),
        ("seat", "seats"),
        ("actor", "actors"),
        ("booking", "bookings"),
        ("call", "calls"),
        ("offer", "offers"),
        ("result", "results"),
        ("topic", "topics"),
        ("reply", "replies"),
        ("week", "weeks"),
        ("day", "days"),
        ("hour", "hours"),
        ("minute", "minutes"),
        ("request", "requests"),
    ],
}


def disagreements(language):
    """A number followed by a noun of the wrong number: "1 dates", "3 salle", "1 people"
    (French takes the singular below 2: "0 salle libre" is right, as is "1,5 heure")."""

    def check(node):
        found = []
        for match in re.finditer(r"(?<![\d,.])(\d+)(?:[.,]\d+)?[\s\u00a0\u202f]+(\w+)", node):
            number, word = float(match.group(1)), match.group(2)
            for singular, plural in NOUNS[language]:
                one = number < 2 if language == "fr" else number == 1
                if (word == plural and one) or (word == singular and not one):
                    found.append(match.group(0))
        return found

    return check


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_count_agrees_with_its_noun(site, language):
    assert_none(problems(site, language, disagreements(language)))


def long_minutes(node):
    """A duration of an hour or more told in minutes: "90 minutes", "120 min"."""
    return [
        match.group(0)
        for match in re.finditer(r"(\d+)[\s\u00a0\u202f]*(?:minutes?|min)\b", node)
        if int(match.group(1)) >= 60
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_durations_of_an_hour_or_more_are_told_in_hours(site, language):
    assert_none(problems(site, language, long_minutes))


FRENCH_MONTHS = (
    "Janvier|Février|Mars|Avril|Mai|Juin|Juillet|Août|Septembre|Octobre|Novembre|Décembre"
    "|Janv|Févr|Avr|Juil|Sept|Oct|Nov|Déc|Fév|Jan"
)


def capital_months(node):
    """A French month with a capital in a date: "Février 2027", "7 Déc"."""
    return re.findall(
        rf"(?:\d[\s\u00a0]+(?:{FRENCH_MONTHS})\b|\b(?:{FRENCH_MONTHS})\.?[\s\u00a0]+\d{{4}})",
        node,
    )


def test_french_months_are_in_lower_case(site):
    assert_none(problems(site, "fr", capital_months))


def french_punctuation(node):
    """A plain space (or none) where French wants a no-break one: before ":", inside « »;
    a plain space before ";", "?", "!" (a narrow no-break one is right)."""
    return [
        *re.findall(r"\S? [:;?!»]", node),
        *re.findall(r"« ", node),
        # "2027: Travaux": a colon glued to its word, then a space (not "08:00", not "http:").
        *re.findall(r"\w:(?= |$)", node),
    ]


def test_french_punctuation_has_its_no_break_spaces(site):
    assert_none(problems(site, "fr", french_punctuation))


def clock_times(node):
    """A time written the machine's way in French: "08:00", "à 10:30" (French says "8 h",
    "10 h 30", as ``website.wording.time_in_words`` does)."""
    return re.findall(r"(?<![\d:+])(?:[01]?\d|2[0-3]):[0-5]\d(?![\d:])", node)


def test_french_times_are_told_in_hours(site):
    # The French pages only: the public paths include English ones ("6:30 pm" is right).
    found = problems(site, "fr", clock_times)
    assert_none([line for line in found if not line.startswith("/en/")])


def test_the_error_pages_written_in_french_follow_french_punctuation():
    """500.html is written in both languages, outside the catalogues: it must not need them."""
    from django.template.loader import get_template

    for name in ("500.html", "503.html", "429.html", "404.html", "400.html"):
        with translation.override("fr"):
            document = get_template(name).render({})
        assert_none(
            [f"{name}: {node!r}" for node in text_nodes(document) if french_punctuation(node)]
        )


# The checks themselves catch what they are for.


def test_the_checks_catch_each_defect():
    assert disagreements("fr")("Réservation confirmée (1 dates)")
    assert disagreements("fr")("3 salle libre")
    assert not disagreements("fr")("1 date, 3 salles, 0 salle, 1,5 heure")
    assert disagreements("en")("1 people")
    assert not disagreements("en")("1 person, 0 people, 2 spaces")
    assert long_minutes("Une réservation dure au plus 240 minutes.")
    assert long_minutes("90 min")
    assert not long_minutes("45 min, 30 minutes")
    assert capital_months("← Février 2027")
    assert capital_months("lun 7 Déc")
    assert not capital_months("février 2027, 2 cours du Champ-de-Mars")
    assert french_punctuation("Date : demain")
    assert french_punctuation("16 janvier 2027: Travaux")
    assert french_punctuation("L’équipe en est informée ; réessayez")
    assert not french_punctuation("Date\u00a0: 08:00, https://essaim.example\u202f; oui\u202f!")
    assert clock_times("Réserver 08:00–09:30")
    assert clock_times("libres le 4 mai à 10:30 (heure locale)")
    assert not clock_times("8\u00a0h – 10\u00a0h\u00a030, 2027-05-04T08:00:00+02:00 n’est pas lu")

    assert text_nodes("<p>Un <code>a : b</code> texte</p><div class='post__body'>x : y</div>") == [
        "Un ",
        " texte",
    ]


# Durations and short days, said once for the whole site.


@pytest.mark.parametrize(
    ("minutes", "french", "english"),
    [
        (30, "30\u00a0min", "30 min"),
        (45, "45\u00a0min", "45 min"),
        (60, "1\u00a0h", "1 h"),
        (90, "1\u00a0h\u00a030", "1 h 30 min"),
        (120, "2\u00a0h", "2 h"),
        (125, "2\u00a0h\u00a005", "2 h 05 min"),
        (480, "8\u00a0h", "8 h"),
        (24 * 60, "24\u00a0h", "24 h"),
    ],
)
def test_a_duration_is_said_in_hours_and_minutes(minutes, french, english):
    from website.wording import duration_in_words

    with translation.override("fr"):
        assert duration_in_words(dt.timedelta(minutes=minutes)) == french
    with translation.override("en"):
        assert duration_in_words(dt.timedelta(minutes=minutes)) == english


def test_a_short_day_has_its_month_in_lower_case_in_french():
    from website.wording import short_day

    with translation.override("fr"):
        assert short_day(dt.date(2026, 12, 7)) == "lun. 7\u00a0déc."
        assert short_day(dt.date(2027, 4, 1), weekday=False) == "1er\u00a0avr."
    with translation.override("en"):
        assert short_day(dt.date(2026, 12, 7)) == "Mon 7\u00a0Dec"


# Times of day, said once for the whole site: "8 h", never "08:00".


@pytest.mark.parametrize(
    ("time", "french", "english"),
    [
        (dt.time(8), "8\u00a0h", "8 am"),
        (dt.time(10, 30), "10\u00a0h\u00a030", "10:30 am"),
        (dt.time(22), "22\u00a0h", "10 pm"),
    ],
)
def test_a_time_of_day_is_said_in_hours(time, french, english):
    from website.wording import time_in_words

    with translation.override("fr"):
        assert time_in_words(time) == french
    with translation.override("en"):
        assert time_in_words(time) == english


def test_the_template_filters_tell_a_moment_in_the_current_zone():
    from django.template import Context, Template
    from django.utils import timezone

    template = Template(
        "{% load events_tags %}{{ moment|time_in_words }}|{{ moment|moment_in_words }}|"
        '{{ moment|moment_in_words:"short" }}|{{ time|time_in_words }}'
    )
    moment = dt.datetime(2027, 3, 9, 17, 5, tzinfo=dt.UTC)
    with translation.override("fr"), timezone.override("Europe/Paris"):
        told = template.render(Context({"moment": moment, "time": dt.time(8, 30)}))
    assert told.split("|") == [
        "18\u00a0h\u00a005",
        "mardi 9 mars 2027, 18\u00a0h\u00a005",
        "09/03/2027, 18\u00a0h\u00a005",
        "8\u00a0h\u00a030",
    ]
