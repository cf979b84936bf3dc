"""RSS feeds of new topics. Feed readers carry no session: only public categories appear."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import selectors


class LatestTopicsFeed(Feed):
    title = _("Essaim forums: new topics")
    description = _("The newest topics of the public forums.")

    def link(self):
        return reverse("forums:index")

    def items(self):
        return selectors.latest_topics(user=AnonymousUser())

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.category.name

    def item_pubdate(self, item):
        return item.created_at

    def item_author_name(self, item):
        return item.author.get_display_name() if item.author else ""


class CategoryTopicsFeed(LatestTopicsFeed):
    def get_object(self, request, slug):
        category = selectors.category_for(slug=slug, user=AnonymousUser())
        if category is None:
            raise Http404
        return category

    def title(self, obj):
        return obj.name

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return obj.description or obj.name

    def items(self, obj):
        return selectors.latest_topics(category=obj, user=AnonymousUser())
