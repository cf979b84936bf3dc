"""Subscribers to optional mail (``website.notifications``)."""

import factory


class SubscriberFactory(factory.django.DjangoModelFactory):
    """A confirmed address that receives announcements; give ``user`` for a person's own."""

    class Meta:
        model = "notifications.Subscriber"

    email = factory.LazyAttributeSequence(
        lambda o, n: o.user.email if o.user else f"abonne{n}@mail.example"
    )
    user = None
