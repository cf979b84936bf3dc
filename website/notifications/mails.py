"""The notification app's own mails: the double opt-in confirmation, and digests."""

import zoneinfo
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from website.addresses import absolute_url

from . import registry
from .models import Subscriber
from .subscribers import ALL, CONFIRM, DIGEST, add_unsubscribe_headers, mail_links


def mail(subject_template, body_template, context, *, to, language):
    """A mail in text and HTML from ``<body_template>.txt`` and ``.html``."""
    with translation.override(language):
        subject = " ".join(render_to_string(subject_template, context).split())
        text = render_to_string(f"{body_template}.txt", context)
        html = render_to_string(f"{body_template}.html", context)
    message = EmailMultiAlternatives(subject, text, to=[to])
    message.attach_alternative(html, "text/html")
    return message


@registry.renderer(CONFIRM)
def confirmation_message(delivery):
    payload = delivery.notification.payload
    language = payload.get("language") or settings.LANGUAGE_CODE
    with translation.override(language):
        url = absolute_url(reverse("notifications:confirm", args=[payload["token"]]))
    return mail(
        "notifications/mail/confirm_subject.txt",
        "notifications/mail/confirm",
        {"confirm_url": url, "language": language},
        to=delivery.recipient,
        language=language,
    )


@registry.renderer(DIGEST)
def digest_message(delivery):
    subscriber = Subscriber.objects.filter(email=delivery.recipient).first()
    if subscriber is None:
        return None
    language = subscriber.user.preferred_language if subscriber.user else subscriber.language
    zone = zoneinfo.ZoneInfo(
        (subscriber.user.time_zone if subscriber.user else subscriber.time_zone)
        or settings.TIME_ZONE
    )
    ids = defaultdict(list)
    for kind, object_id in delivery.notification.payload["items"]:
        ids[kind].append(object_id)
    with translation.override(language), timezone.override(zone):
        sections = [registry.render_digest_section(kind, subscriber, ids[kind]) for kind in ids]
    sections = [section for section in sections if section and section.entries]
    if not sections:
        return None  # everything in it was withdrawn meanwhile
    links = mail_links(subscriber.email, ALL, language)
    message = mail(
        "notifications/mail/digest_subject.txt",
        "notifications/mail/digest",
        {
            "sections": sections,
            "count": sum(len(section.entries) for section in sections),
            "frequency": subscriber.frequency,
            "has_calendar": any(section.attachments for section in sections),
            "language": language,
            **links,
        },
        to=subscriber.email,
        language=language,
    )
    for section in sections:
        for filename, content, mimetype in section.attachments:
            message.attach(filename, content, mimetype)
    return add_unsubscribe_headers(message, links)
