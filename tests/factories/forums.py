"""Forums: categories, and topics and replies made by the posting services (so a topic has its
first message, rendered, and its author follows it; a new author's post may wait for approval
as the forum's rules say)."""

import factory
from django.contrib.auth.models import Group
from django.utils.text import slugify

from tests.factories.accounts import UserFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    """A public category. ``private=True`` opens it only to the ``groups`` given (names)."""

    class Meta:
        model = "forums.Category"
        skip_postgeneration_save = True

    class Params:
        private = factory.Trait(visibility="private")

    name_fr = factory.Sequence(lambda n: f"Catégorie {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name_fr))

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        for name in names or ():
            self.groups.add(Group.objects.get_or_create(name=name)[0])


class _PostingFactory(factory.django.DjangoModelFactory):
    """Made by the posting service named ``_service``, with ``author`` as its ``user``."""

    class Meta:
        abstract = True

    _service = None
    author = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *, author, **kwargs):
        from forums import services

        return getattr(services, cls._service)(user=author, **kwargs)


class TopicFactory(_PostingFactory):
    """A topic opened by ``author`` with ``source`` as its first message."""

    class Meta:
        model = "forums.Topic"

    _service = "topic_create"
    category = factory.SubFactory(CategoryFactory)
    title = factory.Sequence(lambda n: f"Sujet {n}")
    source = factory.Sequence(lambda n: f"Message d’ouverture numéro {n}.")


class PostFactory(_PostingFactory):
    """A reply of ``author`` in a topic (``quoted`` takes one of its published messages)."""

    class Meta:
        model = "forums.Post"

    _service = "post_create"
    topic = factory.SubFactory(TopicFactory)
    source = factory.Sequence(lambda n: f"Réponse numéro {n}.")
