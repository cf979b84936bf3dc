"""Dates and times said as people say them, in the active language: "mardi 4 mai 2027,
18 h – 20 h (heure de Paris)", "Tuesday 4 May 2027, 6 pm – 8 pm (Paris time)".

The formats are catalogue strings (Django's date format letters), so each language writes its
own: French "18 h 30" with no-break spaces, "1er mars", days and months in lower case. Every
mail, calendar description, admin list and page sentence that tells a date goes through here,
so one date is never told two ways.
"""

import datetime as dt
import unicodedata
import zoneinfo

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import get_timezone_location
from django.utils import dateformat, formats, timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _


def starts_with_vowel(word):
    """Whether French elides before ``word`` ("d’Essaim", "heure d’Abidjan")."""
    return bool(word) and word[0].upper() in "AEIOUYÉÈÊÀÂÎÔÛ"


def day_of_month(day):
    """A day of the month as written before a month: "1er" in French, else the number."""
    if day == 1:
        # Translators: the first day of a month, as in "1 July"; French: "1er".
        return pgettext("first day of a month", "1")
    return str(day)


def _format(value, pattern):
    """``django.utils.dateformat`` with our own day 1 ("1er") and am/pm ("6 pm")."""
    out = []
    escaped = False
    for char in pattern:
        if escaped:
            out.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "j" and value.day == 1:
            out.extend("\\" + c for c in day_of_month(1))
        elif char == "a":
            # Translators: a time before and after noon, as in "9:30 am" and "6 pm".
            word = (
                pgettext("before noon", "am") if value.hour < 12 else pgettext("after noon", "pm")
            )
            out.extend("\\" + c for c in word)
        else:
            out.append(char)
    return dateformat.format(value, "".join(out))


def format_time(value):
    """A time of day: "6 pm", "9:30 am"; "18 h", "9 h 30" in French."""
    if value.minute:
        # Translators: a time with minutes, in Django's date format letters (G: hour 0-23,
        # g: hour 1-12, i: minutes, a: am or pm, \ before a literal letter). French: "G \h i".
        return _format(value, pgettext("time with minutes", "g:i a"))
    # Translators: a time on the hour, in Django's date format letters (G: hour 0-23, g: hour
    # 1-12, a: am or pm, \ before a literal letter). French: "G \h".
    return _format(value, pgettext("time on the hour", "g a"))


def format_date(value, *, weekday=False, year=True):
    """A date: "30 June 2027", "Monday 10 March 2027", "14 July"; in French "30 juin 2027"."""
    if weekday:
        # Translators: a date with its weekday, in Django's date format letters (l: weekday,
        # j: day, F: month, Y: year). French: "l j F Y".
        return _format(value, pgettext("date with weekday", "l j F Y"))
    if year:
        # Translators: a date, in Django's date format letters (j: day, F: month, Y: year).
        return _format(value, pgettext("date", "j F Y"))
    # Translators: a day of the year, in Django's date format letters (j: day, F: month).
    return _format(value, pgettext("day of the year", "j F"))


def format_local_start(value, *, all_day):
    """One date of a series as the admin lists it: "lundi 10 mars 2027 à 18 h"."""
    day = format_date(value, weekday=True)
    if all_day:
        return day
    return _("%(date)s at %(time)s") % {"date": day, "time": format_time(value)}


def time_in_words(moment):
    """18 h, 18 h 30 (French); 6 pm, 6:30 pm (English)."""
    return format_time(moment)


def day_in_words(day, *, year=True):
    """lundi 1er mars 2027; Monday 1 March 2027 (without the year: lundi 1er mars)."""
    if year:
        return format_date(day, weekday=True)
    # Translators: a date with its weekday and no year, in Django's date format letters
    # (l: weekday, j: day, F: month). French: "l j F".
    return _format(day, pgettext("date with weekday, without year", "l j F"))


def short_day(day, *, weekday=True):
    """A day where room is short (a table's header): "lun. 7 déc.", "Mon 7 Dec"; without the
    weekday "1er avr.", "1 Apr". CLDR's abbreviations, in lower case in French (Django's "M"
    capitalises them: "Déc")."""
    locale = Locale.parse((get_language() or "fr").split("-")[0])
    text = "\u00a0".join(
        [babel_format_date(day, "EEE", locale=locale)] * weekday
        + [day_of_month(day.day), babel_format_date(day, "MMM", locale=locale)]
    )
    return text.replace("\u00a0", " ", 1) if weekday else text


def duration_in_words(duration):
    """A duration in hours and minutes, never minutes beyond the hour: "45 min", "2 h",
    "1 h 30" in French, "1 h 30 min" in English."""
    hours, minutes = divmod(round(duration.total_seconds() / 60), 60)
    if not hours:
        # Translators: a duration under an hour; French with a no-break space.
        return pgettext("duration", "%(minutes)d min") % {"minutes": minutes}
    if not minutes:
        # Translators: a duration of whole hours; French "%(hours)d h", no-break space.
        return pgettext("duration", "%(hours)d h") % {"hours": hours}
    # Translators: a duration in hours and minutes; French "%(hours)d h %(minutes)02d" (no
    # "min"), with no-break spaces.
    return pgettext("duration", "%(hours)d h %(minutes)02d min") % {
        "hours": hours,
        "minutes": minutes,
    }


