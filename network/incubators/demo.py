"""Demo incubators with programmes and calls in every state, dated from the moment the demo
is loaded. Idempotent: programmes that exist (by slug) are left as they are."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from network.directory.models import Actor, ActorStatus, LegalForm, Membership, Sector, Territory

from .models import Call, Programme
from .services import local_moment

# name, city, time zone, latitude, longitude, description
INCUBATORS = [
    (
        "Pépinière Solidaire Nantaise",
        "nantes",
        "Europe/Paris",
        Decimal("47.206000"),
        Decimal("-1.540000"),
        "Incubateur de projets de l’économie sociale et solidaire de la métropole nantaise.",
    ),
    (
        "Incubateur ESS de Dakar",
        "dakar",
        "Africa/Dakar",
        Decimal("14.693000"),
        Decimal("-17.447000"),
        "Accompagne les jeunes entreprises sociales et les groupements de femmes de Dakar.",
    ),
    (
        "Genève Impact Social",
        "geneve",
        "Europe/Zurich",
        Decimal("46.201000"),
        Decimal("6.146000"),
        "Programme genevois d’accompagnement des entreprises à impact social.",
    ),
    (
        "Maison de l’Entrepreneuriat de Banfora",
        "banfora",
        "Africa/Ouagadougou",
        Decimal("10.633000"),
        Decimal("-4.761000"),
        "Appui aux coopératives agricoles et énergétiques des Cascades.",
    ),
    (
        "Incubateur coopératif de Québec",
        "quebec",
        "America/Toronto",
        Decimal("46.810000"),
        Decimal("-71.215000"),
        "Incubateur des coopératives et entreprises d’économie sociale de la Capitale-Nationale.",
    ),
]

# incubator, name, support kinds, sectors, duration, cost, audience, eligibility, description
PROGRAMMES = [
    (
        "Pépinière Solidaire Nantaise",
        "Programme d’amorçage ESS",
        ["training", "mentoring", "advice"],
        ["alimentation", "recyclage-reemploi"],
        "6 mois, une journée par semaine",
        "",
        "Porteuses et porteurs de projet",
        "Projet d’utilité sociale implanté en Loire-Atlantique, au stade de l’idée ou du "
        "prototype.",
        "Six mois pour passer de l’idée au lancement\u00a0: ateliers collectifs, mentorat par des "
        "dirigeants de l’ESS et rendez-vous d’expertise.",
    ),
    (
        "Pépinière Solidaire Nantaise",
        "Hébergement en pépinière",
        ["hosting", "advice"],
        ["recyclage-reemploi", "numerique"],
        "Jusqu’à 3 ans",
        "150 € par mois et par poste",
        "Jeunes structures de l’ESS",
        "Structure de moins de trois ans, statut ESS.",
        "Bureaux, salle de réunion et atelier partagés au cœur de l’île de Nantes.",
    ),
    (
        "Incubateur ESS de Dakar",
        "Accélérateur Économie Verte",
        ["funding", "mentoring"],
        ["energie", "recyclage-reemploi"],
        "9 mois",
        "",
        "Jeunes entrepreneurs et groupements de femmes",
        "Entreprise ou groupement créé depuis moins de 5 ans, au Sénégal.",
        "Subvention d’amorçage jusqu’à 5 millions de francs CFA et accompagnement par des "
        "mentors du réseau.",
    ),
    (
        "Genève Impact Social",
        "Programme Impact Genève",
        ["training", "advice"],
        ["numerique", "services-personne"],
        "4 mois",
        "500 CHF (bourses possibles)",
        "Entrepreneuses et entrepreneurs sociaux",
        "Projet implanté dans le canton de Genève.",
        "Formation à la mesure d’impact, au modèle économique et au financement.",
    ),
    (
        "Maison de l’Entrepreneuriat de Banfora",
        "Fonds d’appui aux coopératives",
        ["funding", "training"],
        ["alimentation", "energie"],
        "12 mois",
        "",
        "Coopératives et groupements",
        "Coopérative ou groupement enregistré dans la région des Cascades.",
        "Prêts d’honneur et formation à la gestion pour les coopératives agricoles et "
        "énergétiques.",
    ),
    (
        "Incubateur coopératif de Québec",
        "Incubateur coopératif",
        ["hosting", "training", "mentoring"],
        ["habitat", "culture"],
        "1 an",
        "",
        "Groupes de fondateurs de coopératives",
        "Projet de coopérative ou d’OBNL dans la région de la Capitale-Nationale.",
        "Un an d’hébergement et d’accompagnement pour lancer votre coopérative.",
    ),
]

# programme, title, cadence, recurrence, opens (days from today), pre-deposit, closes,
# apply by link, apply by mail
CALLS = [
    ("Programme d’amorçage ESS", "Promotion d’automne (session passée)", "recurring",
     "deux promotions par an", -200, -180, -150, True, True),
    ("Programme d’amorçage ESS", "Promotion de printemps", "recurring",
     "deux promotions par an", -10, 10, 30, True, True),
    ("Hébergement en pépinière", "Candidatures au fil de l’eau", "permanent",
     "", -200, None, None, False, True),
    ("Accélérateur Économie Verte", "Appel 2026 – cohorte 1", "one_off",
     "", -40, None, 4, True, False),
    ("Accélérateur Économie Verte", "Appel 2026 – cohorte 2", "one_off",
     "", 20, 35, 60, True, False),
    ("Programme Impact Genève", "Session d’hiver", "recurring",
     "chaque trimestre", 10, None, 40, True, True),
    ("Fonds d’appui aux coopératives", "Appel aux coopératives", "one_off",
     "", -5, None, 45, False, True),
    ("Incubateur coopératif", "Cohorte de l’an dernier", "one_off",
     "", -70, -40, -10, True, False),
    ("Incubateur coopératif", "Nouvelle cohorte", "one_off",
     "", -2, None, 60, True, True),
]  # fmt: skip


@transaction.atomic
def load(stdout=None, *, now=None):
    now = now or timezone.now()
    territories = {t.slug: t for t in Territory.objects.all()}
    sectors = {s.slug: s for s in Sector.objects.all()}
    form = LegalForm.objects.filter(slug="association").first()
    incubators, zones = {}, {}
    for name, city, zone, lat, lon, description in INCUBATORS:
        slug = slugify(name)
        actor, _created = Actor.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "status": ActorStatus.PUBLISHED,
                "legal_form": form,
                "territory": territories.get(city),
                "latitude": lat,
                "longitude": lon,
                "description": description,
                "website": f"https://{slug}.example",
                "public_email": f"contact@{slug}.example",
                "languages": "français",
                "is_incubator": True,
                "published_at": now,
                "confirmed_at": now,
            },
        )
        incubators[name], zones[name] = actor, zone
    member = get_user_model().objects.filter(email="membre@essaim.example").first()
    if member is not None:
        Membership.objects.get_or_create(
            actor=incubators[INCUBATORS[0][0]],
            user=member,
            defaults={"role": Membership.Role.ADMIN, "status": Membership.Status.ACTIVE},
        )
    programmes = {}
    for (
        incubator,
        name,
        support,
        sector_slugs,
        duration,
        cost,
        audience,
        eligibility,
        text,
    ) in PROGRAMMES:
        programme, created = Programme.objects.get_or_create(
            slug=slugify(name),
            defaults={
                "actor": incubators[incubator],
                "name": name,
                "duration": duration,
                "cost": cost,
                "audience": audience,
                "eligibility": eligibility,
                "description": text,
                **{f"offers_{kind}": True for kind in support},
            },
        )
        if created:
            programme.sectors.set([sectors[s] for s in sector_slugs if s in sectors])
            programmes[name] = (programme, zones[incubator])
    today = now.date()
    for name, title, cadence, recurrence, opens, pre, closes, by_link, by_mail in CALLS:
        if name not in programmes:
            continue
        programme, zone = programmes[name]

        def day(offset):
            return today + dt.timedelta(days=offset)

        opens_at = local_moment(day(opens), dt.time(9, 0), zone)
        closes_at = local_moment(day(closes), None, zone) if closes is not None else None
        call = Call(
            programme=programme,
            title=title,
            cadence=cadence,
            recurrence=recurrence,
            time_zone=zone,
            opens_at=opens_at,
            pre_deposit_at=local_moment(day(pre), None, zone) if pre is not None else None,
            closes_at=closes_at,
            apply_url=f"https://{programme.actor.slug}.example/candidater" if by_link else "",
            apply_email=f"candidatures@{programme.actor.slug}.example" if by_mail else "",
            description=f"{programme.description}",
            # Calls already open were announced before the demo began.
            announced_at=now if opens_at <= now else None,
        )
        call.full_clean()
        call.save()
