from django.urls import path

from . import feeds, views

app_name = "events"

urlpatterns = [
    path("occurrences/<int:occurrence_id>/register/", views.register, name="register"),
    path("registrations/<uuid:token>/cancel/", views.cancel_registration, name="cancel"),
    path("registrations/<uuid:token>/", views.registration_detail, name="registration"),
    path("registrations/<uuid:token>.ics", feeds.registration_ics, name="registration_ics"),
    path("mine/", views.my_events, name="mine"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscriptions/<int:pk>/remove/", views.subscription_remove, name="subscription_remove"),
]

urlpatterns += [
    path("<uuid:uid>.ics", feeds.event_ics, name="event_ics"),
    path("feed.ics", feeds.feed, name="feed"),
]
