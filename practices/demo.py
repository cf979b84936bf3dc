"""Demo content of the good-practice library: experiences presented by the cities that spoke at
the AIMF colloquium of November 2013 (see the seeds' programme and recommendations).

Idempotent: the library is created once; when it already holds practices, nothing is added.
"""

from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.models import GroupPagePermission, Locale
from wagtail.rich_text import RichText

from network.directory.models import Actor, Sector, Territory
from website.models import HomePage, MainMenu, MainMenuItem

from .models import GoodPracticeDocument, GoodPracticeIndexPage, GoodPracticePage, PracticeTheme

# Places that spoke in 2013 and that the directory's vocabulary does not list yet:
# slug, name, kind, code, country, parent slug.
EXTRA_TERRITORIES = [
    ("benin", "Bénin", "country", "BJ", "BJ", None),
    ("lokossa", "Lokossa", "commune", "", "BJ", "benin"),
    ("nouvelle-aquitaine", "Nouvelle-Aquitaine", "region", "75", "FR", "france"),
    ("bordeaux", "Bordeaux", "commune", "33063", "FR", "nouvelle-aquitaine"),
]

# Who may propose and who publishes, on the library itself (Wagtail's page permissions):
# editors of every member city add and change practices, and submit them for moderation;
# moderators publish them through the "Moderators approval" workflow.
GROUP_PERMISSIONS = {
    "Editors": ["add_page", "change_page"],
    "Moderators": ["add_page", "change_page", "publish_page"],
}


def p(*paragraphs):
    return "".join(f"<p>{text}</p>" for text in paragraphs)


