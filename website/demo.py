"""Demo content of the site-wide app: a network of francophone cities, its pages and people.

Loaded by ``manage.py load_demo``. Every function creates what is missing and leaves what
exists alone, so loading twice changes nothing. Other apps add a ``demo.py`` with a
``load(stdout)`` function of their own; the command calls them after this one.
"""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import RichText

from website.addresses import site_record_sync
from website.models import FooterText, HomePage, MainMenu, MainMenuItem, SiteSettings, StandardPage

DEMO_PASSWORD = "essaim-demo-2026"

# (e-mail, display name, first name, last name, role, groups, superuser, language, time zone)
DEMO_PEOPLE = [
    (
        "admin@essaim.example",
        "Awa Diop",
        "Awa",
        "Diop",
        "administrator",
        [],
        True,
        "fr",
        "Africa/Dakar",
    ),
    (
        "editrice@essaim.example",
        "Claire Morel",
        "Claire",
        "Morel",
        "editor",
        ["Editors"],
        False,
        "fr",
        "Europe/Paris",
    ),
    (
        "moderateur@essaim.example",
        "Jean-Baptiste Kaboré",
        "Jean-Baptiste",
        "Kaboré",
        "moderator",
        ["Moderators"],
        False,
        "fr",
        "Africa/Ouagadougou",
    ),
    (
        "membre@essaim.example",
        "Sophie Tremblay",
        "Sophie",
        "Tremblay",
        "member",
        [],
        False,
        "fr",
        "America/Toronto",
    ),
    (
        "member@essaim.example",
        "Alex Martin",
        "Alex",
        "Martin",
        "member (English)",
        [],
        False,
        "en",
        "Europe/Zurich",
    ),
]


def paragraph(html):
    return ("paragraph", RichText(html))


def heading(text, level="h2"):
    return ("heading", {"text": text, "level": level})


