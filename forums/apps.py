from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    """Exchange spaces: categories (some private), topics, posts, moderation, notifications."""

    name = "forums"
    verbose_name = _("Forums")

    def ready(self):
        from website import registry, sitesearch
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
        sitesearch.register(
            "topics",
            label=_("Forum topics"),
            order=60,
            find=lambda request, query, limit: selectors.search_group(
                user=request.user, query=query, limit=limit
            ),
        )
