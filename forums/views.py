"""Thin views of the forums: they read through selectors, write through services, and put a
refusal back on the form with everything typed kept."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from website.cache import public_page

from . import markup, selectors, services
from .forms import CloseForm, EditForm, PostForm, ReportForm, SearchForm, TopicForm
from .models import Attachment, Post, PublicationStatus, is_moderator
from .rules import limit

# Which form field a service's refusal belongs to (by its code); others go on top.
PENDING_MESSAGE = _lazy(
    "Thank you! Your first messages wait for a moderator's approval before others see them."
)
EDITED_MESSAGE = _lazy("Your changes are saved; the earlier version stays in the history.")

ERROR_FIELDS = {"title": "title", "files": "files", "rate_limited": None}


def _put_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                form.add_error(field if field in form.fields else None, item)
        return
    for item in error.error_list:
        field = ERROR_FIELDS.get(item.code, "body")
        form.add_error(field if field in form.fields else None, item)


def _category_or_404(request, slug):
    category = selectors.category_for(slug=slug, user=request.user)
    if category is None:
        raise Http404
    return category


def _topic_or_404(request, pk):
    topic = selectors.topic_for(pk=pk, user=request.user)
    if topic is None:
        raise Http404
    return topic


def _post_or_404(request, pk):
    post = get_object_or_404(Post.objects.select_related("topic", "author"), pk=pk)
    topic = _topic_or_404(request, post.topic_id)
    post.topic = topic
    return post


def _ancestors(category):
    chain, current = [], category.parent
    while current is not None and len(chain) < 10:
        chain.insert(0, current)
        current = current.parent
    return chain


@public_page("forums")
@require_GET
def index(request):
    return render(
        request,
        "forums/index.html",
        {
            "categories": selectors.category_tree(request.user),
            "unread": selectors.unread_count(user=request.user),
        },
    )


@public_page("forums")
@require_GET
def category(request, slug):
    category = _category_or_404(request, slug)
    topics = selectors.topics_of(category=category, user=request.user)
    page = Paginator(topics, limit("FORUMS_TOPICS_PER_PAGE")).get_page(request.GET.get("page"))
    return render(
        request,
        "forums/category.html",
        {
            "category": category,
            "ancestors": _ancestors(category),
            "subcategories": selectors.subcategories(category=category, user=request.user),
            "page_obj": page,
            "topics": page.object_list,
            "following": selectors.is_following(user=request.user, category=category),
            "refusal": services.posting_refusal(category=category, user=request.user),
        },
    )


def _previewing(request):
    return request.method == "POST" and "preview" in request.POST


def _preview(request, form, **where):
    """The context of a form's page showing the preview of its message (see
    ``services.post_preview``); what cannot be previewed goes on the form."""
    if not form.is_valid():
        return {}
    try:
        preview = services.post_preview(
            user=request.user, source=form.cleaned_data["body"], **where
        )
    except PermissionDenied as error:
        form.add_error(None, str(error) or _("You cannot post here."))
        return {}
    except ValidationError as error:
        _put_errors(form, error)
        return {}
    if preview.refusal is not None:
        _put_errors(form, preview.refusal)
    # A browser cannot be given back the files it sent: say which ones to choose again.
    files = [upload.name for upload in request.FILES.getlist("files")]
    return {"preview": preview, "files_to_choose_again": files}


def _render_topic_form(request, category, form, status=200, **extra):
    return render(
        request,
        "forums/topic_new.html",
        {"category": category, "ancestors": _ancestors(category), "form": form, **extra},
        status=status,
    )


@login_required
def topic_new(request, slug):
    category = _category_or_404(request, slug)
    refusal = services.posting_refusal(category=category, user=request.user)
    if refusal:
        messages.error(request, refusal)
        return redirect(category.get_absolute_url())
    if request.method != "POST":
        return _render_topic_form(request, category, TopicForm())
    if _previewing(request):
        form = TopicForm(request.POST, request.FILES, preview=True)
        extra = _preview(request, form, category=category)
        return _render_topic_form(request, category, form, 400 if form.errors else 200, **extra)
    form = TopicForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_topic_form(request, category, form, status=400)
    try:
        topic = services.topic_create(
            category=category,
            user=request.user,
            title=form.cleaned_data["title"],
            source=form.cleaned_data["body"],
            files=form.cleaned_data["files"],
        )
    except PermissionDenied as error:
        form.add_error(None, str(error) or _("You cannot post in this category."))
        return _render_topic_form(request, category, form, status=403)
    except ValidationError as error:
        _put_errors(form, error)
        return _render_topic_form(request, category, form, status=400)
    if topic.status == PublicationStatus.PENDING:
        messages.info(
            request,
            PENDING_MESSAGE,
        )
    else:
        messages.success(request, _("Your topic is published."))
    return redirect(topic.get_absolute_url())


def _topic_context(request, topic, page_number, form=None):
    posts = selectors.posts_of(topic=topic, user=request.user)
    page = Paginator(posts, limit("FORUMS_POSTS_PER_PAGE")).get_page(page_number)
    user = request.user
    refusal = services.posting_refusal(category=topic.category, user=user, topic=topic)
    moderator = is_moderator(user)
    for post in page.object_list:
        post.editable = user.is_authenticated and (post.author_id == user.pk or moderator)
        post.readable = post.status == PublicationStatus.PUBLISHED or (
            post.status in (PublicationStatus.PENDING, PublicationStatus.HIDDEN)
            and (moderator or post.author_id == user.pk)
        )
    if form is None and refusal is None:
        form = PostForm()
    return {
        "topic": topic,
        "category": topic.category,
        "ancestors": _ancestors(topic.category) + [topic.category],
        "page_obj": page,
        "posts": page.object_list,
        "form": form,
        "refusal": refusal,
        "following": selectors.is_following(user=user, topic=topic),
        "is_moderator": moderator,
        "can_close": services.can_close(topic=topic, user=user),
        "reply_action": reverse("forums:reply", args=[topic.pk]),
    }


@public_page("forums")
@require_GET
def topic(request, pk):
    topic = _topic_or_404(request, pk)
    return render(
        request, "forums/topic.html", _topic_context(request, topic, request.GET.get("page"))
    )


@require_GET
def post(request, pk):
    """Where a message is: its topic's page, at its anchor."""
    post = _post_or_404(request, pk)
    if post.status == PublicationStatus.PENDING and not services.can_edit(
        post=post, user=request.user
    ):
        raise Http404
    if request.user.is_authenticated:
        # Following a notification's link reads it.
        services.notifications_mark_read(user=request.user, post=post)
    position = selectors.post_position(post=post, user=request.user)
    page = position // limit("FORUMS_POSTS_PER_PAGE") + 1
    url = post.topic.get_absolute_url()
    return redirect(f"{url}?page={page}#post-{post.pk}" if page > 1 else f"{url}#post-{post.pk}")