PAGES = {
    "fr": {
        "home": {
            "title": "Accueil",
            "hero_title": "L’économie sociale et solidaire, en réseau",
            "hero_text": (
                "Essaim relie les associations, coopératives, mutuelles, fondations et entreprises "
                "solidaires des villes francophones : événements, annuaire des acteurs, lieux de "
                "réunion, incubateurs et espaces d’échange."
            ),
            "hero_link_label": "Découvrir le réseau",
        },
        "pages": [
            {
                "key": "about",
                "title": "Le réseau",
                "slug": "le-reseau",
                "intro": (
                    "Né des recommandations adoptées par les maires de l’AIMF en 2013, Essaim "
                    "outille les villes qui soutiennent l’économie sociale et solidaire."
                ),
                "body": [
                    heading("Pourquoi une plateforme commune ?"),
                    paragraph(
                        "<p>En novembre 2013, à Paris, le colloque « Les élus locaux francophones : "
                        "leur action en faveur de l’économie sociale et solidaire » a réuni des villes "
                        "du Nord et du Sud : Genève, Québec, Paris, Nantes, Dakar, Banfora, Lokossa, "
                        "Namur, Bordeaux, Saint-Denis de La Réunion, Yamoussoukro…</p>"
                        "<p>Leurs recommandations sont claires : répertorier les acteurs et les "
                        "filières, identifier leurs besoins, organiser des événements récurrents, des "
                        "foires et des journées portes ouvertes, mettre des lieux de réunion à "
                        "disposition, créer des incubateurs et formaliser des cadres de concertation "
                        "qui se réunissent régulièrement.</p>"
                    ),
                    (
                        "quote",
                        {
                            "text": "Le rôle premier des maires doit être de créer un environnement positif, qui permette au secteur de l’économie sociale et solidaire de se développer de manière durable.",
                            "attribution": "Recommandations du 33e congrès de l’AIMF, 2013",
                        },
                    ),
                    heading("Ce que vous trouverez ici"),
                    paragraph(
                        "<ul><li>les événements des villes : ateliers, formations, foires et salons, "
                        "journées portes ouvertes, commissions ;</li><li>un annuaire des acteurs de "
                        "l’ESS, par filière et par territoire ;</li><li>des salles prêtées par les "
                        "villes et les réseaux ;</li><li>les programmes des incubateurs et les bonnes "
                        "pratiques des villes membres ;</li><li>des forums entre acteurs et "
                        "élu·es.</li></ul>"
                    ),
                ],
                "children": [
                    {
                        "key": "recommendations",
                        "title": "Les recommandations de 2013",
                        "slug": "recommandations-2013",
                        "intro": "Ce que les maires francophones se sont engagés à faire pour l’ESS.",
                        "body": [
                            heading("Promouvoir l’ESS"),
                            paragraph(
                                "<p>Une commande publique qui favorise les structures de l’ESS, "
                                "un cadre réglementaire local lorsque c’est possible, des mécanismes "
                                "de concertation et d’accompagnement : forums, pôles de coopération, "
                                "incubateurs, micro-crédit, fonds locaux.</p>"
                            ),
                            heading("Appuyer la création d’entreprise"),
                            paragraph(
                                "<p>Des formations et du conseil, des incubateurs d’entreprises, "
                                "la mise à disposition de lieux de réunion et un soutien aux "
                                "structures faîtières.</p>"
                            ),
                            heading("Coopérer durablement"),
                            paragraph(
                                "<p>Des cadres de concertation qui se réunissent régulièrement, "
                                "des plateformes d’échange et la coopération décentralisée entre "
                                "villes du Nord et du Sud.</p>"
                            ),
                        ],
                    }
                ],
            },
            {
                "key": "cities",
                "title": "Les villes membres",
                "slug": "villes-membres",
                "intro": "Des villes de quatre continents partagent leurs pratiques en faveur de l’ESS.",
                "body": [
                    (
                        "questions",
                        {
                            "title": "Quelques villes et leurs démarches",
                            "questions": [
                                {
                                    "question": "Genève (Suisse)",
                                    "answer": RichText(
                                        "<p>Une politique municipale de l’ESS portée par le service Agenda 21 – Ville durable, et une chambre de l’ESS partenaire.</p>"
                                    ),
                                },
                                {
                                    "question": "Nantes (France)",
                                    "answer": RichText(
                                        "<p>Un soutien aux pôles territoriaux de coopération économique et aux incubateurs de l’ESS.</p>"
                                    ),
                                },
                                {
                                    "question": "Dakar (Sénégal)",
                                    "answer": RichText(
                                        "<p>Le Fonds de développement et de solidarité municipale appuie la création d’activités.</p>"
                                    ),
                                },
                                {
                                    "question": "Banfora (Burkina Faso)",
                                    "answer": RichText(
                                        "<p>Un centre de services et de développement économique local accompagne les porteurs de projet.</p>"
                                    ),
                                },
                                {
                                    "question": "Lokossa (Bénin)",
                                    "answer": RichText(
                                        "<p>Un appui à la création d’entreprise et à la structuration des filières.</p>"
                                    ),
                                },
                                {
                                    "question": "Saint-Denis de La Réunion (France)",
                                    "answer": RichText(
                                        "<p>Des espaces de coordination entre la ville, les réseaux et les acteurs.</p>"
                                    ),
                                },
                            ],
                        },
                    ),
                ],
            },
            {
                "key": "accessibility",
                "title": "Accessibilité",
                "slug": "accessibilite",
                "intro": "Essaim vise la conformité au niveau AA des WCAG 2.2.",
                "body": [
                    paragraph(
                        "<p>Le site se parcourt au clavier, fonctionne avec un lecteur d’écran, "
                        "s’adapte aux petits écrans et n’utilise ni police ni script externes. "
                        "Chaque événement et chaque salle indiquent leurs conditions d’accès.</p>"
                        "<p>Si un contenu vous est inaccessible, écrivez-nous : nous vous "
                        "répondrons sous quinze jours avec le contenu sous une autre forme.</p>"
                    ),
                ],
            },
            {
                "key": "legal",
                "title": "Mentions légales et données personnelles",
                "slug": "mentions-legales",
                "intro": "Qui publie ce site, et ce que nous faisons de vos données.",
                "body": [
                    paragraph(
                        "<p>Nous ne conservons que les données nécessaires : votre adresse "
                        "électronique, votre nom d’affichage, votre langue et votre fuseau horaire. "
                        "Vous pouvez supprimer votre compte à tout moment depuis votre profil ; vos "
                        "données personnelles sont alors effacées.</p>"
                    ),
                ],
            },
        ],
        "menu": ["about", "cities", "accessibility"],
        "footer": (
            "<p><b>Essaim</b> — la plateforme des villes francophones pour l’économie sociale et "
            "solidaire. Contenus publiés par les villes et réseaux membres.</p>"
        ),
    },
    "en": {
        "home": {
            "title": "Home",
            "hero_title": "The social and solidarity economy, networked",
            "hero_text": (
                "Essaim connects the associations, cooperatives, mutuals, foundations and social "
                "enterprises of francophone cities: events, a directory of actors, meeting spaces, "
                "incubators and places to exchange."
            ),
            "hero_link_label": "Discover the network",
        },
        "pages": [
            {
                "key": "about",
                "title": "The network",
                "slug": "the-network",
                "intro": (
                    "Born from the recommendations adopted by the mayors of the AIMF in 2013, "
                    "Essaim equips the cities that support the social and solidarity economy."
                ),
                "body": [
                    heading("Why a shared platform?"),
                    paragraph(
                        "<p>In November 2013, in Paris, the colloquium on local elected officials "
                        "and the social and solidarity economy brought together cities of the North "
                        "and the South: Geneva, Québec, Paris, Nantes, Dakar, Banfora, Lokossa, "
                        "Namur, Bordeaux, Saint-Denis de La Réunion, Yamoussoukro…</p>"
                    ),
                ],
                "children": [
                    {
                        "key": "recommendations",
                        "title": "The 2013 recommendations",
                        "slug": "2013-recommendations",
                        "intro": "What francophone mayors committed to do for the social economy.",
                        "body": [
                            paragraph(
                                "<p>Responsible public procurement, consultation with the sector, "
                                "incubators, training and advice, meeting spaces, support for "
                                "umbrella networks, standing committees and decentralised "
                                "cooperation between cities.</p>"
                            ),
                        ],
                    }
                ],
            },
            {
                "key": "cities",
                "title": "Member cities",
                "slug": "member-cities",
                "intro": "Cities from four continents share their practices for the social economy.",
                "body": [
                    paragraph(
                        "<p>Geneva, Nantes, Dakar, Banfora, Lokossa, Saint-Denis de La Réunion and "
                        "many others publish their events, spaces and good practices here.</p>"
                    ),
                ],
            },
            {
                "key": "accessibility",
                "title": "Accessibility",
                "slug": "accessibility",
                "intro": "Essaim aims at WCAG 2.2 level AA.",
                "body": [
                    paragraph(
                        "<p>The site works with a keyboard and a screen reader, adapts to small "
                        "screens and loads no external fonts or scripts. If some content is not "
                        "accessible to you, write to us.</p>"
                    ),
                ],
            },
            {
                "key": "legal",
                "title": "Legal notice and personal data",
                "slug": "legal-notice",
                "intro": "Who publishes this site, and what we do with your data.",
                "body": [
                    paragraph(
                        "<p>We keep only what is needed: your e-mail address, display name, "
                        "language and time zone. You can delete your account at any time from "
                        "your profile; your personal data is then erased.</p>"
                    ),
                ],
            },
        ],
        "menu": ["about", "cities", "accessibility"],
        "footer": (
            "<p><b>Essaim</b> — the platform of francophone cities for the social and solidarity "
            "economy. Content published by member cities and networks.</p>"
        ),
    },
}


