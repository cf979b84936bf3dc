"""Incubators' programmes and calls, under ``/directory/programmes/``."""

from django.urls import path

from . import views

app_name = "incubators"

urlpatterns = [
    path("", views.programme_list, name="programmes"),
    path("deadlines.ics", views.calls_feed, name="calls_feed"),
    path("alerts/", views.call_alerts, name="call_alerts"),
    path("manage/<slug:slug>/", views.programmes_manage, name="programmes_manage"),
    path("manage/<slug:slug>/new/", views.programme_create, name="programme_create"),
    path("<slug:slug>/", views.programme_detail, name="programme"),
    path("<slug:slug>/edit/", views.programme_edit, name="programme_edit"),
    path("<slug:slug>/calls/new/", views.call_create, name="call_create"),
    path("<slug:slug>/calls/<int:pk>/", views.call_detail, name="call"),
    path("<slug:slug>/calls/<int:pk>/edit/", views.call_edit, name="call_edit"),
]