def _render_reply(request, topic, form, quoted=None, status=200, **extra):
    return render(
        request,
        "forums/reply.html",
        {
            "topic": topic,
            "category": topic.category,
            "ancestors": _ancestors(topic.category) + [topic.category],
            "form": form,
            "quoted": quoted,
            **extra,
        },
        status=status,
    )


@login_required
def reply(request, pk):
    topic = _topic_or_404(request, pk)
    refusal = services.posting_refusal(category=topic.category, user=request.user, topic=topic)
    if refusal:
        messages.error(request, refusal)
        return redirect(topic.get_absolute_url())
    quoted = None
    quote_id = request.POST.get("quoted") or request.GET.get("quote")
    if quote_id and str(quote_id).isdigit():
        quoted = (
            Post.objects.filter(pk=quote_id, topic=topic, status=PublicationStatus.PUBLISHED)
            .select_related("author")
            .first()
        )
    if request.method != "POST":
        initial = {}
        if quoted is not None:
            initial = {"body": markup.quote_markdown(quoted), "quoted": quoted.pk}
        return _render_reply(request, topic, PostForm(initial=initial), quoted)
    if _previewing(request):
        form = PostForm(request.POST, request.FILES, preview=True)
        extra = _preview(request, form, topic=topic)
        return _render_reply(request, topic, form, quoted, 400 if form.errors else 200, **extra)
    form = PostForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_reply(request, topic, form, quoted, status=400)
    try:
        new = services.post_create(
            topic=topic,
            user=request.user,
            source=form.cleaned_data["body"],
            quoted=quoted,
            files=form.cleaned_data["files"],
        )
    except PermissionDenied as error:
        form.add_error(None, str(error) or _("You cannot reply in this topic."))
        return _render_reply(request, topic, form, quoted, status=403)
    except ValidationError as error:
        _put_errors(form, error)
        return _render_reply(request, topic, form, quoted, status=400)
    if new.status == PublicationStatus.PENDING:
        messages.info(
            request,
            PENDING_MESSAGE,
        )
    else:
        messages.success(request, _("Your reply is published."))
    return redirect(new.get_absolute_url())


@login_required
def post_edit(request, pk):
    post = _post_or_404(request, pk)
    if not services.can_edit(post=post, user=request.user):
        raise PermissionDenied
    previewing = _previewing(request)
    form = EditForm(request.POST or None, initial={"body": post.source}, preview=previewing)
    extra = _preview(request, form, post=post) if previewing else {}
    if request.method == "POST" and not previewing and form.is_valid():
        try:
            services.post_edit(post=post, user=request.user, source=form.cleaned_data["body"])
        except PermissionDenied as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, EDITED_MESSAGE)
            return redirect(post.get_absolute_url())
    return render(
        request,
        "forums/post_edit.html",
        {
            "post": post,
            "topic": post.topic,
            "ancestors": _ancestors(post.topic.category) + [post.topic.category],
            "form": form,
            **extra,
        },
        status=400 if form.errors else 200,
    )


