"""Demo content of the network: the sectors (filières) and territories the other demos refer
to, and a directory of about 60 actors in the network's cities, with memberships, two
umbrella networks, needs and offers that match, and one actor waiting for review."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from .models import (
    Actor,
    ActorChange,
    ActorStatus,
    LegalForm,
    Membership,
    NeedOffer,
    Sector,
    Territory,
    UmbrellaMembership,
)

SECTORS = [
    ("alimentation", "Alimentation", "Food"),
    ("recyclage-reemploi", "Recyclage et réemploi", "Recycling and reuse"),
    ("habitat", "Habitat", "Housing"),
    ("mobilite", "Mobilité", "Mobility"),
    ("culture", "Culture", "Culture"),
    ("services-personne", "Services à la personne", "Personal services"),
    ("finance-solidaire", "Finance solidaire", "Solidarity finance"),
    ("energie", "Énergie", "Energy"),
    ("numerique", "Numérique", "Digital"),
    ("insertion", "Insertion par l’activité économique", "Work integration"),
]

# slug, name, kind, code, country, parent slug
TERRITORIES = [
    ("france", "France", "country", "FR", "FR", None),
    ("senegal", "Sénégal", "country", "SN", "SN", None),
    ("canada", "Canada", "country", "CA", "CA", None),
    ("burkina-faso", "Burkina Faso", "country", "BF", "BF", None),
    ("pays-de-la-loire", "Pays de la Loire", "region", "52", "FR", "france"),
    ("la-reunion", "La Réunion", "region", "04", "FR", "france"),
    (
        "nantes-metropole",
        "Nantes Métropole",
        "intercommunality",
        "244400404",
        "FR",
        "pays-de-la-loire",
    ),
    ("nantes", "Nantes", "commune", "44109", "FR", "nantes-metropole"),
    ("saint-denis-reunion", "Saint-Denis (La Réunion)", "commune", "97411", "RE", "la-reunion"),
    ("dakar", "Dakar", "commune", "", "SN", "senegal"),
    ("quebec", "Québec", "commune", "", "CA", "canada"),
    ("banfora", "Banfora", "commune", "", "BF", "burkina-faso"),
    ("suisse", "Suisse", "country", "CH", "CH", None),
    ("geneve", "Genève", "commune", "6621", "CH", "suisse"),
    ("belgique", "Belgique", "country", "BE", "BE", None),
    ("namur", "Namur", "commune", "92094", "BE", "belgique"),
]


def load(stdout=None):
    load_vocabularies()
    load_directory()
    _add_to_menus()


def _add_to_menus():
    from website.models import MainMenu, MainMenuItem

    labels = {"fr": "Annuaire", "en": "Directory"}
    for menu in MainMenu.objects.select_related("locale"):
        code = menu.locale.language_code
        url = f"/{code}/directory/"
        if not menu.items.filter(link_url=url).exists():
            MainMenuItem.objects.create(
                menu=menu, link_url=url, link_text=labels.get(code, "Annuaire"), sort_order=40
            )


def load_vocabularies():
    for slug, name_fr, name_en in SECTORS:
        Sector.objects.get_or_create(slug=slug, defaults={"name_fr": name_fr, "name_en": name_en})
    for slug, name, kind, code, country, parent in TERRITORIES:
        Territory.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "code": code,
                "country": country,
                "parent": Territory.objects.get(slug=parent) if parent else None,
            },
        )


# city slug: (latitude, longitude) of its centre; actors are spread around it.
CITY_CENTRES = {
    "nantes": (Decimal("47.218371"), Decimal("-1.553621")),
    "dakar": (Decimal("14.716677"), Decimal("-17.467686")),
    "quebec": (Decimal("46.813878"), Decimal("-71.207981")),
    "geneve": (Decimal("46.204391"), Decimal("6.143158")),
    "namur": (Decimal("50.467388"), Decimal("4.871985")),
    "saint-denis-reunion": (Decimal("-20.882057"), Decimal("55.450675")),
    "banfora": (Decimal("10.633333"), Decimal("-4.766667")),
}

# name, legal form, sectors, city, description
ACTORS = [
    (
        "Recyclerie du Breil",
        "association",
        ["recyclage-reemploi"],
        "nantes",
        "Collecte, répare et revend objets et meubles ; ateliers de réparation ouverts à tous.",
    ),
    (
        "Coopérative Les Paniers Nantais",
        "scic",
        ["alimentation"],
        "nantes",
        "Paniers de légumes bio des fermes de Loire-Atlantique, livrés en points relais.",
    ),
    (
        "Vélocité Solidaire",
        "association",
        ["mobilite", "insertion"],
        "nantes",
        "Atelier vélo participatif et chantier d’insertion de réparation de cycles.",
    ),
    (
        "Habitat Partagé Loire",
        "scic",
        ["habitat"],
        "nantes",
        "Accompagne les projets d’habitat participatif et de colocations solidaires.",
    ),
    (
        "Énergies Citoyennes 44",
        "scic",
        ["energie"],
        "nantes",
        "Installe des centrales solaires citoyennes sur les toits publics.",
    ),
    (
        "Le Labo Numérique Solidaire",
        "association",
        ["numerique"],
        "nantes",
        "Reconditionne des ordinateurs et forme aux usages numériques.",
    ),
    (
        "Culture en Partage",
        "association",
        ["culture"],
        "nantes",
        "Billetterie solidaire et médiation culturelle dans les quartiers.",
    ),
    (
        "Mutuelle Entraide Atlantique",
        "mutuelle",
        ["services-personne"],
        "nantes",
        "Mutuelle de santé à gouvernance démocratique.",
    ),
    (
        "Cigales de Loire-Atlantique",
        "association",
        ["finance-solidaire"],
        "nantes",
        "Clubs d’investisseurs citoyens pour l’économie locale.",
    ),
    (
        "Scop Bois et Construction",
        "scop",
        ["habitat"],
        "nantes",
        "Charpente et menuiserie en bois local, coopérative de salariés.",
    ),
    (
        "Ressourcerie de la Médina",
        "association",
        ["recyclage-reemploi"],
        "dakar",
        "Réemploi des déchets plastiques et textiles, ateliers de couture.",
    ),
    (
        "Groupement des Transformatrices de Céréales",
        "cooperative",
        ["alimentation"],
        "dakar",
        "Transformation et vente de céréales locales par des groupements de femmes.",
    ),
    (
        "Mutuelle de Santé de Grand Yoff",
        "mutuelle",
        ["services-personne"],
        "dakar",
        "Couverture santé communautaire pour les familles du quartier.",
    ),
    (
        "Dakar Solaire Coopératif",
        "cooperative",
        ["energie"],
        "dakar",
        "Kits solaires pour les commerces et les écoles.",
    ),
    (
        "Jokkolabs Solidaire",
        "association",
        ["numerique"],
        "dakar",
        "Espace de travail partagé et formation au numérique pour les jeunes.",
    ),
    (
        "Caisse Villageoise d’Épargne",
        "cooperative",
        ["finance-solidaire"],
        "dakar",
        "Microcrédit et épargne pour les activités génératrices de revenus.",
    ),
    (
        "Théâtre des Quartiers",
        "association",
        ["culture"],
        "dakar",
        "Théâtre forum et création artistique dans les quartiers populaires.",
    ),
    (
        "Mobilité Verte Dakar",
        "esus",
        ["mobilite"],
        "dakar",
        "Livraison à vélo cargo et réparation de deux-roues.",
    ),
    (
        "Habitat Social Pikine",
        "association",
        ["habitat"],
        "dakar",
        "Auto-construction accompagnée et amélioration de l’habitat.",
    ),
    (
        "Insertion Jeunes Sénégal",
        "association",
        ["insertion"],
        "dakar",
        "Chantiers-écoles et formation professionnelle pour les jeunes.",
    ),
    (
        "Coop Alimentaire de Limoilou",
        "cooperative",
        ["alimentation"],
        "quebec",
        "Épicerie coopérative de produits locaux et en vrac.",
    ),
    (
        "Recycle Québec Solidaire",
        "esus",
        ["recyclage-reemploi"],
        "quebec",
        "Collecte et réemploi des matériaux de construction.",
    ),
    (
        "Coopérative d’Habitation du Vieux-Port",
        "cooperative",
        ["habitat"],
        "quebec",
        "Logements coopératifs abordables au centre-ville.",
    ),
    (
        "Caisse d’Économie Solidaire",
        "cooperative",
        ["finance-solidaire"],
        "quebec",
        "Institution financière au service de l’économie sociale.",
    ),
    (
        "Vélo Québec Partage",
        "association",
        ["mobilite"],
        "quebec",
        "Vélos en libre-service et ateliers d’entretien.",
    ),
    (
        "Ateliers Numériques de Saint-Roch",
        "association",
        ["numerique", "insertion"],
        "quebec",
        "Formation au numérique et insertion par le travail.",
    ),
    (
        "Maison de la Culture Populaire",
        "association",
        ["culture"],
        "quebec",
        "Diffusion culturelle et ateliers d’art communautaire.",
    ),
    (
        "Coop de Soutien à Domicile",
        "cooperative",
        ["services-personne"],
        "quebec",
        "Aide à domicile pour les personnes âgées.",
    ),
    (
        "Énergie Solidaire Capitale",
        "cooperative",
        ["energie"],
        "quebec",
        "Efficacité énergétique pour les ménages à faible revenu.",
    ),
    (
        "Après-Genève Réemploi",
        "association",
        ["recyclage-reemploi"],
        "geneve",
        "Boutique de seconde main et réparation d’électroménager.",
    ),
    (
        "Les Jardins de Cocagne Genève",
        "cooperative",
        ["alimentation"],
        "geneve",
        "Maraîchage biologique en agriculture contractuelle de proximité.",
    ),
    (
        "Fondation Logement Solidaire",
        "fondation",
        ["habitat"],
        "geneve",
        "Logements temporaires pour les personnes en difficulté.",
    ),
    (
        "Banque Alternative Genève",
        "cooperative",
        ["finance-solidaire"],
        "geneve",
        "Crédits et placements éthiques.",
    ),
    (
        "Mobilité Douce Léman",
        "association",
        ["mobilite"],
        "geneve",
        "Promotion de la marche et du vélo, vélo-école.",
    ),
    (
        "Genève Numérique Inclusif",
        "association",
        ["numerique"],
        "geneve",
        "Permanences numériques et accès aux droits en ligne.",
    ),
    (
        "Théâtre Coopératif du Rhône",
        "cooperative",
        ["culture"],
        "geneve",
        "Coopérative d’artistes et de techniciens du spectacle.",
    ),
    (
        "Coopérative Solaire Genevoise",
        "cooperative",
        ["energie"],
        "geneve",
        "Toitures solaires participatives.",
    ),
    (
        "Insertion Genève Emploi",
        "association",
        ["insertion"],
        "geneve",
        "Entreprise d’insertion en nettoyage et logistique.",
    ),
    (
        "Ressourcerie Namuroise",
        "association",
        ["recyclage-reemploi"],
        "namur",
        "Collecte d’encombrants et magasin de seconde main.",
    ),
    (
        "Coopérative Paysanne de Namur",
        "cooperative",
        ["alimentation"],
        "namur",
        "Circuit court entre producteurs wallons et consommateurs.",
    ),
    (
        "Agence Immobilière Sociale Namur",
        "association",
        ["habitat"],
        "namur",
        "Gestion de logements privés à loyers modérés.",
    ),
    (
        "Crédal Namur",
        "cooperative",
        ["finance-solidaire"],
        "namur",
        "Microcrédit et placements solidaires.",
    ),
    (
        "Namur Vélo Partagé",
        "association",
        ["mobilite"],
        "namur",
        "Location et réparation de vélos.",
    ),
    (
        "Culture Solidaire Wallonie",
        "association",
        ["culture"],
        "namur",
        "Accès à la culture pour les publics précarisés.",
    ),
    (
        "Aide Familiale Namur",
        "association",
        ["services-personne"],
        "namur",
        "Aides familiales et gardes à domicile.",
    ),
    (
        "Energie Citoyenne Meuse",
        "cooperative",
        ["energie"],
        "namur",
        "Éoliennes et installations photovoltaïques citoyennes.",
    ),
    (
        "Ressourcerie de l’Est Réunion",
        "association",
        ["recyclage-reemploi"],
        "saint-denis-reunion",
        "Réemploi et sensibilisation au tri.",
    ),
    (
        "Jardins Créoles Solidaires",
        "association",
        ["alimentation", "insertion"],
        "saint-denis-reunion",
        "Jardins partagés et chantier d’insertion maraîcher.",
    ),
    (
        "Scop Kaz Solidaire",
        "scop",
        ["habitat"],
        "saint-denis-reunion",
        "Rénovation énergétique de cases créoles.",
    ),
    (
        "Mutuelle Solidarité Réunion",
        "mutuelle",
        ["services-personne"],
        "saint-denis-reunion",
        "Prévoyance et santé pour les travailleurs indépendants.",
    ),
    (
        "Réunion Numérique Pour Tous",
        "association",
        ["numerique"],
        "saint-denis-reunion",
        "Médiation numérique itinérante.",
    ),
    (
        "Maloya Culture Partagée",
        "association",
        ["culture"],
        "saint-denis-reunion",
        "Transmission du maloya et événements culturels.",
    ),
    (
        "Union des Groupements de Karité",
        "cooperative",
        ["alimentation"],
        "banfora",
        "Transformation du karité par des coopératives de femmes.",
    ),
    (
        "Banfora Solaire",
        "cooperative",
        ["energie"],
        "banfora",
        "Électrification solaire des villages.",
    ),
    (
        "Caisse Populaire de Banfora",
        "cooperative",
        ["finance-solidaire"],
        "banfora",
        "Épargne et crédit de proximité.",
    ),
    (
        "Atelier Textile du Faso",
        "association",
        ["culture", "insertion"],
        "banfora",
        "Tissage du Faso Dan Fani et formation des jeunes.",
    ),
    (
        "Coopérative d’Aide à Domicile du Léman",
        "cooperative",
        ["services-personne"],
        "geneve",
        "Aide et soins à domicile, gouvernance partagée entre salariés et usagers.",
    ),
    (
        "Atelier Numérique Namurois",
        "association",
        ["numerique", "insertion"],
        "namur",
        "Reconditionnement d’ordinateurs par des personnes en insertion.",
    ),
    (
        "Coopérative Maraîchère de la Comoé",
        "cooperative",
        ["alimentation"],
        "banfora",
        "Maraîchage et irrigation goutte à goutte.",
    ),
]

# name, sectors, city, description: the two umbrella networks
UMBRELLAS = [
    (
        "Chambre régionale de l’ESS des Pays de la Loire",
        ["insertion"],
        "nantes",
        "La structure faîtière des acteurs de l’ESS de la région : représentation, accompagnement, observatoire.",
    ),
    (
        "Réseau francophone des ressourceries",
        ["recyclage-reemploi"],
        "namur",
        "Fédère les ressourceries et recycleries de la francophonie : formations, échanges, plaidoyer.",
    ),
]

# umbrella index: names of its member actors
UMBRELLA_MEMBERS = {
    0: [
        "Recyclerie du Breil",
        "Coopérative Les Paniers Nantais",
        "Vélocité Solidaire",
        "Habitat Partagé Loire",
        "Énergies Citoyennes 44",
        "Cigales de Loire-Atlantique",
    ],
    1: [
        "Recyclerie du Breil",
        "Ressourcerie de la Médina",
        "Recycle Québec Solidaire",
        "Après-Genève Réemploi",
        "Ressourcerie Namuroise",
        "Ressourcerie de l’Est Réunion",
    ],
}

# actor, kind, category, title: needs and offers that the matching page pairs up
NEEDS_OFFERS = [
    ("Recyclerie du Breil", "need", "premises", "Un local de stockage de 100 m² à Nantes"),
    (
        "Habitat Partagé Loire",
        "offer",
        "premises",
        "Un entrepôt partagé disponible deux jours par semaine",
    ),
    ("Recyclerie du Breil", "offer", "skills", "Formation à la réparation de petit électroménager"),
    ("Après-Genève Réemploi", "need", "skills", "Apprendre à réparer l’électroménager"),
    ("Ressourcerie de la Médina", "need", "equipment", "Machines à coudre professionnelles"),
    ("Ressourcerie Namuroise", "offer", "equipment", "Machines à coudre à donner"),
    ("Vélocité Solidaire", "need", "volunteers", "Bénévoles pour l’atelier du samedi"),
    (
        "Culture en Partage",
        "offer",
        "volunteers",
        "Une équipe de bénévoles disponible pour des événements",
    ),
    ("Banfora Solaire", "need", "funding", "Financement de 20 kits solaires pour une école"),
    ("Union des Groupements de Karité", "offer", "mentoring", "Parrainage de jeunes coopératives"),
    ("Caisse Populaire de Banfora", "offer", "funding", "Microcrédits pour projets d’énergie"),
    ("Coop Alimentaire de Limoilou", "need", "purchasing", "Groupement d’achat de bocaux en verre"),
    (
        "Coopérative d’Habitation du Vieux-Port",
        "offer",
        "purchasing",
        "Commande groupée de fournitures",
    ),
]

PENDING_ACTOR = (
    "Café associatif Le Lien",
    "association",
    ["culture"],
    "nantes",
    "Café associatif et lieu de rencontre intergénérationnel, en attente de validation.",
)


def _offset(n):
    # Spread actors a few kilometres around the centre, deterministically.
    return Decimal((n * 37) % 11 - 5) / Decimal(200), Decimal((n * 53) % 13 - 6) / Decimal(150)


@transaction.atomic
def load_directory():
    """Idempotent: actors that exist (by slug) are left as they are; all new ones are
    created in a few bulk queries."""
    _grant_moderators()
    forms = {form.slug: form for form in LegalForm.objects.all()}
    sectors = {sector.slug: sector for sector in Sector.objects.all()}
    territories = {t.slug: t for t in Territory.objects.filter(slug__in=CITY_CENTRES)}
    now = timezone.now()
    specs = [(*spec, False, ActorStatus.PUBLISHED) for spec in ACTORS]
    specs += [(n, "association", s, c, d, True, ActorStatus.PUBLISHED) for n, s, c, d in UMBRELLAS]
    specs.append((*PENDING_ACTOR, False, ActorStatus.PENDING))
    existing = set(
        Actor.objects.filter(slug__in=[slugify(s[0]) for s in specs]).values_list("slug", flat=True)
    )
    new, new_sectors = [], []
    for n, (name, form, sector_slugs, city, description, umbrella, status) in enumerate(specs):
        slug = slugify(name)
        if slug in existing:
            continue
        lat, lon = CITY_CENTRES[city]
        dlat, dlon = _offset(n)
        published = status == ActorStatus.PUBLISHED
        # Spread first publications over the last two years for the statistics' months.
        published_at = now - dt.timedelta(days=(n * 13) % 700) if published else None
        actor = Actor(
            name=name,
            slug=slug,
            status=status,
            legal_form=forms.get(form),
            territory=territories[city],
            latitude=lat + dlat,
            longitude=lon + dlon,
            description=description,
            website=f"https://{slug}.example",
            public_email=f"contact@{slug}.example",
            private_contact_name="Responsable (privé)",
            private_email=f"direction@{slug}.example",
            private_phone="+33 6 00 00 00 00",
            year_founded=1990 + (n * 7) % 34,
            languages="français",
            is_umbrella=umbrella,
            published_at=published_at,
            confirmed_at=published_at,
            created_at=published_at or now,
        )
        new.append(actor)
        new_sectors.append([sectors[s] for s in sector_slugs])
    Actor.objects.bulk_create(new)
    saved = {a.slug: a for a in Actor.objects.filter(slug__in=[a.slug for a in new])}
    through = Actor.sectors.through
    through.objects.bulk_create(
        [
            through(actor_id=saved[actor.slug].pk, sector_id=sector.pk)
            for actor, sector_list in zip(new, new_sectors, strict=True)
            for sector in sector_list
        ]
    )
    by_name = {a.name: a for a in Actor.objects.filter(name__in=[s[0] for s in specs])}
    Actor.objects.filter(name=PENDING_ACTOR[0], created_by__isnull=True).update(
        created_by=get_user_model().objects.filter(email="membre@essaim.example").first()
    )
    _load_memberships(by_name)
    _load_pending_change(by_name)
    _load_umbrellas(by_name)
    _load_needs_offers(by_name, new_actors={a.name for a in new})


def _grant_moderators():
    """The data migration gives moderators these rights; tests that flush the database
    recreate the group without them."""
    group = Group.objects.filter(name="Moderators").first()
    if group is None:
        return
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="network",
            codename__in=[
                "moderate_actor",
                "change_actor",
                "view_actor",
                "add_actor",
                "add_sector",
                "change_sector",
                "view_sector",
                "add_territory",
                "change_territory",
                "view_territory",
                "add_legalform",
                "change_legalform",
                "view_legalform",
            ],
        )
    )


def _load_memberships(by_name):
    User = get_user_model()
    people = {
        u.email: u
        for u in User.objects.filter(
            email__in=["membre@essaim.example", "member@essaim.example", "admin@essaim.example"]
        )
    }
    wanted = [
        (
            "membre@essaim.example",
            "Recyclerie du Breil",
            Membership.Role.ADMIN,
            Membership.Status.ACTIVE,
        ),
        (
            "membre@essaim.example",
            "Café associatif Le Lien",
            Membership.Role.ADMIN,
            Membership.Status.ACTIVE,
        ),
        (
            "member@essaim.example",
            "Coop Alimentaire de Limoilou",
            Membership.Role.ADMIN,
            Membership.Status.ACTIVE,
        ),
        (
            "member@essaim.example",
            "Recyclerie du Breil",
            Membership.Role.MEMBER,
            Membership.Status.PENDING,
        ),
        (
            "admin@essaim.example",
            "Chambre régionale de l’ESS des Pays de la Loire",
            Membership.Role.ADMIN,
            Membership.Status.ACTIVE,
        ),
        (
            "admin@essaim.example",
            "Réseau francophone des ressourceries",
            Membership.Role.ADMIN,
            Membership.Status.ACTIVE,
        ),
    ]
    for email, actor_name, role, status in wanted:
        if email in people and actor_name in by_name:
            Membership.objects.get_or_create(
                actor=by_name[actor_name],
                user=people[email],
                defaults={"role": role, "status": status},
            )


def _load_pending_change(by_name):
    """A change proposed by an actor admin, waiting in the moderators' queue."""
    actor = by_name["Recyclerie du Breil"]
    if actor.changes.exists():
        return
    ActorChange.objects.create(
        actor=actor,
        proposed_by=get_user_model().objects.filter(email="membre@essaim.example").first(),
        data={
            "description": (
                "Collecte, répare et revend objets et meubles ; ateliers de réparation ouverts "
                "à tous le samedi, et un nouveau rayon de vélos reconditionnés."
            ),
            "public_phone": "+33 2 40 00 00 00",
        },
    )


def _load_umbrellas(by_name):
    for index, members in UMBRELLA_MEMBERS.items():
        umbrella = by_name[UMBRELLAS[index][0]]
        for name in members:
            UmbrellaMembership.objects.get_or_create(
                umbrella=umbrella,
                member=by_name[name],
                defaults={"status": UmbrellaMembership.Status.APPROVED},
            )
    # One request waiting for the Pays de la Loire umbrella's admins.
    UmbrellaMembership.objects.get_or_create(
        umbrella=by_name[UMBRELLAS[0][0]],
        member=by_name["Culture en Partage"],
        defaults={"status": UmbrellaMembership.Status.PENDING},
    )


def _load_needs_offers(by_name, new_actors):
    today = timezone.localdate()
    items = [
        NeedOffer(
            actor=by_name[name],
            kind=kind,
            category=category,
            title=title,
            expires_on=today + dt.timedelta(days=120 + 10 * n),
        )
        for n, (name, kind, category, title) in enumerate(NEEDS_OFFERS)
        if name in new_actors
    ]
    NeedOffer.objects.bulk_create(items)