def moment_in_words(moment, *, short=False):
    """A local moment as "lundi 1er mars 2027, 18 h" (its day and time); ``short``, for a
    list's column: "01/03/2027, 18 h"."""
    day = formats.date_format(moment, "SHORT_DATE_FORMAT") if short else day_in_words(moment.date())
    return f"{day}, {time_in_words(moment)}"


def zone_in_words(zone):
    """A zone as people say it: "heure de Paris", "heure d’Abidjan", "Dakar time" (its city),
    or the zone itself (UTC)."""
    city = city_of(zone)
    if city == str(zone):
        return city
    if starts_with_vowel(city):
        # French elides "de" before a vowel: the catalogue says how.
        return pgettext("city name starting with a vowel", "%(city)s time") % {"city": city}
    return _("%(city)s time") % {"city": city}


def city_of(zone):
    """The city that names an IANA zone, in the active language when CLDR names it ("La
    Réunion"), never another city (CLDR answers "Toronto" for America/Montreal, an alias)."""
    name = str(zone)
    city = name.rsplit("/", 1)[-1].replace("_", " ")
    if city == name:
        return city
    language = (get_language() or "fr").split("-")[0]
    try:
        english = get_timezone_location(name, locale="en", return_city=True)
        local = get_timezone_location(name, locale=language, return_city=True)
    except (LookupError, ValueError):
        return city
    return local if _plain(english) == _plain(city) else city


def _plain(text):
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def span_in_words(start, end, zone, *, all_day=False):
    """A date's span in ``zone``: "mardi 4 mai 2027, 18 h – 20 h", or across days, or whole days
    (``end`` exclusive) for an all-day date."""
    zone = zoneinfo.ZoneInfo(str(zone))
    local_start, local_end = timezone.localtime(start, zone), timezone.localtime(end, zone)
    if all_day:
        last = (local_end - dt.timedelta(microseconds=1)).date()
        if last <= local_start.date():
            return day_in_words(local_start.date())
        return _("%(first)s to %(last)s") % {
            "first": day_in_words(local_start.date(), year=False),
            "last": day_in_words(last),
        }
    if local_end.date() == local_start.date():
        return _("%(day)s, %(start)s – %(end)s") % {
            "day": day_in_words(local_start.date()),
            "start": time_in_words(local_start),
            "end": time_in_words(local_end),
        }
    return _("%(first_day)s, %(start)s – %(last_day)s, %(end)s") % {
        "first_day": day_in_words(local_start.date()),
        "start": time_in_words(local_start),
        "last_day": day_in_words(local_end.date()),
        "end": time_in_words(local_end),
    }


def when_for_reader(start, end, zone, reader_zone, *, all_day=False):
    """The span in the event's zone, then in the reader's when its clock differs:
    "mardi 4 mai 2027, 18 h – 20 h (heure de Paris) ; soit 12 h – 14 h, heure de Montréal"."""
    if all_day:
        return span_in_words(start, end, zone, all_day=True)  # whole days: no clock to give
    told = _("%(span)s (%(zone)s)") % {
        "span": span_in_words(start, end, zone),
        "zone": zone_in_words(zone),
    }
    if reader_zone is None or str(reader_zone) == str(zone):
        return told
    here = zoneinfo.ZoneInfo(str(reader_zone))
    if (
        timezone.localtime(start, here).utcoffset()
        == timezone.localtime(start, zoneinfo.ZoneInfo(str(zone))).utcoffset()
    ):
        return told
    return _("%(told)s; that is %(span)s, %(zone)s") % {
        "told": told,
        "span": span_in_words(start, end, here),
        "zone": zone_in_words(here),
    }


def moment_for_reader(
    moment: dt.datetime, zone: str | dt.tzinfo, reader_zone: str | dt.tzinfo | None
) -> str:
    """One moment (a deadline: no end) in ``zone``, then in ``reader_zone`` when its clock
    differs, with the words of this module; the reader's day is left out when it is
    the same. ``when_for_reader`` says spans; this is its counterpart for a moment."""
    zone = zoneinfo.ZoneInfo(str(zone))
    local = timezone.localtime(moment, zone)
    told = _("%(span)s (%(zone)s)") % {
        "span": moment_in_words(local),
        "zone": zone_in_words(zone),
    }
    if reader_zone is None:
        return told
    here = zoneinfo.ZoneInfo(str(reader_zone))
    theirs = timezone.localtime(moment, here)
    if theirs.utcoffset() == local.utcoffset():
        return told
    return _("%(told)s; that is %(span)s, %(zone)s") % {
        "told": told,
        "span": time_in_words(theirs) if theirs.date() == local.date() else moment_in_words(theirs),
        "zone": zone_in_words(here),
    }
