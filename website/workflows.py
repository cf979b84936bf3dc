"""The moderation workflow's name in the reader's language, in the admin and in its mails.

Wagtail stores a workflow's and a task's name as text in the database: its migration 0048
names both "Moderators approval", and the admin then says "Soumettre à Moderators approval".
The names Wagtail ships are our gettext msgids: a workflow or task loaded with one of them
gets the lazy translation, which each page and mail renders in its own language (Wagtail's
templates also pass it through ``|safe``, which a lazy string survives). Wagtail's own
``__str__`` returns the name as it is: it is made to return it as text. Saving never writes
a translation back: a shipped name, or one of its translations (the admin's edit form shows
the translation), is stored as the msgid. A name an administrator typed stays as typed.
"""

from django.conf import settings
from django.db.models.signals import post_init, pre_save
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# The names Wagtail's migrations create, as stored, with their translation.
SHIPPED = {"Moderators approval": _("Moderators approval")}

# Wagtail's own words that our catalogue says better (read before Wagtail's): its French
# writes "Approuver et Publier", with a capital and a stray space.
WAGTAIL_WORDS = [gettext_noop("%(label)s and Publish")]


def _translated_name(sender, instance, **kwargs):
    name = instance.__dict__.get("name")
    if isinstance(name, str) and name in SHIPPED:
        instance.name = SHIPPED[name]


def _stored_name(sender, instance, **kwargs):
    name = str(instance.name)
    for stored, translated in SHIPPED.items():
        if isinstance(instance.name, Promise) and instance.name is translated:
            instance.name = stored
            return
        for language, _label in settings.LANGUAGES:
            with translation.override(language):
                if name == str(translated):
                    instance.name = stored
                    return
    instance.name = name


def _name_as_text(self):
    return str(self.name)


def connect():
    """For workflows and every kind of task (a task is loaded as its specific class too)."""
    from django.apps import apps
    from wagtail.models import Task, Workflow

    for model in (Task, Workflow):
        model.__str__ = _name_as_text
    for model in apps.get_models():
        if issubclass(model, (Task, Workflow)):
            post_init.connect(_translated_name, sender=model, dispatch_uid=f"wf-name-{model}")
            pre_save.connect(_stored_name, sender=model, dispatch_uid=f"wf-save-{model}")
