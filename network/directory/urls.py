from django.urls import path

from . import opendata, views

app_name = "network"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("map/", views.map_page, name="map"),
    path("map/data.geojson", views.map_data, name="map_data"),
    path("new/", views.actor_create, name="create"),
    path("mine/", views.my_actors, name="mine"),
    path("needs-and-offers/", views.needs_offers, name="needs_offers"),
    path("statistics/", opendata.statistics, name="statistics"),
    path("open-data/", opendata.open_data, name="open_data"),
    path("open-data/actors.geojson", opendata.export_geojson, name="export_geojson"),
    path("open-data/actors.csv", opendata.export_csv, name="export_csv"),
    path("open-data/actors.json", opendata.export_json, name="export_json"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("memberships/<int:pk>/decide/", views.membership_decide, name="membership_decide"),
    path("umbrella-requests/<int:pk>/decide/", views.umbrella_decide, name="umbrella_decide"),
    path("needs/<int:pk>/delete/", views.need_delete, name="need_delete"),
    path("follows/<int:pk>/remove/", views.follow_remove, name="follow_remove"),
    path("<slug:slug>/", views.actor_profile, name="actor"),
    path("<slug:slug>/edit/", views.actor_edit, name="edit"),
    path("<slug:slug>/join/", views.actor_join, name="join"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/umbrella/", views.umbrella_join, name="umbrella_join"),
    path("<slug:slug>/needs/", views.needs_manage, name="needs_manage"),
]
