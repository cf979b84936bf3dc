"""Following sectors and territories: the one place where who follows what is kept and read.

Events announce what is published to the followers of its sectors and territory (and of the
broader ones that contain them); incubators' calls reach the same people. The preferences,
unsubscribe links and confirmation mails of ``events`` hand the sector and territory targets
they receive to ``follows_add`` and ``follow_remove`` here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet

from website.accounts.selectors import when
from website.notifications.models import Subscriber

from .models import Follow, Sector, Territory
from .selectors import with_ancestors

TARGETS = (Follow.Target.SECTOR, Follow.Target.TERRITORY)


def follow_fields(target: str, value: Any) -> dict[str, Any] | None:
    """The fields of a follow of ``target`` ("sector" or "territory") ``value`` (a primary
    key), or None when no such sector or territory exists."""
    model = {Follow.Target.SECTOR: Sector, Follow.Target.TERRITORY: Territory}.get(target)
    if model is None or not str(value).isdigit() or not model.objects.filter(pk=value).exists():
        return None
    return {"target": target, f"{target}_id": int(value)}


@transaction.atomic
def follows_add(*, subscriber: Subscriber, fields: Iterable[dict[str, Any]]) -> list[Follow]:
    """Follow each of ``fields`` (from ``follow_fields``); what is followed already stays."""
    created = []
    for values in fields:
        follow, is_new = Follow.objects.get_or_create(subscriber=subscriber, **values)
        if is_new:
            created.append(follow)
    return created


def follow_remove(*, follow: Follow, subscriber: Subscriber) -> None:
    """Stop following one sector or territory. Only its follower may."""
    if follow.subscriber_id != subscriber.pk:
        raise PermissionDenied
    follow.delete()


def follows_remove_all(*, subscriber: Subscriber) -> None:
    """Stop following every sector and territory (an unsubscribe link from the topics)."""
    Follow.objects.filter(subscriber=subscriber).delete()


def followers_q(*, sectors: Iterable[Sector | None], territories: Iterable[Territory | None]) -> Q:
    """Who follows one of ``sectors`` or ``territories``, or a broader one that contains it, as
    a filter on ``Subscriber`` (to combine with other follows)."""
    sector_ids, territory_ids = with_ancestors(sectors), with_ancestors(territories)
    follows = Q(pk__in=[])
    if sector_ids:
        follows |= Q(follows__target=Follow.Target.SECTOR, follows__sector__in=sector_ids)
    if territory_ids:
        follows |= Q(follows__target=Follow.Target.TERRITORY, follows__territory__in=territory_ids)
    return follows


def followers(
    *, sectors: Iterable[Sector | None], territories: Iterable[Territory | None]
) -> QuerySet[Subscriber]:
    """Subscribers who follow one of ``sectors`` or ``territories`` (or a broader one)."""
    return Subscriber.objects.filter(
        followers_q(sectors=sectors, territories=territories)
    ).distinct()


def follows_of(subscriber: Subscriber) -> list[Follow]:
    return list(subscriber.follows.select_related("sector", "territory").order_by("target", "pk"))


def subscriber_follows(subscriber: Subscriber) -> list[dict[str, Any]]:
    """What a subscriber follows here, for their export (the fields of ``events``' follows)."""
    return [
        {
            "target": follow.target,
            "kind": None,
            "sector": follow.sector.slug if follow.sector else None,
            "territory": follow.territory.slug if follow.territory else None,
            "series": None,
            "since": when(follow.created_at),
        }
        for follow in follows_of(subscriber)
    ]
