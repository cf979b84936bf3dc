"""Demo forums: categories by sector and territory, a private space for elected officials,
and lively topics in French by the demo people. Loading twice changes nothing."""

import datetime as dt

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from network.directory.models import Sector, Territory

from . import services
from .models import Category, ForumNotification, Post, Topic

ELECTED_GROUP = "Elected officials"
ELECTED_EMAIL = "elue@essaim.example"

# slug, French name, English name, French description, parent slug, sector, territory, private
CATEGORIES = [
    (
        "vie-du-reseau",
        "Vie du réseau",
        "Network life",
        "Annonces, présentations et entraide entre membres.",
        None,
        None,
        None,
        False,
    ),
    (
        "filieres",
        "Filières",
        "Sectors",
        "Un espace par filière pour partager ce qui marche.",
        None,
        None,
        None,
        False,
    ),
    (
        "alimentation",
        "Alimentation",
        "Food",
        "Circuits courts, épiceries solidaires, restauration collective.",
        "filieres",
        "alimentation",
        None,
        False,
    ),
    (
        "recyclage-reemploi",
        "Recyclage et réemploi",
        "Recycling and reuse",
        "Ressourceries, réparation, collecte.",
        "filieres",
        "recyclage-reemploi",
        None,
        False,
    ),
    (
        "mobilite",
        "Mobilité",
        "Mobility",
        "Vélo, covoiturage, garages solidaires.",
        "filieres",
        "mobilite",
        None,
        False,
    ),
    (
        "finance-solidaire",
        "Finance solidaire",
        "Solidarity finance",
        "Épargne, prêts d’honneur, financement participatif.",
        "filieres",
        "finance-solidaire",
        None,
        False,
    ),
    (
        "territoires",
        "Territoires",
        "Territories",
        "Les échanges propres à chaque ville.",
        None,
        None,
        None,
        False,
    ),
    (
        "nantes-metropole",
        "Nantes Métropole",
        "Nantes Métropole",
        "Les acteurs de l’ESS de la métropole nantaise.",
        "territoires",
        None,
        "nantes-metropole",
        False,
    ),
    (
        "espace-des-elus",
        "Espace des élu·es",
        "Elected officials’ space",
        "Espace privé des élu·es locaux du réseau : politiques publiques de l’ESS, commande publique, coopération décentralisée.",
        None,
        None,
        None,
        True,
    ),
]

# category, title, author e-mail, opening message, [(author e-mail, reply)], pinned
TOPICS = [
    (
        "vie-du-reseau",
        "Bienvenue sur les forums d’Essaim : présentez-vous !",
        "moderateur@essaim.example",
        "Bonjour à toutes et à tous,\n\nCet espace sert à **échanger entre acteurs** de l’ESS des villes du réseau. Présentez votre structure en quelques lignes : ce que vous faites, où, et ce que vous cherchez.\n\nQuelques règles :\n\n- on reste bienveillant ;\n- pas de publicité ;\n- on signale ce qui pose problème plutôt que de répondre.",
        [
            (
                "membre@essaim.example",
                "Bonjour ! Sophie, de la coopérative *Les Paniers du Plateau* à Québec. Nous cherchons des retours d’expérience sur les groupements d’achat en milieu rural.",
            ),
            (
                "member@essaim.example",
                "Bonjour, Alex, d’une ressourcerie à Lausanne. Je parle mieux anglais, mais je lis tout en français. Ravi d’être là !",
            ),
            (
                "editrice@essaim.example",
                "Bienvenue à vous deux ! @sophie-tremblay, la filière *Alimentation* a justement un sujet sur les groupements d’achat.",
            ),
        ],
        True,
    ),
    (
        "alimentation",
        "Groupements d’achat en milieu rural : vos retours ?",
        "membre@essaim.example",
        "Nous lançons un groupement d’achat dans trois villages. Comment gérez-vous :\n\n1. la logistique du dernier kilomètre ;\n2. les adhésions à prix libre ;\n3. le bénévolat sur la durée ?",
        [
            (
                "editrice@essaim.example",
                "À Nantes, l’épicerie mobile passe une fois par semaine dans chaque bourg : la mairie prête une salle. Pour le prix libre, nous affichons un *prix conseillé* et trois paliers.",
            ),
            (
                "admin@essaim.example",
                "À Dakar, les groupements de femmes transformatrices mutualisent un triporteur. Le bénévolat tient quand chaque personne a un rôle clair et tournant.",
            ),
        ],
        False,
    ),
    (
        "recyclage-reemploi",
        "Partager un atelier de réparation de vélos entre deux structures",
        "member@essaim.example",
        "Nous avons un local trop grand et une association voisine n’en a pas. Quelqu’un a-t-il une **convention de mise à disposition** type à partager ?",
        [
            (
                "membre@essaim.example",
                "Oui, nous en avons une, validée par notre juriste. Je vous l’envoie en message, @alex-martin.",
            ),
        ],
        False,
    ),
    (
        "espace-des-elus",
        "Clauses sociales dans la commande publique : où en êtes-vous ?",
        ELECTED_EMAIL,
        "Chers collègues,\n\nNotre ville veut porter à **15 %** la part des marchés publics avec clause d’insertion. Quels obstacles avez-vous rencontrés avec les services achats ?",
        [
            (
                "moderateur@essaim.example",
                "À Ouagadougou, la difficulté est surtout le suivi des heures d’insertion : un facilitateur partagé entre plusieurs communes a débloqué la situation.",
            ),
        ],
        True,
    ),
]