PRACTICES = [
    {
        "title": "Une politique municipale de l’ESS et ses facteurs clés de succès",
        "slug": "geneve-politique-ess",
        "theme": PracticeTheme.POLICY,
        "territory": "geneve",
        "organisation_name": "Ville de Genève – service Agenda 21 / Ville durable",
        "started_year": 2010,
        "summary": "Genève a fait de l’économie sociale et solidaire un axe de sa politique de ville durable : un engagement politique clair, une chambre de l’ESS comme interlocutrice et des critères partagés.",
        "body": p(
            "La Ville de Genève a inscrit le soutien à l’ESS dans son Agenda 21. Le service Ville durable coordonne l’action des services municipaux et dialogue avec la chambre de l’économie sociale et solidaire, qui fédère les structures du canton.",
            "Les facteurs clés de succès présentés au colloque de l’AIMF : une volonté politique affichée par l’exécutif, un interlocuteur unique pour les acteurs, des critères publics pour reconnaître une entreprise de l’ESS, et des moyens dédiés (subventions, locaux, accompagnement).",
        ),
        "results": p(
            "Une charte de l’ESS partagée par les services, des critères utilisés dans les subventions, et une visibilité accrue des structures lors des événements de la ville."
        ),
        "contact": (
            "Service Agenda 21 – Ville durable",
            "Cheffe de service",
            "agenda21@geneve.example",
            "+41 22 418 00 00",
        ),
        "sectors": ["recyclage-reemploi", "finance-solidaire"],
        "actors": ["Après-Genève Réemploi", "Banque Alternative Genève"],
        "english": {
            "title": "A municipal SSE policy and its key success factors",
            "slug": "geneva-sse-policy",
            "summary": "Geneva made the social and solidarity economy a pillar of its sustainable city policy: clear political commitment, an SSE chamber as partner and shared criteria.",
            "organisation_name": "City of Geneva – Agenda 21 / Sustainable city department",
            "body": p(
                "The City of Geneva wrote support for the SSE into its Agenda 21. The sustainable city department coordinates the city’s services and works with the chamber of the social and solidarity economy, which brings together the canton’s organisations.",
                "The key success factors presented at the AIMF colloquium: political will stated by the executive, a single partner for the actors, public criteria to recognise an SSE enterprise, and dedicated means (grants, premises, support).",
            ),
            "results": p(
                "An SSE charter shared by the city’s services, criteria used for grants, and more visibility for SSE organisations at the city’s events."
            ),
        },
    },
    {
        "title": "Des clauses sociales dans la commande publique municipale",
        "slug": "geneve-commande-publique-responsable",
        "theme": PracticeTheme.PROCUREMENT,
        "territory": "geneve",
        "organisation_name": "Ville de Genève",
        "started_year": 2012,
        "summary": "Réserver des lots et noter des critères sociaux et environnementaux pour que les structures de l’ESS accèdent aux marchés de la ville.",
        "body": p(
            "Les acheteurs de la ville découpent les marchés en lots accessibles aux petites structures, ajoutent des critères sociaux et environnementaux notés, et publient à l’avance le calendrier des achats.",
            "Des rencontres entre acheteurs et acteurs de l’ESS expliquent les procédures et les pièces à fournir.",
        ),
        "results": p(
            "Davantage de réponses de structures de l’ESS aux marchés de nettoyage, de restauration et de réemploi du mobilier."
        ),
        "contact": ("Service des achats", "", "achats@geneve.example", ""),
        "sectors": ["recyclage-reemploi", "insertion"],
        "actors": ["Insertion Genève Emploi", "Après-Genève Réemploi"],
    },
    {
        "title": "Un fonds municipal pour financer les initiatives solidaires",
        "slug": "dakar-fonds-developpement-solidarite-municipale",
        "theme": PracticeTheme.FUNDING,
        "territory": "dakar",
        "organisation_name": "Ville de Dakar – Fonds de développement et de solidarité municipale",
        "started_year": 2010,
        "summary": "Le Fonds de développement et de solidarité municipale (FDSM) finance par le microcrédit les activités génératrices de revenus des habitants, en particulier des femmes.",
        "body": p(
            "La Ville de Dakar a créé un fonds municipal qui accorde des prêts de petit montant, à taux réduit, aux groupements et aux porteurs de projets des quartiers.",
            "Les prêts s’accompagnent d’une formation à la gestion et d’un suivi par les agents municipaux ; les remboursements alimentent de nouveaux prêts.",
        ),
        "results": p(
            "Des milliers de bénéficiaires, majoritairement des femmes, des taux de remboursement élevés et un fonds qui se renouvelle."
        ),
        "contact": (
            "Direction du développement économique",
            "",
            "fdsm@dakar.example",
            "+221 33 800 00 00",
        ),
        "sectors": ["finance-solidaire", "alimentation"],
        "actors": ["Caisse Villageoise d’Épargne", "Groupement des Transformatrices de Céréales"],
        "english": {
            "title": "A municipal fund to finance solidarity initiatives",
            "slug": "dakar-municipal-solidarity-fund",
            "summary": "Dakar’s municipal development and solidarity fund (FDSM) lends small amounts to residents’ income-generating activities, especially women’s.",
            "organisation_name": "City of Dakar – Municipal development and solidarity fund",
            "body": p(
                "The City of Dakar set up a municipal fund that lends small amounts, at a reduced rate, to groups and project holders in its neighbourhoods.",
                "Each loan comes with training in management and follow-up by municipal staff; repayments fund new loans.",
            ),
            "results": p(
                "Thousands of borrowers, most of them women, high repayment rates and a fund that renews itself."
            ),
        },
    },
    {
        "title": "Accompagner les familles en situation d’extrême pauvreté",
        "slug": "dakar-appui-familles-extreme-pauvrete",
        "theme": PracticeTheme.INCLUSION,
        "territory": "dakar",
        "organisation_name": "Ville de Dakar",
        "started_year": 2011,
        "summary": "Un projet qui associe mutuelle de santé, activités génératrices de revenus et accompagnement social pour sortir des familles de l’extrême pauvreté.",
        "body": p(
            "Les familles repérées par les services sociaux et les associations de quartier adhèrent à une mutuelle de santé communautaire et reçoivent un appui pour lancer une petite activité.",
            "Des relais de quartier les accompagnent pendant deux ans et les mettent en lien avec les groupements d’épargne.",
        ),
        "results": p(
            "Des familles couvertes par une mutuelle, des revenus réguliers et des enfants maintenus à l’école."
        ),
        "contact": ("Direction de l’action sociale", "", "action-sociale@dakar.example", ""),
        "sectors": ["services-personne", "insertion"],
        "actors": ["Mutuelle de Santé de Grand Yoff", "Insertion Jeunes Sénégal"],
    },
    {
        "title": "Un centre de services pour le développement économique local",
        "slug": "banfora-centre-services-developpement-local",
        "theme": PracticeTheme.BUSINESS_SUPPORT,
        "territory": "banfora",
        "organisation_name": "Commune de Banfora – Centre de service et de développement économique local",
        "started_year": 2009,
        "summary": "Un guichet communal où les porteurs de projets trouvent information, formation, conseil et mise en relation avec les caisses d’épargne et de crédit.",
        "body": p(
            "La commune de Banfora a ouvert un centre de service qui accueille les porteurs de projets, les groupements et les coopératives : formalités, plan d’affaires, formation à la gestion, accès au crédit.",
            "Le centre organise chaque année une journée de rencontre entre producteurs, transformatrices et acheteurs.",
        ),
        "results": p(
            "Des groupements de karité et de maraîchage structurés en coopératives, et des prêts obtenus auprès des caisses populaires."
        ),
        "contact": (
            "Centre de service et de développement économique local",
            "",
            "csdel@banfora.example",
            "+226 20 91 00 00",
        ),
        "sectors": ["alimentation", "finance-solidaire"],
        "actors": [
            "Union des Groupements de Karité",
            "Caisse Populaire de Banfora",
            "Coopérative Maraîchère de la Comoé",
        ],
    },
    {
        "title": "Former et conseiller les créateurs d’entreprise",
        "slug": "lokossa-appui-creation-entreprise",
        "theme": PracticeTheme.TRAINING,
        "territory": "lokossa",
        "organisation_name": "Mairie de Lokossa",
        "started_year": 2011,
        "summary": "Des sessions de formation à la gestion et un conseil juridique pour les jeunes et les femmes qui créent leur activité.",
        "body": p(
            "La mairie de Lokossa réunit des formateurs, des structures de microfinance et des entrepreneurs expérimentés pour former les créateurs : choisir une forme juridique, tenir une comptabilité simple, fixer un prix.",
            "Chaque créateur est suivi par un parrain pendant sa première année.",
        ),
        "results": p(
            "Des activités qui passent le cap de la première année et un réseau de parrains qui s’étoffe."
        ),
        "contact": ("Service du développement local", "", "developpement@lokossa.example", ""),
        "sectors": ["insertion"],
        "actors": [],
    },
    {
        "title": "Soutenir l’ESS par une politique municipale transversale",
        "slug": "nantes-politique-ess",
        "theme": PracticeTheme.POLICY,
        "territory": "nantes",
        "organisation_name": "Ville de Nantes et Nantes Métropole",
        "started_year": 2008,
        "summary": "Un élu délégué, une mission ESS, des appels à projets annuels et un lieu ressource : Nantes soutient l’ESS dans toutes ses politiques.",
        "body": p(
            "Nantes confie l’ESS à un élu délégué et à une mission dédiée. Chaque année, un appel à projets finance les initiatives d’utilité sociale, et les structures disposent d’un lieu ressource.",
            "La collectivité cofinance l’accompagnement des créateurs et soutient les outils de finance solidaire du territoire.",
        ),
        "results": p(
            "Des dizaines de projets financés chaque année, un tissu d’acteurs structuré et un poids de l’ESS dans l’emploi local supérieur à la moyenne nationale."
        ),
        "contact": (
            "Mission économie sociale et solidaire",
            "",
            "ess@nantes.example",
            "+33 2 40 00 00 00",
        ),
        "sectors": ["recyclage-reemploi", "finance-solidaire", "mobilite"],
        "actors": ["Recyclerie du Breil", "Cigales de Loire-Atlantique", "Vélocité Solidaire"],
    },
    {
        "title": "Une commission paritaire de l’ESS qui se réunit chaque mois",
        "slug": "nantes-commission-paritaire-ess",
        "theme": PracticeTheme.COOPERATION,
        "territory": "nantes-metropole",
        "organisation_name": "Nantes Métropole",
        "started_year": 2012,
        "summary": "Élus, agents, chambres consulaires et acteurs de l’ESS se retrouvent chaque premier mardi du mois pour préparer ensemble les décisions.",
        "body": p(
            "La commission réunit des élus, des techniciens, les chambres de commerce, des métiers et de l’agriculture, et des représentants des acteurs. Son ordre du jour est public et ses comptes rendus sont diffusés.",
            "Chaque séance examine un projet de délibération et une question posée par les acteurs.",
        ),
        "results": p(
            "Des délibérations mieux préparées, un calendrier connu de tous et une confiance durable entre la collectivité et les acteurs."
        ),
        "contact": ("Secrétariat de la commission ESS", "", "commission-ess@nantes.example", ""),
        "sectors": ["culture", "recyclage-reemploi"],
        "actors": ["Culture en Partage", "Recyclerie du Breil"],
        "document": ("Composition et fonctionnement de la commission", "commission-ess-nantes.txt"),
    },
    {
        "title": "Le Comité bordelais pour l’initiative économique et solidaire",
        "slug": "bordeaux-comite-initiative-economique-solidaire",
        "theme": PracticeTheme.COOPERATION,
        "territory": "bordeaux",
        "organisation_name": "Comité bordelais pour l’initiative économique et solidaire",
        "started_year": 2010,
        "summary": "Un comité d’acteurs de l’ESS conseille la ville et diffuse les bonnes pratiques auprès des porteurs de projets.",
        "body": p(
            "La Ville de Bordeaux s’appuie sur un comité qui réunit des entrepreneurs de l’ESS, des financeurs solidaires et des réseaux d’accompagnement. Le comité rend des avis sur les projets soutenus par la ville.",
            "Ses membres animent des ateliers où les porteurs de projets rencontrent des structures qui ont déjà réussi.",
        ),
        "results": p(
            "Les recommandations de 2013 citent ce comité en exemple : recourir à l’expertise des acteurs du secteur pour diffuser les bonnes pratiques."
        ),
        "contact": ("Secrétariat du comité", "", "comite-ess@bordeaux.example", ""),
        "sectors": ["finance-solidaire"],
        "actors": [],
    },
    {
        "title": "La Maison de l’économie sociale, lieu ressource des acteurs",
        "slug": "saint-denis-maison-economie-sociale",
        "theme": PracticeTheme.PLACES,
        "territory": "saint-denis-reunion",
        "organisation_name": "Ville de Saint-Denis de La Réunion",
        "started_year": 2011,
        "summary": "Un lieu ouvert où les structures de l’ESS trouvent bureaux, salles de réunion, conseil et occasions de se rencontrer.",
        "body": p(
            "La ville met à disposition un bâtiment qui accueille des permanences de conseil juridique et comptable, des bureaux partagés et des salles de réunion réservables par les associations.",
            "Des rencontres mensuelles y réunissent acteurs, élus et financeurs.",
        ),
        "results": p(
            "Un lieu identifié par les acteurs de l’île, des salles occupées chaque semaine et des coopérations nées des rencontres."
        ),
        "contact": (
            "Maison de l’économie sociale",
            "Coordinatrice",
            "maison-ess@saintdenis.example",
            "+262 262 00 00 00",
        ),
        "sectors": ["recyclage-reemploi", "culture", "alimentation"],
        "actors": [
            "Ressourcerie de l’Est Réunion",
            "Maloya Culture Partagée",
            "Jardins Créoles Solidaires",
        ],
        "english": {
            "title": "The House of the social economy, a resource centre for actors",
            "slug": "saint-denis-house-of-the-social-economy",
            "summary": "An open building where SSE organisations find offices, meeting rooms, advice and chances to meet.",
            "organisation_name": "City of Saint-Denis, Réunion",
            "body": p(
                "The city provides a building with legal and accounting advice sessions, shared offices and meeting rooms that associations can book.",
                "Monthly meetings bring together actors, elected officials and funders.",
            ),
            "results": p(
                "A place known to the island’s actors, rooms in use every week and partnerships born at the meetings."
            ),
        },
    },
    {
        "title": "Une stratégie de développement local construite avec les acteurs",
        "slug": "namur-strategie-developpement-local",
        "theme": PracticeTheme.COOPERATION,
        "territory": "namur",
        "organisation_name": "Ville de Namur",
        "started_year": 2012,
        "summary": "Namur a élaboré sa stratégie pour l’ESS avec les acteurs du territoire, en ateliers ouverts, puis l’a suivie dans un comité partagé.",
        "body": p(
            "Un état des lieux des structures et de leurs besoins a ouvert la démarche. Des ateliers thématiques ont ensuite réuni acteurs, services communaux et partenaires pour fixer des priorités.",
            "Un comité de suivi se réunit deux fois par an pour mesurer l’avancement.",
        ),
        "results": p(
            "Un plan d’action partagé, des priorités connues de tous et des acteurs impliqués dans sa mise en œuvre."
        ),
        "contact": ("Échevinat de l’économie", "", "economie@namur.example", ""),
        "sectors": ["recyclage-reemploi", "habitat"],
        "actors": ["Ressourcerie Namuroise", "Agence Immobilière Sociale Namur"],
    },
    {
        "title": "Les pôles Cit’ESS : des pôles territoriaux d’appui aux acteurs",
        "slug": "poles-cit-ess",
        "theme": PracticeTheme.PLACES,
        "territory": None,
        "organisation_name": "Réseau des pôles Cit’ESS",
        "started_year": 2012,
        "summary": "Des pôles territoriaux qui regroupent, dans une optique intercommunale, les acteurs de l’ESS autour de services partagés.",
        "body": p(
            "Chaque pôle réunit sur un même territoire des structures de l’ESS, des collectivités et des partenaires : accueil des porteurs de projets, mutualisation de moyens, animation du réseau.",
            "Le réseau des pôles échange les outils et les méthodes qui ont fait leurs preuves.",
        ),
        "results": p(
            "Des coopérations économiques entre structures voisines et des services mutualisés qui réduisent les coûts de chacun."
        ),
        "contact": ("Animation du réseau Cit’ESS", "", "contact@cit-ess.example", ""),
        "sectors": ["insertion", "services-personne"],
        "actors": [],
    },
]


