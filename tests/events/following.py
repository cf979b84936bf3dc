"""Following a series as a person does, through the subscription services, and leaving it;
``run`` sends what each change queued (the ``run`` fixtures)."""

from events.models import Subscription
from events.subscriptions import subscription_remove, subscriptions_add
from website.notifications import subscribers


def follow(run, user, event):
    run(
        subscriptions_add,
        subscriber=subscribers.subscriber_for_user(user),
        targets=[["series", event.pk]],
    )


def unfollow(run, user, event):
    subscriber = subscribers.subscriber_for_user(user)
    subscription = Subscription.objects.get(subscriber=subscriber, event=event)
    run(subscription_remove, subscription=subscription, subscriber=subscriber)
