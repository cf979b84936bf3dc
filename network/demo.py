"""Demo vocabularies: the sectors (filières) and territories the other demos refer to."""

from .models import Sector, Territory

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
]


def load(stdout=None):
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
