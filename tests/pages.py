"""The site's pages, found from the demo's own content: what whole-site sweeps visit (the
Content Security Policy in Chromium, the W3C HTML checker)."""

from django.urls import reverse


def public_paths():
    """The main public pages, in French, and the two home pages."""
    from events.models import EventIndexPage, EventPage
    from forums.models import Category, Topic
    from network.directory.models import Actor
    from network.incubators.models import Programme
    from network.spaces.models import Space
    from practices.models import GoodPracticePage

    agenda = EventIndexPage.objects.live().filter(locale__language_code="fr").first()
    event = EventPage.objects.live().filter(locale__language_code="fr").first()
    actor = Actor.objects.filter(status="published").exclude(description="").first()
    category = Category.objects.filter(groups__isnull=True).first()
    topic = Topic.objects.filter(category=category).first()
    practice = GoodPracticePage.objects.live().filter(locale__language_code="fr").first()
    return [
        "/fr/",
        "/en/",
        "/fr/le-reseau/",
        "/fr/search/?q=r%C3%A9seau",
        "/fr/accounts/login/",
        "/fr/accounts/signup/",
        agenda.url,
        agenda.url + "map/",
        agenda.url + "archive/",
        agenda.url + "month/2027/3/",
        event.url,
        "/fr/events/subscribe/",
        reverse("network:directory"),
        reverse("network:actor", args=[actor.slug]),
        reverse("network:map"),
        reverse("network:statistics"),
        reverse("network:needs_offers"),
        reverse("network:open_data"),
        reverse("forums:index"),
        reverse("forums:category", args=[category.slug]),
        reverse("forums:topic", args=[topic.pk]),
        practice.get_parent().url,
        practice.url,
        reverse("spaces:spaces"),
        reverse("spaces:space", args=[Space.objects.order_by("pk").first().slug]),
        reverse("incubators:programmes"),
        reverse("incubators:programme", args=[Programme.objects.order_by("pk").first().slug]),
    ]


def member_paths():
    """The pages of the demo's actor administrator (membre@essaim.example), in French."""
    from django.utils import translation

    from forums.models import Category
    from network.directory.models import Actor
    from network.spaces.models import Space

    actor = Actor.objects.get(name="Recyclerie du Breil")
    category = Category.objects.filter(groups__isnull=True).first()
    with translation.override("fr"):
        return [
            reverse("events:mine"),
            reverse("profile"),
            reverse("network:mine"),
            reverse("network:create"),
            reverse("network:edit", args=[actor.slug]),
            reverse("network:members", args=[actor.slug]),
            reverse("network:needs_manage", args=[actor.slug]),
            reverse("spaces:my_bookings"),
            reverse("spaces:space_book", args=[Space.objects.order_by("pk").first().slug]),
            reverse("forums:notifications"),
            reverse("forums:topic_new", args=[category.slug]),
        ]