@transaction.atomic
def load(stdout=None):
    people = load_people()
    home_pages = load_pages()
    load_navigation(home_pages)
    load_site_settings(home_pages["fr"])
    return people


def load_people():
    User = get_user_model()
    created = []
    for email, display, first, last, role, groups, superuser, language, tz in DEMO_PEOPLE:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                display_name=display,
                first_name=first,
                last_name=last,
                preferred_language=language,
                time_zone=tz,
                is_superuser=superuser,
                is_staff=superuser,
            )
            for name in groups:
                user.groups.add(Group.objects.get(name=name))
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        created.append((role, email))
    return created


def load_pages():
    """The French home page replaces Wagtail's welcome page; English pages are its translations."""
    root = Page.get_first_root_node()
    locale_fr = Locale.objects.get(language_code="fr")
    locale_en = Locale.objects.get(language_code="en")

    home_fr = HomePage.objects.filter(locale=locale_fr, depth=2).first()
    if home_fr is None:
        data = PAGES["fr"]["home"]
        home_fr = HomePage(slug="accueil", locale=locale_fr, **data)
        root.add_child(instance=home_fr)
        home_fr.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
        site.site_name, site.root_page = "Essaim", home_fr
        site.save()
        site_record_sync()
        # Wagtail's own "Welcome" page has no use once the real home page exists.
        Page.objects.filter(
            depth=2, content_type__model="page", content_type__app_label="wagtailcore"
        ).delete()

    home_en = home_fr.get_translation_or_none(locale_en)
    if home_en is None:
        home_en = home_fr.copy_for_translation(locale_en)
        for field, value in PAGES["en"]["home"].items():
            setattr(home_en, field, value)
        home_en.slug = "home"
        home_en.save_revision().publish()

    homes = {"fr": home_fr.specific, "en": home_en.specific}
    pages_fr = _load_page_tree(homes["fr"], PAGES["fr"]["pages"], locale_fr)
    _load_translations(pages_fr, PAGES["en"]["pages"], locale_en)
    # Renaming the fresh English copies made Wagtail create redirects from slugs nobody used.
    Redirect.objects.filter(redirect_page__locale=locale_en).delete()

    # Fetch again: the instances above hold a stale child count (treebeard's numchild), and
    # publishing a stale instance would write it back and hide the children.
    homes = {code: HomePage.objects.get(pk=page.pk) for code, page in homes.items()}
    if not homes["fr"].highlights.exists():
        home = homes["fr"]
        home.highlights.create(
            page=pages_fr["about"],
            text="Pourquoi les villes francophones se sont mises en réseau.",
            sort_order=0,
        )
        home.highlights.create(
            page=pages_fr["recommendations"],
            text="Les engagements des maires pour l’ESS.",
            sort_order=1,
        )
        home.highlights.create(
            page=pages_fr["cities"], text="Genève, Nantes, Dakar, Banfora, Lokossa…", sort_order=2
        )
        home.hero_link_page = pages_fr["about"]
        home.save_revision().publish()
        home_en = homes["en"]
        home_en.highlights.create(
            page=pages_fr["about"], text="Why francophone cities joined forces.", sort_order=0
        )
        home_en.highlights.create(
            page=pages_fr["recommendations"], text="What mayors committed to.", sort_order=1
        )
        home_en.highlights.create(
            page=pages_fr["cities"], text="Geneva, Nantes, Dakar, Banfora, Lokossa…", sort_order=2
        )
        home_en.hero_link_page = pages_fr["about"]
        home_en.save_revision().publish()
    return homes


