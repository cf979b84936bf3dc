"""Invites as mail (RFC 6047): the calendar part carries the iTIP method."""

from django.core.mail import EmailMultiAlternatives


class InviteEmail(EmailMultiAlternatives):
    """A mail whose alternatives end with text/calendar carrying the iTIP method (RFC 6047),
    followed by the same calendar as an invitation.ics attachment."""

    def __init__(self, *args, html, calendar, method, **kwargs):
        super().__init__(*args, **kwargs)
        self.calendar_method = method
        self.attach_alternative(html, "text/html")
        self.attach_alternative(calendar.decode(), "text/calendar")
        self.attach("invitation.ics", calendar, "application/ics")

    def _create_mime_attachment(self, content, mimetype):
        part = super()._create_mime_attachment(content, mimetype)
        if mimetype == "text/calendar":
            part.set_param("method", self.calendar_method)
        return part
