"""The legal forms of the ESS (French law of 31 July 2014, article 1) as a starting list, and
what moderators may do in the directory: approve actors and changes, curate the vocabularies."""

from django.db import migrations

LEGAL_FORMS = [
    ("association", "Association", "Association", 10),
    ("scop", "SCOP", "Worker cooperative (SCOP)", 20),
    ("scic", "SCIC", "Multi-stakeholder cooperative (SCIC)", 30),
    ("cooperative", "Autre coopérative", "Other cooperative", 40),
    ("mutuelle", "Mutuelle", "Mutual", 50),
    ("fondation", "Fondation", "Foundation", 60),
    ("esus", "Entreprise solidaire d’utilité sociale (ESUS)", "Social utility company (ESUS)", 70),
    ("collectivite", "Collectivité", "Local authority", 80),
    ("autre", "Autre", "Other", 90),
]

# (model, actions) moderators get; "moderate_actor" is the approval queue itself.
MODERATOR_PERMISSIONS = [
    ("actor", ["moderate", "add", "change", "view"]),
    ("legalform", ["add", "change", "delete", "view"]),
    ("sector", ["add", "change", "delete", "view"]),
    ("territory", ["add", "change", "delete", "view"]),
]


def grant_moderators(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group = Group.objects.filter(name="Moderators").first()
    if group is None:
        return
    granted = []
    for model, actions in MODERATOR_PERMISSIONS:
        content_type, _ = ContentType.objects.get_or_create(app_label="network", model=model)
        for action in actions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {model}"},
            )
            granted.append(permission)
    group.permissions.add(*granted)


def forwards(apps, schema_editor):
    LegalForm = apps.get_model("network", "LegalForm")
    for slug, name_fr, name_en, order in LEGAL_FORMS:
        LegalForm.objects.get_or_create(
            slug=slug,
            defaults={"name_fr": name_fr, "name_en": name_en, "sort_order": order},
        )
    grant_moderators(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0002_directory"),
        ("website", "0002_locales_and_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