def _load_page_tree(parent, specs, locale, found=None):
    found = {} if found is None else found
    for spec in specs:
        page = StandardPage.objects.child_of(parent).filter(slug=spec["slug"]).first()
        if page is None:
            page = StandardPage(
                title=spec["title"],
                slug=spec["slug"],
                intro=spec["intro"],
                body=spec["body"],
                locale=locale,
            )
            parent.add_child(instance=page)
            page.save_revision().publish()
        found[spec["key"]] = page
        _load_page_tree(page, spec.get("children", []), locale, found)
    return found


def _load_translations(
    pages_fr,
    specs,
    locale,
):
    for spec in specs:
        source = pages_fr[spec["key"]]
        if source.get_translation_or_none(locale) is None:
            page = source.copy_for_translation(locale)
            page.title, page.slug, page.intro, page.body = (
                spec["title"],
                spec["slug"],
                spec["intro"],
                spec["body"],
            )
            page.save_revision().publish()
        _load_translations(pages_fr, spec.get("children", []), locale)


def load_navigation(home_pages):
    for code, home in home_pages.items():
        locale = Locale.objects.get(language_code=code)
        data = PAGES[code]
        if not MainMenu.objects.filter(locale=locale).exists():
            source = MainMenu.objects.filter(locale__language_code="fr").first()
            menu = MainMenu(name=f"Menu principal ({code})", locale=locale)
            if source is not None:
                menu.translation_key = source.translation_key
            menu.save()
            for order, key in enumerate(data["menu"]):
                page = _page_for_key(home, key)
                MainMenuItem.objects.create(menu=menu, link_page=page, sort_order=order)
        if not FooterText.objects.filter(locale=locale).exists():
            source = FooterText.objects.filter(locale__language_code="fr").first()
            footer = FooterText(body=data["footer"], locale=locale)
            if source is not None:
                footer.translation_key = source.translation_key
            footer.save()


def _page_for_key(home, key):
    slugs = {spec["key"]: spec["slug"] for spec in PAGES[home.locale.language_code]["pages"]}
    return StandardPage.objects.child_of(home).get(slug=slugs[key])


def load_site_settings(home):
    site = Site.objects.get(root_page=home)
    settings = SiteSettings.for_site(site)
    if not settings.contact_email:
        settings.contact_email = "contact@essaim.example"
        settings.phone = "+33 1 23 45 67 89"
        settings.address = "Réseau Essaim\n9 rue des Halles\n75001 Paris"
        settings.social_links = [
            ("link", {"label": "Mastodon", "url": "https://mastodon.example/@essaim"})
        ]
        settings.save()


def load_apps(stdout=None, *, names=None):
    """Load each app's demo (its ``demo.load``) after the site's, in the order of
    ``INSTALLED_APPS``: an app's demo may use what the apps before it made (the directory's
    vocabularies and actors first). ``names`` keeps only those apps (by module name)."""
    import importlib
    import importlib.util

    from django.apps import apps

    for app in apps.get_app_configs():
        if app.name == "website" or app.name.startswith(("website.", "django.", "wagtail")):
            continue
        if names is not None and app.name not in names:
            continue
        if importlib.util.find_spec(f"{app.name}.demo") is not None:
            importlib.import_module(f"{app.name}.demo").load(stdout)
