"""Meeting spaces and incubators leave the flat ``network`` app for ``network.spaces`` and
``network.incubators``: their models' state goes (the tables stay, under their names), and
their content types follow them, so that every permission granted on them, every admin log
entry and every reference Wagtail keeps still points at the same rows."""

from django.db import migrations

MOVED = {
    "spaces": ["space", "openinghours", "closure", "booking"],
    "incubators": ["programme", "call", "callalertoptout"],
}


def _relabel(apps, target_of):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for label, models in MOVED.items():
        source_label, target_label = target_of(label)
        for model in models:
            if ContentType.objects.filter(app_label=target_label, model=model).exists():
                continue
            ContentType.objects.filter(app_label=source_label, model=model).update(
                app_label=target_label
            )


def forwards(apps, schema_editor):
    _relabel(apps, lambda label: ("network", label))


def backwards(apps, schema_editor):
    _relabel(apps, lambda label: (label, "network"))


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0007_actor_search_trigram_indexes"),
        ("spaces", "0001_initial"),
        ("incubators", "0001_initial"),
        ("events", "0007_alter_eventpage_booking"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Booking"),
                migrations.DeleteModel(name="Closure"),
                migrations.DeleteModel(name="OpeningHours"),
                migrations.DeleteModel(name="Space"),
                migrations.DeleteModel(name="Call"),
                migrations.DeleteModel(name="CallAlertOptOut"),
                migrations.DeleteModel(name="Programme"),
            ]
        ),
        migrations.RunPython(forwards, backwards),
    ]
