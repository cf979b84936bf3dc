"""Logs carry no secrets: the secret part of an address, passwords, cookies and credentials
are replaced by ``[redacted]`` before a line is written, and the line still says what
happened (the method, the route, the status, the error).

Secrets that travel in addresses here: personal and space calendar feed tokens
(``/events/feed/<token>.ics``, ``/directory/spaces/<slug>/feed/<token>.ics``), signed links
in mails (``/notifications/unsubscribe|confirm|preferences/<token>/``, the actors' yearly
``/directory/confirm/<token>/``), allauth's keys (``/accounts/confirm-email/<key>/``,
``/accounts/password/reset/key/<uidb36>-<key>/``) and query parameters such as ``?token=``.

Two ways in: ``RedactingFilter``, a ``logging.Filter`` that LOGGING puts on the root
handler and on the loggers that write addresses (``django.request``, ``django.server``), and
``RedactingGunicornLogger``, gunicorn's ``--logger-class`` for its access log (the README's
production command).
"""

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

REDACTED = "[redacted]"

# A secret in a path: the segment after one of these prefixes (the language prefix and the
# slug of a space may come before). Feed tokens keep their ".ics" so the line stays readable.
_PATH_SECRETS = [
    re.compile(r"/events/feed/(?!regenerate/)(?P<secret>[^/\s?#\"'<>]+?)\.ics"),
    re.compile(r"/spaces/[^/\s?#]+/feed/(?P<secret>[^/\s?#\"'<>]+?)\.ics"),
    re.compile(
        r"/(?:notifications/(?:unsubscribe|confirm|preferences)|directory/confirm"
        r"|accounts/confirm-email|accounts/password/reset/key)/(?P<secret>[^/\s?#\"'<>]+)"
    ),
]
# Names whose value is a secret, wherever they appear: query strings and form bodies
# (name=value), dictionaries and JSON ('name': 'value', "name": ["value"]), SQL
# ("token" = 'value') and header dumps (Cookie: ...).
_SECRET_NAMES = (
    r"password\w*|passwd|secret\w*|token|api_?key|access_token|refresh_token"
    r"|csrfmiddlewaretoken|csrftoken|sessionid|session_key|signature"
)
_SECRET_COLUMN = re.compile(rf"(?i)^(?:{_SECRET_NAMES})$")
_INSERT_COLUMNS = re.compile(r"(?is)^\s*INSERT INTO \S+ \(([^)]*)\)")
# In a query string also allauth's and two-factor's short names (too common elsewhere).
_QUERY = re.compile(rf"(?i)([?&;](?:{_SECRET_NAMES}|key|code|otp)=)[^&;\s#\"'<>]*")
_PAIR = re.compile(
    rf"(?i)([\"']?\b(?:{_SECRET_NAMES})\b[\"']?\s*(?::|=)\s*\[?\s*)"
    r"(?!\[?redacted\])(\"[^\"]*\"|'[^']*'|[^\s,;&)\]}]+)"
)
_HEADERS = re.compile(
    r"(?i)(\b(?:HTTP_)?(?:authorization|proxy[-_]authorization|cookie|set[-_]cookie"
    r"|x[-_]csrftoken)\b[\"']?\s*(?::|=)\s*)(\"[^\"]*\"|'[^']*'|[^\n]+)"
)


def _quoted(match):
    value = match.group(2)
    quote = value[0] if value[:1] in ("'", '"') else ""
    return f"{match.group(1)}{quote}{REDACTED}{quote}"


def _found(text):
    """The secret values in ``text``, to be removed wherever else they appear (a query's
    parameters repeat the values of its SQL)."""
    values = {m.group("secret") for pattern in _PATH_SECRETS for m in pattern.finditer(text)}
    for pattern in (_HEADERS, _PAIR):
        values.update(m.group(2).strip("'\"") for m in pattern.finditer(text))
    return {value for value in values if len(value) >= 6}


def _inserted_secrets(sql, params):
    """The values an INSERT writes into secret columns (a feed token, a session key)."""
    columns = _INSERT_COLUMNS.match(sql)
    if not columns or not params:
        return set()
    names = [name.strip().strip('"`') for name in columns.group(1).split(",")]
    return {
        value
        for index, value in enumerate(params)
        if isinstance(value, str) and _SECRET_COLUMN.match(names[index % len(names)])
    }


def _scrub(value, secrets):
    """A query parameter without secrets: a secret itself, or a text that contains one."""
    if not isinstance(value, str):
        return value
    if value in secrets:
        return REDACTED
    value = redact(value)
    for secret in secrets:
        value = value.replace(secret, REDACTED)
    return value


def _cut_path_secret(match):
    start, end = match.span("secret")
    whole = match.group(0)
    offset = match.start()
    return whole[: start - offset] + REDACTED + whole[end - offset :]


def redact(text):
    """``text`` without the secrets this module knows of."""
    if not text:
        return text
    found = _found(text)
    for pattern in _PATH_SECRETS:
        text = pattern.sub(_cut_path_secret, text)
    text = _QUERY.sub(rf"\1{REDACTED}", text)
    text = _HEADERS.sub(_quoted, text)
    text = _PAIR.sub(_quoted, text)
    for value in sorted(found, key=len, reverse=True):
        text = text.replace(value, REDACTED)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites a record's text before any handler formats it: the message with its
    arguments, the traceback (formatted once, redacted, kept as ``exc_text``) and the stack.
    Never drops a record. ``record.request`` (django.request) stays the live request object
    for handlers that need it; no handler configured here prints it."""

    _formatter = logging.Formatter()

    def filter(self, record):
        if getattr(record, "_essaim_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what there is, redacted
            message = str(record.msg)
        record.msg, record.args = redact(message), ()
        # django.db.backends keeps the query and its parameters beside the message.
        if isinstance(getattr(record, "sql", None), str):
            params = getattr(record, "params", None)
            params = tuple(params) if isinstance(params, (list, tuple)) else ()
            secrets = _found(record.sql) | _inserted_secrets(record.sql, params)
            for value in sorted(secrets, key=len, reverse=True):
                record.msg = record.msg.replace(value, REDACTED)
            record.sql = redact(record.sql)
            for value in secrets:
                record.sql = record.sql.replace(value, REDACTED)
            record.params = tuple(_scrub(p, secrets) for p in params)
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record._essaim_redacted = True
        return True


class RedactingGunicornLogger(GunicornLogger):
    """gunicorn's logger with every access-log atom redacted: the request line (%(r)s),
    path (%(U)s), query (%(q)s), referer (%(f)s) and any header or environ atom
    (%({cookie}i)s...). Use with ``--logger-class website.logfilters.RedactingGunicornLogger``."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            name: redact(value) if isinstance(value, str) else value
            for name, value in atoms.items()
        }
