"""Sectors and territories are followed in the directory (``Follow``), for events and
incubators' calls alike: every follow of a sector or a territory that ``events.Subscription``
held is copied here, with its subscriber and date; ``events`` 0009 then lets go of them.
Backwards, they are copied back before the table goes."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


TOPICS = ("sector", "territory")


def copy_follows(apps, schema_editor):
    Subscription = apps.get_model("events", "Subscription")
    Follow = apps.get_model("network", "Follow")
    Follow.objects.bulk_create(
        [
            Follow(
                subscriber_id=row.subscriber_id,
                target=row.target,
                sector_id=row.sector_id,
                territory_id=row.territory_id,
                created_at=row.created_at,
            )
            for row in Subscription.objects.filter(target__in=TOPICS).order_by("pk")
        ],
        ignore_conflicts=True,
    )


def copy_back(apps, schema_editor):
    Subscription = apps.get_model("events", "Subscription")
    Follow = apps.get_model("network", "Follow")
    Subscription.objects.bulk_create(
        [
            Subscription(
                subscriber_id=row.subscriber_id,
                target=row.target,
                sector_id=row.sector_id,
                territory_id=row.territory_id,
                created_at=row.created_at,
            )
            for row in Follow.objects.order_by("pk")
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('network', '0008_spaces_and_incubators_move_out'),
        ('notifications', '0004_subscriber_links_version'),
        ('events', '0008_calendar_feed_token_moves_down'),
    ]

    operations = [
        migrations.CreateModel(
            name='Follow',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('target', models.CharField(choices=[('sector', 'Sector'), ('territory', 'Territory')], max_length=10, verbose_name='follows')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                ('sector', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='network.sector')),
                ('subscriber', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='follows', to='notifications.subscriber')),
                ('territory', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='network.territory')),
            ],
            options={
                'verbose_name': 'followed sector or territory',
                'verbose_name_plural': 'followed sectors and territories',
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('sector__isnull', False), ('target', 'sector'), ('territory', None)), models.Q(('sector', None), ('target', 'territory'), ('territory__isnull', False)), _connector='OR'), name='network_follow_has_one_target'), models.UniqueConstraint(condition=models.Q(('target', 'sector')), fields=('subscriber', 'sector'), name='network_follow_sector_once'), models.UniqueConstraint(condition=models.Q(('target', 'territory')), fields=('subscriber', 'territory'), name='network_follow_territory_once')],
            },
        ),
        migrations.RunPython(copy_follows, copy_back),
    ]
