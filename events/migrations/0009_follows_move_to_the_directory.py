"""The follows of sectors and territories now live in the directory (``network`` 0009 copied
them there): they leave ``Subscription``, which keeps kinds of events and series."""

from django.db import migrations, models


def let_go(apps, schema_editor):
    Subscription = apps.get_model("events", "Subscription")
    Subscription.objects.filter(target__in=("sector", "territory")).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0008_calendar_feed_token_moves_down'),
        ('notifications', '0004_subscriber_links_version'),
        ('network', '0009_follows'),
    ]

    operations = [
        # network 0009 copied them; backwards, it copies them back once the columns are back.
        migrations.RunPython(let_go, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='subscription',
            name='events_subscription_has_one_target',
        ),
        migrations.RemoveConstraint(
            model_name='subscription',
            name='events_subscription_sector_once',
        ),
        migrations.RemoveConstraint(
            model_name='subscription',
            name='events_subscription_territory_once',
        ),
        migrations.RemoveField(
            model_name='subscription',
            name='sector',
        ),
        migrations.RemoveField(
            model_name='subscription',
            name='territory',
        ),
        migrations.AlterField(
            model_name='subscription',
            name='target',
            field=models.CharField(choices=[('kind', 'Kind of event'), ('series', 'Series')], max_length=10, verbose_name='follows'),
        ),
        migrations.AddConstraint(
            model_name='subscription',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('event', None), ('target', 'kind'), models.Q(('kind', ''), _negated=True)), models.Q(('event__isnull', False), ('kind', ''), ('target', 'series')), _connector='OR'), name='events_subscription_kind_or_series'),
        ),
    ]