@require_GET
def post_history(request, pk):
    post = _post_or_404(request, pk)
    if post.status != PublicationStatus.PUBLISHED and not services.can_edit(
        post=post, user=request.user
    ):
        raise Http404
    return render(
        request,
        "forums/post_history.html",
        {
            "post": post,
            "topic": post.topic,
            "ancestors": _ancestors(post.topic.category) + [post.topic.category],
            "revisions": post.revisions.select_related("editor"),
        },
    )


@login_required
def post_report(request, pk):
    post = _post_or_404(request, pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_report(
                post=post,
                user=request.user,
                reason=form.cleaned_data["reason"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("Thank you: the moderators will look at this message."))
            return redirect(post.topic.get_absolute_url())
    return render(
        request,
        "forums/post_report.html",
        {
            "post": post,
            "topic": post.topic,
            "ancestors": _ancestors(post.topic.category) + [post.topic.category],
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
def topic_close(request, pk):
    topic = _topic_or_404(request, pk)
    if not services.can_close(topic=topic, user=request.user):
        raise PermissionDenied
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.topic_close(
                topic=topic, user=request.user, conclusion=form.cleaned_data["conclusion"]
            )
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("The topic is closed with your conclusion."))
            return redirect(topic.get_absolute_url())
    return render(
        request,
        "forums/topic_close.html",
        {
            "topic": topic,
            "ancestors": _ancestors(topic.category) + [topic.category],
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def topic_moderate(request, pk):
    topic = _topic_or_404(request, pk)
    action = request.POST.get("action")
    flags = {
        "pin": {"pinned": True},
        "unpin": {"pinned": False},
        "lock": {"locked": True},
        "unlock": {"locked": False},
    }
    if action == "reopen":
        services.topic_reopen(topic=topic, user=request.user)
        messages.success(request, _("The topic is open again."))
    elif action in flags:
        services.topic_set_flags(topic=topic, user=request.user, **flags[action])
        messages.success(request, _("The topic is updated."))
    return redirect(topic.get_absolute_url())


@login_required
@require_POST
def follow_topic(request, pk):
    topic = _topic_or_404(request, pk)
    follow = request.POST.get("follow") == "1"
    services.follow_set(user=request.user, topic=topic, follow=follow)
    messages.success(
        request,
        _("You follow this topic.") if follow else _("You no longer follow this topic."),
    )
    return redirect(topic.get_absolute_url())


@login_required
@require_POST
def follow_category(request, slug):
    category = _category_or_404(request, slug)
    follow = request.POST.get("follow") == "1"
    services.follow_set(user=request.user, category=category, follow=follow)
    messages.success(
        request,
        _("You follow this category.") if follow else _("You no longer follow this category."),
    )
    return redirect(category.get_absolute_url())


@login_required
def notifications(request):
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        messages.success(request, _("All your notifications are marked as read."))
        return redirect("forums:notifications")
    rows = selectors.notifications_of(user=request.user)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "forums/notifications.html",
        {
            "page_obj": page,
            "notices": page.object_list,
            "unread": selectors.unread_count(user=request.user),
        },
    )


@require_GET
def search(request):
    form = SearchForm(request.GET or None)
    results = []
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        results = list(selectors.search(query=query, user=request.user)) if query else []
    return render(request, "forums/search.html", {"form": form, "query": query, "results": results})


@require_GET
def attachment(request, pk, name):
    attachment = get_object_or_404(Attachment.objects.select_related("post"), pk=pk, name=name)
    post = _post_or_404(request, attachment.post_id)
    readable = post.status == PublicationStatus.PUBLISHED or services.can_edit(
        post=post, user=request.user
    )
    if not readable:
        raise Http404
    as_attachment = attachment.kind != Attachment.Kind.IMAGE
    if accel := settings.ESSAIM_PRIVATE_MEDIA_ACCEL_REDIRECT:
        # nginx sends the file from its internal location over PRIVATE_MEDIA_ROOT, keeping
        # Content-Type, Content-Disposition and Cache-Control (README, "Production").
        response = HttpResponse(content_type=attachment.content_type)
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + quote(attachment.file.name)
        response["Content-Disposition"] = content_disposition_header(as_attachment, attachment.name)
    else:
        response = FileResponse(
            attachment.file.open("rb"),
            content_type=attachment.content_type,
            as_attachment=as_attachment,
            filename=attachment.name,
        )
    # Served bytes never run as a page of this site, whatever they contain.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
def mail_preference(request):
    """Forum mail on or off, from the preferences page (signed in, or with its link)."""
    from website.notifications import subscribers

    token = request.POST.get("token")
    subscriber = subscribers.subscriber_acting(request, token)
    if subscriber is None or subscriber.user is None:
        raise Http404
    services.forum_mail_set(
        user=subscriber.user,
        enabled=request.POST.get("mail") == "on",
        actor_email=subscriber.email,
    )
    messages.success(request, _("Your preferences are saved."))
    if token:
        return redirect("notifications:preferences_token", token=token)
    return redirect("notifications:preferences")