def load(stdout=None):
    locale_fr = Locale.objects.get(language_code="fr")
    home = HomePage.objects.get(locale=locale_fr, depth=2)
    index = GoodPracticeIndexPage.objects.child_of(home).first()
    if index is None:
        index = GoodPracticeIndexPage(
            title="Bonnes pratiques",
            slug="bonnes-pratiques",
            intro="Les expériences des villes et des réseaux membres, pour s’en inspirer et les reproduire : politiques locales, financement, accompagnement, concertation, lieux partagés.",
        )
        home.add_child(instance=index)
        index.save_revision().publish()
        english = index.copy_for_translation(Locale.objects.get(language_code="en"))
        english.title, english.slug = "Good practices", "good-practices"
        english.intro = "Experiences of member cities and networks, to learn from and reproduce: local policies, funding, support, dialogue, shared places."
        english.save_revision().publish()
        _add_to_menus(index)
    grant_permissions(index)
    if GoodPracticePage.objects.child_of(index).exists():
        return
    _load_territories()
    sectors = {s.slug: s for s in Sector.objects.all()}
    territories = {t.slug: t for t in Territory.objects.all()}
    actors = {a.name: a for a in Actor.objects.all()}
    for spec in PRACTICES:
        _practice(index, spec, sectors=sectors, territories=territories, actors=actors)


