from django.urls import path

from . import views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/delete/", views.delete_account, name="account_delete"),
    path("profile/data.json", views.export_data, name="account_data_export"),
]