def load(stdout=None):
    with transaction.atomic():
        elected = _load_people()
        categories = _load_categories(elected)
        # Topics are written once: the first one's presence says they are all there.
        if not Topic.objects.filter(title=TOPICS[0][1]).exists():
            _load_topics(categories)
        _add_to_menus()
    if stdout is not None:
        stdout.write(f"Forums: {len(categories)} categories, {Topic.objects.count()} topics.")
        stdout.write(f"  elected official   {ELECTED_EMAIL} (the private space of officials)")


def _add_to_menus():
    from website.models import MainMenu, MainMenuItem

    for menu in MainMenu.objects.select_related("locale"):
        url = f"/{menu.locale.language_code}/forums/"
        if not menu.items.filter(link_url=url).exists():
            MainMenuItem.objects.create(menu=menu, link_url=url, link_text="Forums", sort_order=50)


def _load_people():
    group, _created = Group.objects.get_or_create(name=ELECTED_GROUP)
    from website.demo import DEMO_PASSWORD

    User = get_user_model()
    user = User.objects.filter(email=ELECTED_EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            email=ELECTED_EMAIL,
            password=DEMO_PASSWORD,
            display_name="Fatou Ndiaye",
            first_name="Fatou",
            last_name="Ndiaye",
            preferred_language="fr",
            time_zone="Africa/Dakar",
        )
        EmailAddress.objects.get_or_create(
            user=user, email=ELECTED_EMAIL, defaults={"verified": True, "primary": True}
        )
    user.groups.add(group)
    return group


def _load_categories(elected):
    found = {}
    for position, row in enumerate(CATEGORIES):
        slug, name_fr, name_en, description, parent, sector, territory, private = row
        category, _created = Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name_fr": name_fr,
                "name_en": name_en,
                "description_fr": description,
                "parent": found.get(parent),
                "sector": Sector.objects.filter(slug=sector).first() if sector else None,
                "territory": Territory.objects.filter(slug=territory).first()
                if territory
                else None,
                "visibility": Category.Visibility.PRIVATE
                if private
                else Category.Visibility.PUBLIC,
                "position": position,
            },
        )
        if private:
            category.groups.add(elected)
        found[slug] = category
    return found


def _load_topics(categories):
    User = get_user_model()
    people = {user.email: user for user in User.objects.all()}
    start = timezone.now() - dt.timedelta(days=12)
    # One trusted script writes the demo: no rate limit, no approval queue for these posts.
    with override_settings(FORUMS_POST_RATE=(10_000, 60), FORUMS_APPROVAL_FIRST_POSTS=0):
        for number, (slug, title, email, source, replies, pinned) in enumerate(TOPICS):
            when = start + dt.timedelta(days=3 * number)
            topic = services.topic_create(
                category=categories[slug], user=people[email], title=title, source=source
            )
            Topic.objects.filter(pk=topic.pk).update(
                created_at=when, last_activity_at=when, pinned=pinned
            )
            Post.objects.filter(topic=topic).update(created_at=when)
            for offset, (reply_email, reply) in enumerate(replies, start=1):
                post = services.post_create(topic=topic, user=people[reply_email], source=reply)
                moment = when + dt.timedelta(hours=5 * offset)
                Post.objects.filter(pk=post.pk).update(created_at=moment)
                Topic.objects.filter(pk=topic.pk).update(last_activity_at=moment)
    # Notifications date from their messages, as if the conversation had taken place.
    for notice in ForumNotification.objects.select_related("post"):
        ForumNotification.objects.filter(pk=notice.pk).update(created_at=notice.post.created_at)
    # A message waiting in the queue, so that moderators find something to do.
    if "member@essaim.example" in people:
        topic = Topic.objects.get(title=TOPICS[1][1])
        with override_settings(FORUMS_APPROVAL_FIRST_POSTS=100):
            services.post_create(
                topic=topic,
                user=people["member@essaim.example"],
                source="Chez nous, une appli de commande groupée a tout changé : https://exemple.org",
            )
