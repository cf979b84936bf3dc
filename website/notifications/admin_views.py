"""Mail deliveries for administrators: what failed, why, and a button to send it again."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .models import Delivery


def deliveries(request):
    if not request.user.is_superuser:
        raise PermissionDenied
    status = request.GET.get("status", Delivery.Status.FAILED)
    if status not in Delivery.Status.values:
        status = Delivery.Status.FAILED
    rows = (
        Delivery.objects.filter(status=status)
        .select_related("notification")
        .order_by("-created_at")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("p"))
    counts = dict(Delivery.objects.values_list("status").annotate(count=Count("pk")).order_by())
    return TemplateResponse(
        request,
        "notifications/admin/deliveries.html",
        {
            "page_obj": page,
            "status": status,
            "statuses": [
                (value, label, counts.get(value, 0)) for value, label in Delivery.Status.choices
            ],
            "page_title": _("Mail deliveries"),
        },
    )


@require_POST
def retry(request, pk):
    delivery = get_object_or_404(Delivery, pk=pk)
    if services.delivery_retry(delivery=delivery, user=request.user):
        messages.success(request, _("The message is queued again."))
    return redirect("notifications_deliveries")
