"""Public directory views and the signed-in flows of actor admins. Thin: reads through
selectors, writes through services."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from website.addresses import absolute_url
from website.cache import KeptCountPaginator, conditional_on, public_page
from website.forms import errors_to_form
from website.notifications import subscribers
from website.ratelimit import rate_limit

from . import follows, permissions, selectors, services
from .forms import ActorForm, DirectoryFilterForm, NeedOfferForm, UmbrellaJoinForm
from .models import (
    Actor,
    ActorChange,
    Follow,
    Membership,
    NeedOffer,
    NeedOfferCategory,
    UmbrellaMembership,
)

ACTORS_PER_PAGE = 20


# Actors without a position named beside the map; the directory lists them all.
UNPLACED_LISTED = 30


def _filter_context(request, form):
    params = request.GET.copy()
    params.pop("page", None)
    filter_query = params.urlencode()
    return {
        "filter_form": form,
        "filters": form.filters,
        "filter_query": filter_query,
        "query_string": f"{filter_query}&" if filter_query else "",
    }


def _actors_page(request, actors, listing, filter_query):
    """A page of ``actors``; their total is kept for everybody who asks the same filters."""
    return KeptCountPaginator(
        actors, ACTORS_PER_PAGE, name=f"directory\n{listing}\n{filter_query}", scopes=("directory",)
    ).get_page(request.GET.get("page"))


def _with_query(url, filter_query):
    return f"{url}?{filter_query}" if filter_query else url


@public_page("directory")
@require_GET
def directory(request):
    form = DirectoryFilterForm(request.GET)
    context = _filter_context(request, form)
    actors = selectors.actors_for_directory(filters=form.filters)
    page_obj = _actors_page(request, actors, "list", context["filter_query"])
    context.update(
        view="list",
        page_obj=page_obj,
        actors=page_obj.object_list,
        map_url=_with_query(reverse("network:map"), context["filter_query"]),
        list_url=_with_query(reverse("network:directory"), context["filter_query"]),
    )
    return render(request, "network/directory.html", context)


@public_page("directory")
@require_GET
def map_page(request):
    """The map, and beside it the same actors as a paginated list (the accessible
    equivalent): markers load by the visible area from ``map_data``."""
    form = DirectoryFilterForm(request.GET)
    context = _filter_context(request, form)
    actors = selectors.actors_for_directory(filters=form.filters).filter(
        latitude__isnull=False, longitude__isnull=False
    )
    # "Search this area" on the map: the list beside it keeps to the area shown.
    area = selectors.parse_bbox(request.GET.get("bbox"))
    actors = selectors.within_bbox(actors, area)
    page_obj = _actors_page(request, actors, "map", context["filter_query"])
    # Actors without a position are not dropped: listed beside the map (not within an area).
    unplaced = (
        selectors.actors_for_directory(filters=form.filters).filter(latitude__isnull=True)
        if area is None
        else Actor.objects.none()
    )
    context.update(
        unplaced=unplaced[:UNPLACED_LISTED],
        unplaced_count=unplaced.count(),
        unplaced_more_url=_with_query(reverse("network:directory"), context["filter_query"]),
    )
    context.update(
        view="map",
        page_obj=page_obj,
        actors=page_obj.object_list,
        map_url=_with_query(reverse("network:map"), context["filter_query"]),
        list_url=_with_query(reverse("network:directory"), context["filter_query"]),
        map_data_url=_with_query(reverse("network:map_data"), context["filter_query"]),
        area=area,
        all_areas_url=_with_query(
            reverse("network:map"),
            "&".join(p for p in context["filter_query"].split("&") if not p.startswith("bbox=")),
        ),
        map_tiles=settings.ESSAIM_MAP_TILE_URL,
        map_attribution=settings.ESSAIM_MAP_TILE_ATTRIBUTION,
    )
    return render(request, "network/map.html", context)


def point_feature(row, url_for):
    """A GeoJSON Feature (RFC 7946): a Point, longitude first."""
    english = get_language() == "en"
    legal_form = row["legal_form__name_en"] if english else row["legal_form__name_fr"]
    return {
        "type": "Feature",
        "id": row["pk"],
        "geometry": {
            "type": "Point",
            "coordinates": [float(row["longitude"]), float(row["latitude"])],
        },
        "properties": {
            "name": row["name"],
            "url": url_for(row["slug"]),
            "legal_form": legal_form or "",
            "territory": row["territory__name"] or "",
            "umbrella": row["is_umbrella"],
            # The family of its first sector: the marker's letter and colour on the map.
            "family": row.get("family", ""),
            "family_name": row.get("family_name", ""),
            "family_mark": row.get("family_mark", ""),
            "family_tone": row.get("family_tone"),
        },
    }


@public_page("directory")
@conditional_on("directory")
@require_GET
def map_data(request):
    """Markers in the visible area (``bbox=west,south,east,north``) as GeoJSON."""
    form = DirectoryFilterForm(request.GET)
    raw_bbox = request.GET.get("bbox")
    bbox = selectors.parse_bbox(raw_bbox)
    if raw_bbox and bbox is None:
        return JsonResponse(
            {"error": _("bbox must be west,south,east,north in degrees.")}, status=400
        )
    rows = selectors.map_points(filters=form.filters, bbox=bbox)
    url_for = selectors.profile_url_maker()
    collection = {
        "type": "FeatureCollection",
        "features": [point_feature(row, url_for) for row in rows],
    }
    if len(rows) >= selectors.MAP_MAX_FEATURES:
        collection["truncated"] = True  # a foreign member: zoom in to see every actor
    return JsonResponse(
        collection,
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )


def organization_jsonld(actor, request):
    """schema.org Organization, public fields only."""
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": absolute_url(actor.get_absolute_url()),
        "name": actor.name,
        "url": actor.website or absolute_url(actor.get_absolute_url()),
    }
    if actor.description:
        data["description"] = actor.description
    if actor.legal_form:
        data["additionalType"] = actor.legal_form.name
    if actor.address or actor.territory:
        address = {"@type": "PostalAddress"}
        if actor.address:
            address["streetAddress"] = actor.address
        if actor.territory:
            address["addressLocality"] = actor.territory.name
            address["addressCountry"] = actor.territory.country
        data["address"] = address
    if actor.has_location:
        data["location"] = {
            "@type": "Place",
            "geo": {
                "@type": "GeoCoordinates",
                "latitude": float(actor.latitude),
                "longitude": float(actor.longitude),
            },
        }
    if actor.public_email:
        data["email"] = actor.public_email
    if actor.public_phone:
        data["telephone"] = actor.public_phone
    if actor.year_founded:
        data["foundingDate"] = str(actor.year_founded)
    if actor.identifier_kind == "siret" and actor.identifier:
        data["taxID"] = actor.identifier
    if actor.identifier:
        data["identifier"] = actor.identifier
    if actor.website:
        data["sameAs"] = [actor.website]
    if actor.sectors.all():
        data["knowsAbout"] = [sector.name for sector in actor.sectors.all()]
    if actor.umbrellas:
        data["memberOf"] = [
            {
                "@type": "Organization",
                "name": umbrella.name,
                "url": absolute_url(umbrella.get_absolute_url()),
            }
            for umbrella in actor.umbrellas
        ]
    text = json.dumps(data, ensure_ascii=False, indent=2)
    # Inside <script>, "</" would end the element: escape the characters that matter.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - escaped just above


@public_page("directory")
@require_GET
def actor_profile(request, slug):
    """A published actor's profile; an actor not published yet only for its creator, its
    administrators and the moderators, with a banner that says so (404 for anybody else)."""
    actor = selectors.actor_for_profile(slug=slug, viewer=request.user)
    if actor is None:
        raise Http404
    membership = None
    if request.user.is_authenticated:
        membership = Membership.objects.filter(actor=actor, user=request.user).first()
    response = render(
        request,
        "network/actor_detail.html",
        {
            "actor": actor,
            # Search engines and shared caches know published actors only.
            "jsonld": None if actor.is_preview else organization_jsonld(actor, request),
            "membership": membership,
            # What it cannot do yet, and why: the services' own words.
            "not_acting": services.not_approved_message(actor) if actor.is_preview else "",
            "is_admin": membership is not None
            and membership.role == Membership.Role.ADMIN
            and membership.status == Membership.Status.ACTIVE,
        },
    )
    if actor.is_preview:
        add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("actor_create")
def actor_create(request):
    form = ActorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actor = services.actor_create(
                user=request.user, values=form.public_values(), private=form.private_values()
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you! %(name)s waits for a moderator. It will appear in the directory "
                    "once approved."
                )
                % {"name": actor.name},
            )
            _say_if_unplaced(request, actor.address, actor.latitude)
            return redirect("network:mine")
    return render(request, "network/actor_form.html", {"form": form, "actor": None})


def _say_if_unplaced(request, address, latitude):
    """After a save: an address that the geocoder could not place leaves the actor off the
    map (listed beside it): say so, and how to place it."""
    if address and latitude in (None, ""):
        messages.warning(
            request,
            _(
                "No position was found for this address: the actor is listed beside the map, "
                "not on it. Edit it and use “Find on the map”, or place the marker yourself."
            ),
        )


def _admin_actor(request, slug):
    actor = get_object_or_404(Actor, slug=slug)
    if not (services.is_actor_admin(request.user, actor) or permissions.can_moderate(request.user)):
        raise PermissionDenied
    return actor


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("actor_change")
def actor_edit(request, slug):
    actor = _admin_actor(request, slug)
    pending = actor.changes.filter(status=ActorChange.Status.PENDING).first()
    form = ActorForm(request.POST or None, instance=Actor.objects.get(pk=actor.pk))
    if request.method == "POST" and form.is_valid():
        try:
            change = services.actor_update(
                actor=actor,
                user=request.user,
                values=form.public_values(),
                private=form.private_values(),
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            if change is not None:
                messages.success(
                    request,
                    _(
                        "Your changes wait for a moderator. The public sees the previous "
                        "information until they are approved."
                    ),
                )
            else:
                messages.success(request, _("Your changes are saved."))
            # What the actor will be: as stored, with the proposal's changes (the changed
            # fields only) when there is one.
            saved = services.current_values(Actor.objects.get(pk=actor.pk))
            if change is not None:
                saved.update(change.data)
            _say_if_unplaced(request, saved.get("address"), saved.get("latitude"))
            return redirect("network:mine")
    return render(
        request, "network/actor_form.html", {"form": form, "actor": actor, "pending": pending}
    )


@login_required
@require_POST
@rate_limit("join_request")
def actor_join(request, slug):
    actor = get_object_or_404(Actor.objects.published(), slug=slug)
    try:
        membership = services.membership_request(actor=actor, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if membership.status == Membership.Status.ACTIVE:
            messages.info(
                request, _("You are already a member of %(name)s.") % {"name": actor.name}
            )
        else:
            messages.success(
                request,
                _("Your request to join %(name)s was sent to its administrators.")
                % {"name": actor.name},
            )
    return redirect("network:actor", slug=actor.slug)


@login_required
@require_GET
def my_actors(request):
    context = selectors.actors_of(user=request.user)
    return render(request, "network/my_actors.html", context)


@login_required
@require_POST
def membership_decide(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("actor", "user"), pk=pk)
    decision = request.POST.get("decision")
    approve = decision in ("accept", "accept_admin")
    try:
        services.membership_decide(
            membership=membership,
            user=request.user,
            approve=approve,
            role=Membership.Role.ADMIN if decision == "accept_admin" else Membership.Role.MEMBER,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(person)s is now a member.") % {"person": membership.user.get_display_name()}
            if approve
            else _("The request was declined."),
        )
    return redirect("network:mine")


@login_required
@require_POST
@rate_limit("join_request")
def umbrella_join(request, slug):
    actor = _admin_actor(request, slug)
    form = UmbrellaJoinForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a network from the list."))
        return redirect("network:mine")
    try:
        services.umbrella_join_request(
            umbrella=form.cleaned_data["umbrella"], member=actor, user=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The administrators of %(network)s will review your request.")
            % {"network": form.cleaned_data["umbrella"].name},
        )
    return redirect("network:mine")


@login_required
@require_POST
def umbrella_decide(request, pk):
    link = get_object_or_404(UmbrellaMembership.objects.select_related("umbrella", "member"), pk=pk)
    approve = request.POST.get("decision") == "accept"
    try:
        services.umbrella_decide(link=link, user=request.user, approve=approve)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(actor)s is now a member of %(network)s.")
            % {"actor": link.member.name, "network": link.umbrella.name}
            if approve
            else _("The request was declined."),
        )
    return redirect("network:mine")


@login_required
@require_GET
def members(request, slug):
    actor = _admin_actor(request, slug)
    return render(
        request,
        "network/members.html",
        {
            "actor": actor,
            "memberships": actor.memberships.select_related("user").order_by("status", "pk"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def needs_manage(request, slug):
    actor = _admin_actor(request, slug)
    if request.method == "GET" and not services.actor_may_act(actor):
        messages.warning(request, services.not_approved_message(actor))
    form = NeedOfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.need_offer_create(actor=actor, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Added."))
            return redirect("network:needs_manage", slug=actor.slug)
    return render(
        request,
        "network/needs_manage.html",
        {"actor": actor, "form": form, "items": actor.needs_offers.order_by("-expires_on")},
    )


@login_required
@require_POST
def need_delete(request, pk):
    item = get_object_or_404(NeedOffer.objects.select_related("actor"), pk=pk)
    services.need_offer_delete(item=item, user=request.user)
    messages.success(request, _("Removed."))
    return redirect("network:needs_manage", slug=item.actor.slug)


@public_page("directory")
@require_GET
def needs_offers(request):
    category = request.GET.get("category") or ""
    if category not in NeedOfferCategory.values:
        category = ""
    return render(
        request,
        "network/needs_offers.html",
        {
            "category": category,
            "categories": NeedOfferCategory.choices,
            "matches": selectors.matches(category=category or None),
            "offers": list(selectors.needs_offers(kind=NeedOffer.Kind.OFFER, category=category)),
        },
    )


@require_GET
def confirm(request, token):
    """The one-click link of the yearly mail: the entry is still up to date."""
    try:
        actor = services.actor_confirm_current(token=token)
    except ValidationError as error:
        return render(
            request, "network/confirm.html", {"error": " ".join(error.messages)}, status=400
        )
    return render(request, "network/confirm.html", {"actor": actor})


@require_POST
def follow_remove(request, pk):
    """Stop following a sector or a territory, signed in or with the link of one's preferences
    (the list of what one follows is ``events``' section of the preferences page)."""
    token = request.POST.get("token")
    subscriber = subscribers.subscriber_acting(request, token)
    follow = get_object_or_404(Follow, pk=pk)
    if subscriber is None:
        raise Http404
    try:
        follows.follow_remove(follow=follow, subscriber=subscriber)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("You no longer follow it."))
    if token:
        return redirect("notifications:preferences_token", token=token)
    return redirect("notifications:preferences")
