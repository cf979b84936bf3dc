"""How every calendar address answers: 304 when the client's copy is current, else the calendar,
with validators (ETag, Last-Modified) so that calendar clients polling every hour cost one
cheap query or two."""

import datetime as dt
import hashlib

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header, http_date
from django.utils.translation import get_language

CONTENT_TYPE = "text/calendar; charset=utf-8"

# Feeds keep an entry until this long after its last date ended.
FEED_KEEPS_PAST = dt.timedelta(days=90)
# How long a feed's text is kept when nobody asks for it.
FEED_TEXT_TTL = 60 * 60


def calendar_response(
    request, *, validators, last_modified, build, filename, private=False, cached=False
):
    """Answer 304 when the client's copy is current, else the calendar that ``build`` returns.

    With ``cached``, the calendar's text is kept under the validators' digest for every client
    of the same address: a feed of a thousand events takes a second to write and a
    millisecond to fetch, and any change to what it shows changes the digest.
    """
    digest = hashlib.sha256(repr((get_language(), validators)).encode()).hexdigest()
    etag = f'"{digest[:32]}"'
    timestamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is None:
        body = None
        if cached:
            # The digest says everything the calendar shows, as the ETag promises clients:
            # which events, in which language, as last published, in which booked place.
            raw = f"{digest}\n{request.get_host()}\n{request.get_full_path()}"
            key = "calendar:" + hashlib.sha256(raw.encode()).hexdigest()
            body = cache.get(key)
        if body is None:
            body = build().to_ical()
            if cached:
                cache.set(key, body, timeout=FEED_TEXT_TTL)
        response = HttpResponse(body, content_type=CONTENT_TYPE)
        response.headers["Content-Disposition"] = content_disposition_header(
            as_attachment=False, filename=filename
        )
    response.headers["ETag"] = etag
    if timestamp is not None:
        response.headers["Last-Modified"] = http_date(timestamp)
    if private:
        patch_cache_control(response, private=True, no_cache=True)
        response.headers["X-Robots-Tag"] = "noindex"
    else:
        patch_cache_control(response, public=True, no_cache=True)
    return response
