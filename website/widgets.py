"""The address → point picker shared by the forms that place something on the map (actors,
spaces, events), on the site and in Wagtail's admin.

The address field gets ``AddressPickerWidget``: the textarea, a "Find on the map" button that
asks the ``geocode`` endpoint, and a small Leaflet map with a draggable, keyboard-operable
marker (``static/js/address-picker.js``). The marker writes the form's own latitude and
longitude inputs, which stay real form fields under the same names: the model's validation
("both or neither") and the services keep working, and without JavaScript the form still
sends the address (the server places it) or the coordinates typed by hand. In the admin,
``AddressPanel`` puts the address and those two fields together, the coordinates folded
under "Adjust the coordinates by hand". This module never imports the apps.
"""

from django import forms
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

# The words the script says, with the placeholders it fills in (data-text-* attributes: the
# Content Security Policy forbids inline scripts).
TEXTS = {
    "searching": _("Looking for the address…"),
    "empty": _("Type the address first."),
    "none": _(
        "No place found for this address. Check it, or click the map where the place is "
        "and adjust the marker."
    ),
    "failed": _("The search did not work. Try again, or give the coordinates by hand."),
    "choose": _("Several places match this address: choose one in the list below."),
    "address": _("Placed at the address: %(label)s. Drag the marker to adjust it if needed."),
    "street": _("Placed on the street: %(label)s. Drag the marker to the exact place."),
    "commune": _(
        "Placed at the centre of the commune: %(label)s. Drag the marker to the exact place."
    ),
    "precision-address": _("address"),
    "precision-street": _("street"),
    "precision-commune": _("commune"),
    "position": _("Position: latitude %(latitude)s, longitude %(longitude)s."),
    "removed": _("The position is removed."),
    "marker": _("Position marker: the arrow keys move it, Shift and an arrow move it further"),
}


def _prefix_of(name, field):
    """The prefix of a prefixed form's field names ("actor-" in "actor-address")."""
    return name[: -len(field)] if name.endswith(field) else ""


class AddressPickerWidget(forms.Textarea):
    """The address textarea with the map that places its point.

    ``latitude`` and ``longitude`` name the form's fields that the marker writes (the form's
    prefix is added as the address field's own); ``country``, an ISO 3166 code, narrows
    the search.
    """

    template_name = "website/widgets/address_picker.html"

    def __init__(
        self,
        attrs=None,
        *,
        address="address",
        latitude="latitude",
        longitude="longitude",
        country="",
    ):
        super().__init__({"rows": 3, **(attrs or {})})
        self.address = address
        self.latitude = latitude
        self.longitude = longitude
        self.country = country

    class Media:
        css = {"all": ["vendor/leaflet/leaflet.css", "css/address-picker.css"]}
        # basemap.js: the ground shared by the site's maps (tiles, or the bundled offline layer).
        js = ["vendor/leaflet/leaflet.js", "js/basemap.js", "js/address-picker.js"]

    def render(self, name, value, attrs=None, renderer=None):
        # The project's template engine: the form renderer only sees the apps' templates.
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        prefix = _prefix_of(name, self.address)
        try:
            geocode_url = reverse("geocode")
        except NoReverseMatch:
            geocode_url = ""  # no search: the marker and the coordinates still work
        context.update(
            geocode_url=geocode_url,
            country=self.country,
            latitude_name=prefix + self.latitude,
            longitude_name=prefix + self.longitude,
            tiles=settings.ESSAIM_MAP_TILE_URL,
            attribution=settings.ESSAIM_MAP_TILE_ATTRIBUTION,
            texts={key: str(text) for key, text in TEXTS.items()},
        )
        return context


class AddressPanel(MultiFieldPanel):
    """Wagtail's panel of an address and its point: the address with the picker, then the
    latitude and longitude fields folded under "Adjust the coordinates by hand" (open when
    they have an error)."""

    def __init__(
        self,
        children=None,
        *args,
        address="address",
        latitude="latitude",
        longitude="longitude",
        country="",
        **kwargs,
    ):
        if not children:
            children = [
                FieldPanel(
                    address,
                    widget=AddressPickerWidget(
                        address=address, latitude=latitude, longitude=longitude, country=country
                    ),
                ),
                FieldRowPanel([FieldPanel(latitude), FieldPanel(longitude)]),
            ]
        super().__init__(children, *args, **kwargs)
        self.address = address
        self.latitude = latitude
        self.longitude = longitude
        self.country = country

    def clone_kwargs(self):
        return {
            **super().clone_kwargs(),
            "address": self.address,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "country": self.country,
        }

    class BoundPanel(MultiFieldPanel.BoundPanel):
        template_name = "website/widgets/address_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            names = (self.panel.latitude, self.panel.longitude)
            context["coordinates_have_errors"] = any(
                name in self.form.fields and self.form[name].errors for name in names
            )
            children = self.visible_children
            context["address_child"] = children[0] if children else None
            context["coordinate_children"] = children[1:]
            return context


def place_snippets_on_save(model, *, locate, unplaced_message):
    """Wagtail's snippet views save their form themselves: register the hooks that then
    place a ``model`` row from its address. ``locate(instance, before)`` is the app's service
    (``before``: the address and coordinates stored until the edit) and returns whether the
    row has a position; ``unplaced_message`` is shown when an address could not be placed."""
    from django.contrib import messages
    from wagtail import hooks

    attribute = f"_position_before_{model._meta.label_lower.replace('.', '_')}"

    def remember_stored_position(request, instance):
        if isinstance(instance, model):
            setattr(request, attribute, (instance.address, instance.latitude, instance.longitude))

    def place(request, instance):
        if not isinstance(instance, model):
            return
        before = getattr(request, attribute, None)
        if not locate(instance, before) and instance.address:
            messages.warning(request, unplaced_message)

    hooks.register("before_edit_snippet", remember_stored_position)
    hooks.register("after_create_snippet", place)
    hooks.register("after_edit_snippet", place)
