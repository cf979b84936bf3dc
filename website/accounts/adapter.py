from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import translate_url
from django.utils import translation


class _SiteName:
    """What allauth's mail templates call ``current_site``: our name, the request's host."""

    def __init__(self, request):
        self.name = settings.WAGTAIL_SITE_NAME
        self.domain = request.get_host() if request is not None else settings.BASE_URL

    def __str__(self):
        return self.name


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Write each mail in its recipient's language when we know it."""
        user = context.get("user")
        language = getattr(user, "preferred_language", None) or translation.get_language()
        request = context.get("request") or getattr(self, "request", None)
        context = {**context, "current_site": _SiteName(request)}
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def add_message(
        self,
        request,
        level,
        message_template=None,
        message_context=None,
        extra_tags="",
        message=None,
    ):
        """Word "signed in as..." in the language the person is about to see."""
        language = getattr(request.user, "preferred_language", None) or translation.get_language()
        with translation.override(language):
            super().add_message(
                request, level, message_template, message_context, extra_tags, message=message
            )

    def get_login_redirect_url(self, request):
        url = super().get_login_redirect_url(request)
        language = getattr(request.user, "preferred_language", None)
        return translate_url(url, language) if language else url
