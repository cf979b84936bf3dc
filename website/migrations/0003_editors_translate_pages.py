"""Editors and moderators may create the English version of a page (simple_translation).

Wagtail grants ``submit_translation`` to nobody by default; without it the "Translate"
action is shown to superusers only.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")

    content_type, _ = ContentType.objects.get_or_create(
        app_label="simple_translation", model="simpletranslation"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="submit_translation",
        defaults={"name": "Can submit translations"},
    )
    for group in Group.objects.filter(name__in=["Editors", "Moderators"]):
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("website", "0002_locales_and_permissions"),
        ("simple_translation", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
