"""The platform's read-only JSON API, one router per app, with its OpenAPI schema.

The interactive documentation page is off: it loads scripts from a CDN. The schema is at
/api/v1/openapi.json; it validates as OpenAPI 3.1, and what it forbids the server refuses
(``website.api_common`` says how, and the language rule of every answer).
"""

import functools

from django.http import Http404
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

from . import registry
from .api_common import error_message, requested_language


class EssaimAPI(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts):
        """Ninja's, with the place of an error in a list parameter named as the parameter's
        (``["query", "kind", 0]``, not ``["query", "filters", "kind", 0]``), and pydantic's
        hints (the input, its context) left out: each message is written in ``lang``."""
        errors = []
        for context in error_contexts:
            model = context.model
            names = model.__ninja_flatten_map_reverse__
            for error in context.pydantic_validation_error.errors(include_url=False):
                loc = error["loc"]
                cut = next((n for n in range(len(loc), 0, -1) if loc[:n] in names), 0)
                if cut:
                    loc = names[loc[:cut]] + loc[cut:]
                errors.append(
                    {
                        "type": error["type"],
                        "loc": [model.__ninja_param_source__, *loc],
                        "msg": error["msg"],
                        "ctx": error.get("ctx", {}),
                    }
                )
        return ValidationError(errors)

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        # Ninja copies a parameter schema's ``examples`` (a list, as JSON Schema has it) to the
        # Parameter itself, where OpenAPI 3.1 wants a map of Example Objects: the schema's
        # list says it already.
        for operations in schema["paths"].values():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    parameter.pop("examples", None)
        return schema


api = EssaimAPI(
    title="Essaim API",
    version="1",
    description=(
        "Events of the network's cities and their dates, the directory's published actors, "
        "meeting spaces and their availability, incubators' programmes and calls for "
        "applications. Read-only, no authentication.\n\n"
        "Every operation takes `lang` (`fr` or `en`): the language of the answer's texts and "
        "of its error messages, French when `lang` is absent or not one of these; "
        "Accept-Language is not read.\n\n"
        'Errors: 404 with `{"detail": message}`; 422 with `{"detail": [{"loc", "msg"}]}`, '
        "for a value the schema forbids (sectors, territories, legal forms, networks and "
        "incubators are edited at any time: the `enum` of their slugs is the list as it is "
        "when this schema is read), or a rule between two parameters given in the "
        "operation's description."
    ),
    docs_url=None,
    urls_namespace="api",
)


def in_requested_language(run):
    """Run an operation, its checks and its errors in the language ``lang`` asks for."""

    @functools.wraps(run)
    def run_in_language(request, *args, **kwargs):
        language = requested_language(request)
        with translation.override(language):
            response = run(request, *args, **kwargs)
        response.headers["Content-Language"] = language
        return response

    return run_in_language


# Before validation ("view"), so that the checks of the parameters speak the language too.
api.add_decorator(in_requested_language, mode="view")


@api.exception_handler(ValidationError)
def invalid_input(request, exc):
    errors = [{"loc": list(error["loc"]), "msg": error_message(error)} for error in exc.errors]
    return api.create_response(request, {"detail": errors}, status=422)


@api.exception_handler(Http404)
def not_found(request, exc):
    # The views say what was not found; Django's own message (a model's name) is not for clients.
    message = exc.args[0] if exc.args and isinstance(exc.args[0], Promise) else None
    return api.create_response(request, {"detail": str(message or _("Page not found"))}, status=404)


# Each app adds its router when it is ready (``website.registry.api_router``).
for prefix, router in registry.API_ROUTERS:
    api.add_router(prefix, router)
