"""Pages whose views live in their app's ``views`` module, registered on the page class.

A page model is the leaf of its app (issue 19, held by import-linter's contracts): the app's
forms, selectors, services and views import the models, so the models import none of them.
Yet Wagtail serves a page through its model: ``Page.serve`` renders ``get_context``, and
``RoutablePageMixin`` resolves the addresses below a page to the page's own methods. So the
arrow is turned round as Django's admin turns it (``admin.site.register`` names a model that
never names its admin), and as Wagtail's own admin does when its ``ready()`` gives ``Page``
its ``base_form_class``: the app's ``views`` module registers on the page class what the
page shows,

    @GoodPracticePage.register_context
    def practice_context(page, request):             # added to get_context
        ...

    @EventIndexPage.register_route("month/<int:year>/<int:month>/", name="month")
    def agenda_month(page, request, year, month):    # a route of RoutablePageMixin
        ...

A registered route is a Wagtail route like a decorated method: Wagtail binds its function to
the page (``page`` comes first) and ``reverse_subpage`` finds it by name. Each app's
``AppConfig.ready`` imports its views, so registrations come before any request, preview or
system check. Wagtail builds a page class's resolver once, at the first address it resolves
or reverses: a route registered after that would never be served, so it is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.urls import URLPattern, path
from wagtail.contrib.routable_page.models import RoutablePageMixin

ContextFunction = Callable[[Any, HttpRequest], dict[str, Any]]


class RegisteredContextMixin:
    """A page whose ``get_context`` adds what the functions its app's views registered give.

    Functions registered on a page class apply to its subclasses too, the base's first.
    """

    @classmethod
    def register_context(cls, function: ContextFunction) -> ContextFunction:
        """Add ``function(page, request)``, a dict, to the context of this kind of page."""
        if "_context_functions" not in cls.__dict__:
            cls._context_functions = []
        if function in cls._context_functions:
            raise ValueError(f"{function.__qualname__} is registered twice on {cls.__name__}.")
        cls._context_functions.append(function)
        return function

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)  # type: ignore[misc]
        for klass in reversed(type(self).__mro__):
            for function in klass.__dict__.get("_context_functions", ()):
                context.update(function(self, request))
        return context


class RegisteredRoutesMixin(RoutablePageMixin):
    """A ``RoutablePageMixin`` whose routes its app's views register with ``register_route``.

    Registered routes come before the routes of decorated methods, so ``""`` replaces
    Wagtail's own ``index_route`` (and serves previews, which resolve ``/``).
    """

    @classmethod
    def register_route(cls, pattern: str, *, name: str) -> Callable[[Callable], Callable]:
        """Serve the addresses below the page that match ``pattern`` (as ``django.urls.path``)
        with ``view(page, request, **kwargs)``, reversed by ``name``."""

        def register(view: Callable) -> Callable:
            if "_routablepage_urlresolver" in cls.__dict__:
                raise ImproperlyConfigured(
                    f"The route {name!r} of {cls.__name__} is registered after Wagtail built "
                    "the page's resolver: import the views in the app's ready()."
                )
            if "_registered_urls" not in cls.__dict__:
                cls._registered_urls = []
            if any(url.name == name for url in cls._registered_urls):
                raise ValueError(f"The route {name!r} is registered twice on {cls.__name__}.")
            cls._registered_urls.append(path(pattern, view, name=name))
            return view

        return register

    @classmethod
    def get_subpage_urls(cls) -> tuple[URLPattern, ...]:
        registered = [
            url for klass in cls.__mro__ for url in klass.__dict__.get("_registered_urls", ())
        ]
        return (*registered, *super().get_subpage_urls())
