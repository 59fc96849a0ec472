"""The portal's feedback: what the distributor's people sent us, our replies, their answers."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from distributors import feedback_selectors as selectors
from distributors import feedback_services as services
from distributors.models import Feedback
from prm.permissions import portal_user_required
from prm.scoping import visible_or_404

from ..forms.feedback import FeedbackAnswerForm, FeedbackForm

PAGE_SIZE = 20


def _detail_url(feedback):
    return reverse("portal:feedback_detail", args=[feedback.pk])


@require_GET
@portal_user_required
def feedback_list(request):
    page = Paginator(selectors.portal_feedback(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "portal/feedback_list.html", {"page_obj": page})


@require_http_methods(["GET", "POST"])
@portal_user_required
def feedback_create(request):
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        feedback = services.do_submit_feedback(request.user, **form.cleaned_data)
        messages.success(request, _("Thank you: your feedback was sent to our team."))
        return redirect(_detail_url(feedback))
    return render(request, "portal/feedback_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@portal_user_required
def feedback_detail(request, pk):
    feedback = visible_or_404(Feedback.objects.select_related("submitted_by"), request.user, pk=pk)
    closed = feedback.status in services.CLOSED_STATUSES
    form = FeedbackAnswerForm(request.POST or None, closed=closed)
    if request.method == "POST" and form.is_valid():
        services.do_answer_feedback(request.user, feedback, **form.cleaned_data)
        messages.success(request, _("Your answer was added."))
        return redirect(_detail_url(feedback))
    return render(
        request,
        "portal/feedback_detail.html",
        {
            "feedback": feedback,
            "replies": selectors.portal_feedback_replies(request.user, feedback),
            "form": form,
        },
    )
