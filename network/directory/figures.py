"""The directory's statistics as an elected official reads them, laid out from the figures
of ``network.selectors.statistics`` (the one read: a query per breakdown, whatever the
numbers; this module runs none).

Codes and numbers become words in the reader's language: countries by their CLDR name
("Sénégal", "Senegal"), months as "décembre 2026". The monthly series is laid out across the
page, one column per month and, in its table, one row per year; months of the window without
a new actor count zero (the read returns only the months that have some). A long breakdown
draws its largest rows and keeps them all in its table. The CSV keeps the read's codes and
ISO months: it is for machines.
"""

import datetime as dt

from babel import Locale
from babel.dates import format_date
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# The window of the monthly series, this month included.
MONTHS = 24
# A breakdown draws this many bars at most; its table has every row.
BARS_AT_MOST = 12


def _locale():
    return Locale.parse((get_language() or "fr").split("-")[0])


def country_name(code):
    """An ISO 3166-1 code as the reader's language names the country ("SN": "Sénégal")."""
    if not code:
        return _("Not given")
    return _locale().territories.get(code.upper(), code)


def month_in_words(day):
    """A month and its year: "décembre 2026", "December 2026" (``events.wording`` says days
    and times, not months)."""
    return format_date(day, "LLLL y", locale=_locale())


def _first_month(months, now):
    today = timezone.localdate(now) if now else timezone.localdate()
    index = today.year * 12 + today.month - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


def _bars(rows):
    top = max((row["count"] for row in rows), default=0) or 1
    return [dict(row, percent=round(100 * row["count"] / top, 1)) for row in rows]


def _row_kinds():
    """What a row of each breakdown is: the first column's heading in its table."""
    return {
        "by_sector": _("Sector"),
        "by_legal_form": _("Legal form"),
        "by_territory": _("Territory"),
        "by_country": _("Country"),
    }


def _breakdown(key, title, rows):
    drawn = sorted(rows, key=lambda row: -row["count"])[:BARS_AT_MOST]
    return {
        "key": key,
        "title": title,
        "heading": _row_kinds()[key],
        "rows": rows,
        "bars": _bars(drawn),
    }


def _monthly(rows, *, months, now):
    """The window's months in order, each with its count (zero when the read has none), and
    the same figures as a calendar: one row per year, twelve cells (``None`` outside)."""
    counts = {(row["month"].year, row["month"].month): row["count"] for row in rows}
    first = _first_month(months, now)
    locale = _locale()
    columns = []
    for n in range(months):
        index = first.year * 12 + first.month - 1 + n
        day = dt.date(index // 12, index % 12 + 1, 1)
        columns.append(
            {
                "day": day,
                "words": month_in_words(day),
                "short": format_date(day, "LLL", locale=locale),
                "narrow": format_date(day, "LLLLL", locale=locale),
                "count": counts.get((day.year, day.month), 0),
                "starts_year": n == 0 or day.month == 1,
            }
        )
    top = max(column["count"] for column in columns) or 1
    for column in columns:
        column["percent"] = round(100 * column["count"] / top, 1)
        column["rest"] = round(100 - column["percent"], 1)
    years = {}
    for column in columns:
        years.setdefault(column["day"].year, [None] * 12)[column["day"].month - 1] = column["count"]
    busiest = max(columns, key=lambda column: (column["count"], column["day"]))
    return {
        "key": "by_month",
        "months": months,
        "columns": columns,
        "month_names": [
            format_date(dt.date(2000, month, 1), "LLLL", locale=locale) for month in range(1, 13)
        ],
        "years": [{"year": year, "cells": cells} for year, cells in years.items()],
        "total": sum(column["count"] for column in columns),
        "busiest": busiest if busiest["count"] else None,
    }


def statistics_page(figures, *, titles, months=MONTHS, now=None):
    """What the statistics page shows, in the active language, from ``figures`` (the read of
    ``selectors.statistics`` over ``months``): the total, the breakdowns (``titles``: their
    keys and titles, the CSV's) and the monthly series."""
    titles = dict(titles)
    by_country = sorted(
        # The read says "—" for actors without a country.
        (
            dict(row, label=country_name("" if row["label"] == "—" else row["label"]))
            for row in figures["by_country"]
        ),
        key=lambda row: (-row["count"], row["label"]),
    )
    breakdowns = {**figures, "by_country": by_country}
    return {
        "total": figures["total"],
        "breakdowns": [
            _breakdown(key, titles[key], breakdowns[key])
            for key in ("by_sector", "by_legal_form", "by_territory", "by_country")
        ],
        "monthly": {
            "title": titles["by_month"],
            **_monthly(figures["by_month"], months=months, now=now),
        },
    }
