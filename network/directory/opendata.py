"""Open data and statistics: exports of published actors (GeoJSON RFC 7946, CSV, JSON),
public fields only, with the licence stated; statistics for elected officials with CSV."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from website import csvsafe
from website.addresses import absolute_url
from website.cache import conditional_on, public_page

from . import selectors
from .figures import MONTHS, statistics_page
from .forms import DirectoryFilterForm

DEFAULT_LICENCE = {
    "name": "Licence Ouverte / Open Licence version 2.0 (Etalab)",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
CSV_COLUMNS = [
    "id",
    "name",
    "url",
    "legal_form",
    "identifier_kind",
    "identifier",
    "sectors",
    "territory",
    "territory_code",
    "country",
    "address",
    "latitude",
    "longitude",
    "description",
    "website",
    "public_email",
    "public_phone",
    "year_founded",
    "size_band",
    "languages",
    "umbrella",
    "updated_at",
]


def licence():
    """The licence of the exports: ``ESSAIM_OPEN_DATA_LICENCE`` ({"name", "url"}) or Etalab 2.0."""
    return getattr(settings, "ESSAIM_OPEN_DATA_LICENCE", None) or DEFAULT_LICENCE


def _public_record(row, base_url, url_for):
    english = get_language() == "en"
    return {
        "id": row["pk"],
        "name": row["name"],
        "url": base_url + url_for(row["slug"]),
        "legal_form": (row["legal_form__name_en"] if english else row["legal_form__name_fr"]) or "",
        "identifier_kind": row["identifier_kind"],
        "identifier": row["identifier"],
        "sectors": row["sectors"],
        "territory": row["territory__name"] or "",
        "territory_code": row["territory__code"] or "",
        "country": row["territory__country"] or "",
        "address": row["address"],
        "latitude": float(row["latitude"]) if row["latitude"] is not None else None,
        "longitude": float(row["longitude"]) if row["longitude"] is not None else None,
        "description": row["description"],
        "website": row["website"],
        "public_email": row["public_email"],
        "public_phone": row["public_phone"],
        "year_founded": row["year_founded"],
        "size_band": row["size_band"],
        "languages": row["languages"],
        "umbrella": row["is_umbrella"],
        "updated_at": row["updated_at"].isoformat() if row["updated_at"] else None,
    }


def public_records(request):
    form = DirectoryFilterForm(request.GET)
    base_url = absolute_url("")
    url_for = selectors.profile_url_maker()
    return [
        _public_record(row, base_url, url_for)
        for row in selectors.export_rows(filters=form.filters)
    ]


def _stamp():
    return timezone.localdate().isoformat()


@public_page("directory")
@require_GET
def open_data(request):
    return render(request, "network/open_data.html", {"licence": licence()})


@public_page("directory")
@conditional_on("directory")
@require_GET
def export_geojson(request):
    """A FeatureCollection (RFC 7946): WGS 84 longitude, latitude; actors without
    coordinates have a null geometry, as section 3.2 allows."""
    features = []
    for record in public_records(request):
        geometry = None
        if record["longitude"] is not None:
            geometry = {"type": "Point", "coordinates": [record["longitude"], record["latitude"]]}
        properties = {k: v for k, v in record.items() if k not in ("latitude", "longitude")}
        features.append(
            {"type": "Feature", "id": record["id"], "geometry": geometry, "properties": properties}
        )
    response = JsonResponse(
        {
            "type": "FeatureCollection",
            # Foreign members (RFC 7946 §6.1): what the data is and under which licence.
            "name": _("Actors of the social and solidarity economy"),
            "licence": licence(),
            "generated_at": timezone.now().isoformat(),
            "features": features,
        },
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Disposition"] = f'attachment; filename="acteurs-ess-{_stamp()}.geojson"'
    return response


@public_page("directory")
@conditional_on("directory")
@require_GET
def export_json(request):
    response = JsonResponse(
        {
            "licence": licence(),
            "source": absolute_url(reverse("network:directory")),
            "generated_at": timezone.now().isoformat(),
            "actors": public_records(request),
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Disposition"] = f'attachment; filename="acteurs-ess-{_stamp()}.json"'
    return response


@public_page("directory")
@conditional_on("directory")
@require_GET
def export_csv(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="acteurs-ess-{_stamp()}.csv"'
    response["Link"] = f'<{licence()["url"]}>; rel="license"'
    response.write("\ufeff")  # so that spreadsheets open UTF-8 as UTF-8
    writer = csvsafe.writer(response)
    writer.writerow(CSV_COLUMNS)
    for record in public_records(request):
        values = dict(record, sectors="|".join(record["sectors"]))
        writer.writerow([values[column] for column in CSV_COLUMNS])
    return response


@public_page("directory")
@require_GET
def statistics(request):
    figures = selectors.statistics(months=MONTHS)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="statistiques-ess-{_stamp()}.csv"'
        response.write("\ufeff")
        writer = csvsafe.writer(response)
        writer.writerow([_("Breakdown"), _("Value"), _("Published actors")])
        for key, title in _tables():
            for row in figures[key]:
                writer.writerow([title, row["label"], row["count"]])
        writer.writerow([_("Total"), "", figures["total"]])
        return response
    # The CSV keeps codes and ISO months for machines; people read them in words.
    return render(request, "network/statistics.html", statistics_page(figures, titles=_tables()))


def _tables():
    return [
        ("by_sector", _("By sector")),
        ("by_legal_form", _("By legal form")),
        ("by_territory", _("By territory")),
        ("by_country", _("By country")),
        ("by_month", _("New actors by month")),
    ]
