"""Mails about registrations, written in the recipient's language and time zone."""

import zoneinfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import Registration


def send_registration_mail(*, registration_id, status):
    registration = (
        Registration.objects.select_related("user", "occurrence__event")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None:
        return 0
    user = registration.user
    with (
        translation.override(user.preferred_language),
        timezone.override(zoneinfo.ZoneInfo(user.time_zone)),
    ):
        event = registration.occurrence.event
        localized = event.get_translation_or_none(_locale(user.preferred_language)) or event
        context = {
            "user": user,
            "registration": registration,
            "status": status,
            "occurrence": registration.occurrence,
            "event": localized,
            "event_url": settings.BASE_URL + (localized.url or ""),
            "registration_url": settings.BASE_URL
            + reverse("events:registration", args=[registration.token]),
        }
        subject = render_to_string("events/mail/registration_subject.txt", context).strip()
        text = render_to_string("events/mail/registration.txt", context)
        html = render_to_string("events/mail/registration.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    return message.send()


def _locale(code):
    from wagtail.models import Locale

    return Locale.objects.filter(language_code=code).first()
