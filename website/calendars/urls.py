from django.urls import path

from . import views

app_name = "calendars"

# Under /events/, where they have always been.
urlpatterns = [
    path("feed/regenerate/", views.feed_regenerate, name="feed_regenerate"),
    path("feed/<str:token>.ics", views.personal_feed, name="personal_feed"),
]