def grant_permissions(index):
    """Editors propose under the library, moderators publish (idempotent)."""
    for name, codenames in GROUP_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        for codename in codenames:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            )
            GroupPagePermission.objects.get_or_create(
                group=group, page=index, permission=permission
            )


def _load_territories():
    for slug, name, kind, code, country, parent in EXTRA_TERRITORIES:
        Territory.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "code": code,
                "country": country,
                "parent": Territory.objects.filter(slug=parent).first() if parent else None,
            },
        )


def _practice(index, spec, *, sectors, territories, actors):
    contact_name, contact_role, contact_email, contact_phone = spec["contact"]
    page = GoodPracticePage(
        title=spec["title"],
        slug=spec["slug"],
        theme=spec["theme"],
        territory=territories.get(spec["territory"]) if spec["territory"] else None,
        organisation_name=spec["organisation_name"],
        started_year=spec["started_year"],
        summary=spec["summary"],
        body=[("paragraph", RichText(spec["body"]))],
        results=spec["results"],
        contact_name=contact_name,
        contact_role=contact_role,
        contact_email=contact_email,
        contact_phone=contact_phone,
    )
    page.sectors.set([sectors[slug] for slug in spec["sectors"] if slug in sectors])
    page.actors.set([actors[name] for name in spec["actors"] if name in actors])
    if document := spec.get("document"):
        title, filename = document
        doc = Document(title=title)
        doc.file.save(filename, ContentFile(_document_text(spec).encode()), save=False)
        doc.save()
        page.attached_documents.add(GoodPracticeDocument(document=doc))
    index.add_child(instance=page)
    page.save_revision().publish()
    if english := spec.get("english"):
        page = GoodPracticePage.objects.get(pk=page.pk)
        translation = page.copy_for_translation(Locale.objects.get(language_code="en"))
        for name, value in english.items():
            setattr(
                translation, name, [("paragraph", RichText(value))] if name == "body" else value
            )
        translation.save_revision().publish()
    return page


def _document_text(spec):
    return (
        f"{spec['title']}\n\n{spec['summary']}\n\n"
        "Composition : élus, agents, chambres consulaires, représentants des acteurs de l’ESS.\n"
        "Séances : chaque premier mardi du mois, ordre du jour public, compte rendu diffusé.\n"
    )


def _add_to_menus(index):
    for menu in MainMenu.objects.all():
        if not menu.items.filter(link_page=index).exists():
            MainMenuItem.objects.create(menu=menu, link_page=index, sort_order=50)
