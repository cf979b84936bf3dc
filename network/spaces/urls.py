from django.urls import path

from . import views

app_name = "spaces"

urlpatterns = [
    path("", views.space_list, name="spaces"),
    path("bookings/", views.my_bookings, name="my_bookings"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<int:pk>/decide/", views.booking_decide, name="booking_decide"),
    path("manage/", views.spaces_manage, name="spaces_manage"),
    path("usage/", views.spaces_usage, name="spaces_usage"),
    path("<slug:slug>/", views.space_detail, name="space"),
    path("<slug:slug>/book/", views.space_book, name="space_book"),
    path("<slug:slug>/feed/<str:token>.ics", views.space_feed, name="space_feed"),
]
