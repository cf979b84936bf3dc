from django.urls import path

from . import feeds, views

app_name = "forums"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("notifications/", views.notifications, name="notifications"),
    path("mail/", views.mail_preference, name="mail_preference"),
    path("feed/", feeds.LatestTopicsFeed(), name="feed"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("c/<slug:slug>/new/", views.topic_new, name="topic_new"),
    path("c/<slug:slug>/follow/", views.follow_category, name="follow_category"),
    path("c/<slug:slug>/feed/", feeds.CategoryTopicsFeed(), name="category_feed"),
    path("t/<int:pk>/", views.topic, name="topic"),
    path("t/<int:pk>/reply/", views.reply, name="reply"),
    path("t/<int:pk>/close/", views.topic_close, name="topic_close"),
    path("t/<int:pk>/moderate/", views.topic_moderate, name="topic_moderate"),
    path("t/<int:pk>/follow/", views.follow_topic, name="follow_topic"),
    path("p/<int:pk>/", views.post, name="post"),
    path("p/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("p/<int:pk>/history/", views.post_history, name="post_history"),
    path("p/<int:pk>/report/", views.post_report, name="post_report"),
    path("files/<int:pk>/<str:name>", views.attachment, name="attachment"),
]
