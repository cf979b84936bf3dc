"""Factories of the test rows, one module per app (factory-boy).

Each factory makes a valid row: it respects the model's constraints and ``clean()``, numbers
its unique fields with a sequence, and goes through the app's service where the service is
what makes the row whole (a topic with its first message, a page under its parent). Models are
named as "app_label.Model" strings, so a factory does not care which module of its app defines
the model. Conftest fixtures (``make_user``, ``make_actor``, ``make_event``...) are thin
wrappers over these factories.

Sequences restart at 1 for every test (``reset_sequences``, called by an autouse fixture of the
root conftest), so that the first actor of a test is always "acteur-1", whatever ran before.
"""

import factory


def reset_sequences(start=1):
    """Every factory that counted so far counts again from ``start``."""
    pending = [factory.django.DjangoModelFactory]
    while pending:
        factory_class = pending.pop()
        pending.extend(factory_class.__subclasses__())
        if factory_class._meta.model is not None:
            factory_class.reset_sequence(start, force=True)
