"""What every Wagtail page factory shares: a page lives in the tree, under its parent.

As wagtail-factories does, ``_create`` adds the page with ``parent.add_child`` (a page saved
any other way has no place in the tree), then saves a revision and publishes it, which is when
Wagtail sends ``page_published`` (the events' dates are made then).
"""

import factory
from django.apps import apps
from django.utils.text import slugify
from wagtail.models import Locale


def french_home():
    """The home page of the French site, which the demo makes: the agenda and the library
    live under it."""
    return apps.get_model("website", "HomePage").objects.get(locale__language_code="fr")


class PageFactory(factory.django.DjangoModelFactory):
    """``parent``: the page to add it under (the French home page unless told); ``publish=False``
    leaves a draft."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    parent = factory.LazyFunction(french_home)
    publish = True

    @classmethod
    def _create(cls, model_class, *args, parent, publish=True, **kwargs):
        page = model_class(*args, **kwargs)
        if not publish:
            page.live = False
        parent.add_child(instance=page)
        revision = page.save_revision()
        if publish:
            revision.publish()
        # Fetched again: what publishing wrote (the URL path, dates) is on the row, not here.
        return model_class.objects.get(pk=page.pk)


def translation_of(page, language="en", **fields):
    """The page's live translation into ``language``, with ``fields`` (title, slug...) set."""
    translation = page.copy_for_translation(Locale.objects.get(language_code=language))
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    return type(translation).objects.get(pk=translation.pk)


def index_page(index_factory, **translation):
    """The index page of ``index_factory``'s model under the French home page: the one there
    is, else a new one, with an English translation holding ``translation`` (title, slug) if
    given."""
    index_model = index_factory._meta.get_model_class()
    index = index_model.objects.child_of(french_home()).first()
    if index is None:
        index = index_factory()
        if translation:
            translation_of(index, **translation)
    return index
