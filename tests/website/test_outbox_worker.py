"""The outbox with the real parts: Redis, a Celery worker process, an SMTP server on
127.0.0.1. Exactly one mail per subscriber, through a worker killed half-way and through a
broker that was down when the event was published."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from events.models import EventKind, Subscription
from tests.conftest import redis_url_for_tests
from tests.workers import RedisServer, Worker, database_url, tasks_through
from website.notifications import services
from website.notifications.models import Delivery, Subscriber

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def outbox_broker_url():
    """Database 13 of the tests' Redis, emptied: no other worker of this machine listens."""
    url = urlsplit(redis_url_for_tests())._replace(path="/13").geturl()
    redis.Redis.from_url(url).flushdb()
    return url


def worker_for(broker, sink):
    return Worker(
        broker=broker,
        database=database_url(connection),
        smtp_port=sink.port,
        secret_key=settings.SECRET_KEY,
    )


def subscribers_of_workshops(count):
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=f"membre{n:05d}@asso.example") for n in range(count)
    )
    Subscription.objects.bulk_create(
        Subscription(subscriber=s, target="kind", kind=EventKind.WORKSHOP) for s in subscribers
    )
    return {s.email for s in subscribers}


def test_publishing_for_1000_subscribers_sends_exactly_1000_mails_over_smtp(make_event, sink):
    addresses = subscribers_of_workshops(1000)
    broker = outbox_broker_url()
    worker = worker_for(broker, sink).start()
    try:
        with tasks_through(broker):
            event = make_event(kind=EventKind.WORKSHOP)
        assert sink.wait_for(1000) == 1000
        sink.settle()
    finally:
        worker.stop()
    distinct, raw = sink.mails_per_recipient()
    assert set(distinct) == addresses
    assert set(raw.values()) == {1}
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 1000
    # What arrived over SMTP is the announcement, with its calendar file and one-click
    # unsubscribe.
    _to, message = sink.parsed()[0]
    assert event.title in str(message["Subject"]) or "=?utf-8?" in str(message["Subject"])
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert any(part.get_filename() == "event.ics" for part in message.walk())


def test_a_worker_killed_half_way_still_gives_one_mail_per_subscriber(make_event, sink):
    addresses = subscribers_of_workshops(1000)
    broker = outbox_broker_url()
    worker = worker_for(broker, sink).start()
    try:
        with tasks_through(broker):
            make_event(kind=EventKind.WORKSHOP)
            sink.wait_for(300)
            worker.kill()
            killed_at = sink.count()
            assert killed_at < 1000, "the worker finished before it could be killed"

            worker = worker_for(broker, sink).start()
            # What beat's dispatch_due does once the queue's copy is overdue: the task the
            # killed worker held is lost with it, its delivery still pending.
            sink.wait_for(999)
            later = timezone.now() + services.REQUEUE_AFTER + dt.timedelta(seconds=1)
            services.enqueue(services.deliveries_due(now=later))
            assert sink.wait_for(1000) >= 1000
            sink.settle()
    finally:
        worker.stop()
    distinct, raw = sink.mails_per_recipient()
    assert set(distinct) == addresses
    assert set(distinct.values()) == {1}
    # SMTP accepted a message, then the worker died before recording it: that one copy may
    # leave twice, with the same Message-ID. Never more than the one in flight.
    assert sum(raw.values()) - 1000 <= 1
    assert not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()


def test_mails_recorded_while_redis_is_down_leave_once_it_is_back(make_event, sink):
    addresses = subscribers_of_workshops(30)
    redis_server = RedisServer().start()
    worker = worker_for(redis_server.url, sink).start()
    try:
        with tasks_through(redis_server.url):
            redis_server.stop()
            event = make_event(kind=EventKind.WORKSHOP)  # publishing works all the same
            assert event.live
            assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() == 30

            redis_server.start()  # the same port: the worker reconnects
            services.enqueue(services.deliveries_due())  # beat's next dispatch_due
            assert sink.wait_for(30, timeout=90) == 30
            sink.settle()
    finally:
        worker.stop()
        redis_server.stop()
    distinct, raw = sink.mails_per_recipient()
    assert set(distinct) == addresses
    assert set(raw.values()) == {1}
