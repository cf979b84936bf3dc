"""The tokens of personal feeds now belong to ``website.calendars``: their state leaves events
(the table stays), and their content type follows them, keeping its id."""

from django.db import migrations


def relabel(source, target):
    def run(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        if not ContentType.objects.filter(app_label=target, model="calendarfeedtoken").exists():
            ContentType.objects.filter(app_label=source, model="calendarfeedtoken").update(
                app_label=target
            )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0007_alter_eventpage_booking"),
        ("calendars", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CalendarFeedToken")]
        ),
        migrations.RunPython(relabel("events", "calendars"), relabel("calendars", "events")),
    ]
