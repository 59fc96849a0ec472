"""The staff feedback inbox: what distributors sent through the portal, and our answers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from prm.permissions import staff_member_required

from . import feedback_selectors as selectors
from . import feedback_services as services
from .feedback_forms import FeedbackFilterForm, FeedbackReplyForm, FeedbackStatusForm

PAGE_SIZE = 25


@staff_member_required
def feedback_inbox(request):
    form = FeedbackFilterForm(request.GET, has_portfolio=request.user.is_account_manager)
    feedback = selectors.feedback_inbox(request.user, **form.filters())
    page = Paginator(feedback, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "distributors/feedback_inbox.html", {"form": form, "page_obj": page})


@require_http_methods(["GET", "POST"])
@staff_member_required
def feedback_detail(request, pk):
    feedback = get_object_or_404(selectors.feedback_for_staff(), pk=pk)
    reply_form = FeedbackReplyForm(prefix="reply")
    status_form = FeedbackStatusForm(prefix="status", initial={"status": feedback.status})
    if request.method == "POST":
        if not request.user.is_account_manager:
            raise PermissionDenied
        # Two forms share the page; a hidden field says which one was sent.
        if request.POST.get("form") == "status":
            status_form = FeedbackStatusForm(request.POST, prefix="status")
            if status_form.is_valid():
                services.do_set_feedback_status(request.user, feedback, **status_form.cleaned_data)
                messages.success(
                    request,
                    _("The status is now “%(status)s”.")
                    % {"status": feedback.get_status_display()},
                )
                return redirect(feedback)
        else:
            reply_form = FeedbackReplyForm(request.POST, prefix="reply")
            if reply_form.is_valid():
                services.do_reply_to_feedback(request.user, feedback, **reply_form.cleaned_data)
                messages.success(request, _("Your reply was added."))
                return redirect(feedback)
    return render(
        request,
        "distributors/feedback_detail.html",
        {
            "feedback": feedback,
            "replies": selectors.feedback_replies(feedback),
            "sender_hidden": selectors.sender_hidden_from(feedback, request.user),
            "reply_form": reply_form,
            "status_form": status_form,
        },
    )
