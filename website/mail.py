"""Every mail of the platform leaves through Celery.

``CeleryEmailBackend`` is Django's ``EMAIL_BACKEND``: it turns each message into JSON and
queues ``website.tasks.deliver_email`` once the current transaction commits, so a rolled-back
change sends nothing. The task hands the message to ``ESSAIM_EMAIL_DELIVERY_BACKEND``
(SMTP, console, files). Without REDIS_URL the task runs in-process.
"""

import base64
import logging
from email.mime.base import MIMEBase

from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

logger = logging.getLogger(__name__)


def serialize_message(message):
    """A JSON-safe dict from an ``EmailMessage``; ``deserialize_message`` reverses it."""
    attachments = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            attachments.append({"mime": base64.b64encode(attachment.as_bytes()).decode()})
            continue
        filename, content, mimetype = attachment
        if isinstance(content, str):
            content = content.encode()
        attachments.append(
            {
                "filename": filename,
                "content": base64.b64encode(content).decode(),
                "mimetype": mimetype,
            }
        )
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": attachments,
    }


def deserialize_message(data):
    from email import message_from_bytes

    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    for attachment in data["attachments"]:
        if "mime" in attachment:
            message.attach(message_from_bytes(base64.b64decode(attachment["mime"])))
        else:
            message.attach(
                attachment["filename"],
                base64.b64decode(attachment["content"]),
                attachment["mimetype"],
            )
    return message


def deliver(data):
    """Send one serialised message through the delivery backend; returns how many were sent."""
    from django.conf import settings

    connection = get_connection(settings.ESSAIM_EMAIL_DELIVERY_BACKEND, fail_silently=False)
    return connection.send_messages([deserialize_message(data)])


class CeleryEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        from website.tasks import deliver_email

        count = 0
        for message in email_messages:
            if not isinstance(message, EmailMessage) or not message.recipients():
                continue
            data = serialize_message(message)
            transaction.on_commit(lambda data=data: _queue(deliver_email, data))
            count += 1
        return count


def _queue(task, data):
    """Queue the message; when the broker is down, send it from this process instead: the
    request that wrote it (a sign-up, a password reset) must not fail, nor its mail be lost."""
    try:
        task.delay(data)
    except Exception:  # noqa: BLE001 - kombu raises several kinds of connection errors
        logger.warning("Broker unavailable: mail to %s sent from this process", data["to"])
        try:
            deliver(data)
        except Exception:  # noqa: BLE001 - SMTP down as well: say so, do not fail the request
            logger.exception("Mail to %s could not be sent", data["to"])
