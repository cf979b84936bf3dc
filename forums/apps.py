from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    """Exchange spaces: categories (some private), topics, posts, moderation, notifications."""

    name = "forums"
    verbose_name = _("Forums")

    def ready(self):
        from website import registry
        from website.cache import register_scope

        from . import models, selectors

        register_scope(
            "forums",
            models.Category,
            models.Topic,
            models.Post,
            models.Attachment,
            models.ForumProfile,
            models.Report,
            models.ModerationDecision,
        )
        registry.personal_data("forums", selectors.personal_data)
