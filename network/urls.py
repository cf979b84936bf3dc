"""The networking domain under ``/directory/``: meeting spaces and incubators' programmes
first (the actors' slugs would catch "spaces" and "programmes"), then the directory.

Each app keeps its own namespace: ``spaces``, ``incubators`` and ``network`` (the directory,
under its historic label)."""

from django.urls import include, path

urlpatterns = [
    path("spaces/", include("network.spaces.urls")),
    path("programmes/", include("network.incubators.urls")),
    path("", include("network.directory.urls")),
]
