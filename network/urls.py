from django.urls import include, path

from . import booking_views, incubator_urls, opendata, views

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
    # Meeting spaces (before the actors' slugs, which would catch "spaces").
    path("spaces/", booking_views.space_list, name="spaces"),
    path("spaces/bookings/", booking_views.my_bookings, name="my_bookings"),
    path("spaces/bookings/<int:pk>/", booking_views.booking_detail, name="booking"),
    path("spaces/bookings/<int:pk>/cancel/", booking_views.booking_cancel, name="booking_cancel"),
    path("spaces/bookings/<int:pk>/decide/", booking_views.booking_decide, name="booking_decide"),
    path("spaces/manage/", booking_views.spaces_manage, name="spaces_manage"),
    path("spaces/usage/", booking_views.spaces_usage, name="spaces_usage"),
    path("spaces/<slug:slug>/", booking_views.space_detail, name="space"),
    path("spaces/<slug:slug>/book/", booking_views.space_book, name="space_book"),
    path("spaces/<slug:slug>/feed/<str:token>.ics", booking_views.space_feed, name="space_feed"),
    # Incubators' programmes and calls (before the actors' slugs too).
    path("programmes/", include(incubator_urls.urlpatterns)),
    path("<slug:slug>/", views.actor_profile, name="actor"),
    path("<slug:slug>/edit/", views.actor_edit, name="edit"),
    path("<slug:slug>/join/", views.actor_join, name="join"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/umbrella/", views.umbrella_join, name="umbrella_join"),
    path("<slug:slug>/needs/", views.needs_manage, name="needs_manage"),
]
