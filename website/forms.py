"""Form pieces shared by the apps: filter forms read from the query string, and putting a
service's ValidationError on the form that called it."""

from django import forms


class FilterForm(forms.Form):
    """Filters of a listing, read from the query string (GET).

    Fields that do not validate are left out of ``filters`` and show their error; the others
    still filter, so a mistyped address never empties the page nor breaks it.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)

    @property
    def filters(self):
        """What to filter on: the fields that validated (all of them for a valid form)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}

    @property
    def is_filtering(self):
        return bool(self.filters)


def errors_to_form(form, error, fields=None):
    """Put a service's ValidationError on ``form``, next to its fields.

    ``fields`` maps the service's field names to the form's where they differ; errors about
    a field the form does not have go to the top of the form.
    """
    fields = fields or {}
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            field = fields.get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def api_filters(form_class, query, *, skip=("lang",)):
    """The filters of an API call, validated by the form of the matching page, so that the API
    and the pages agree; errors become a 422 in the language the call asked for."""
    from django.http import QueryDict
    from django.utils import translation
    from ninja.errors import ValidationError

    data = QueryDict(mutable=True)
    for name, value in query.dict().items():
        if name in skip or value in (None, False, [], ""):
            continue
        if isinstance(value, list):
            data.setlist(name, value)
        else:
            data[name] = "on" if value is True else str(value)
    with translation.override(query.lang):
        form = form_class(data)
        if not form.is_valid():
            raise ValidationError(
                [
                    {"loc": ["query", field], "msg": " ".join(errors)}
                    for field, errors in form.errors.items()
                ]
            )
    return form.filters
