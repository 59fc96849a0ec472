"""The partner portal's meetings: the agenda to come, shared minutes, the action items.

Everything is read through `visible_to` (meetings/selectors.py), so an advisory board
shows a distributor's user only their own side of it.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meetings import ics, selectors, services
from meetings.models import ActionItem
from prm.choices import Side
from prm.permissions import portal_user_required
from prm.scoping import visible_or_404

from ..forms.meetings import ActionItemDoneForm, AgendaProposalForm

PAST_PER_PAGE = 10


@portal_user_required
@require_GET
def meeting_list(request):
    now = timezone.now()
    past = Paginator(selectors.portal_past_meetings(request.user, now), PAST_PER_PAGE)
    context = {
        "upcoming": selectors.portal_upcoming_meetings(request.user, now),
        "past_page": past.get_page(request.GET.get("page")),
    }
    return render(request, "portal/meeting_list.html", context)


@portal_user_required
@require_GET
def meeting_detail(request, pk):
    return _detail_page(request, selectors.portal_meeting_detail(request.user, pk))


def _detail_page(request, meeting, *, proposal_form=None, done_form=None):
    """The meeting page; `proposal_form` or `done_form` bound when one was not valid."""
    theirs, ours = [], []
    for item in meeting.action_items.all():
        if item.owner_side == Side.OURS:
            ours.append(item)
            continue
        form = None
        if item.status == ActionItem.Status.OPEN:
            keep = done_form is not None and done_form.item.pk == item.pk
            form = done_form if keep else ActionItemDoneForm(item=item)
        theirs.append((item, form))
    can_propose = services.can_propose_agenda_item(meeting)
    context = {
        "meeting": meeting,
        "their_action_items": theirs,
        "our_action_items": ours,
        "proposal_form": (proposal_form or AgendaProposalForm()) if can_propose else None,
        "minutes": selectors.minutes_in_reader_language(meeting)
        if meeting.minutes_shared
        else None,
    }
    return render(request, "portal/meeting_detail.html", context)


def _detail_url(meeting_id, anchor):
    return reverse("portal:meeting_detail", args=[meeting_id]) + f"#{anchor}"


@portal_user_required
@require_POST
def agenda_propose(request, pk):
    meeting = selectors.portal_meeting_detail(request.user, pk)
    if not services.can_propose_agenda_item(meeting):
        messages.error(request, services.PROPOSALS_CLOSED)
        return redirect(_detail_url(meeting.pk, "agenda"))
    form = AgendaProposalForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, meeting, proposal_form=form)
    try:
        item = services.do_propose_agenda_item(
            meeting, proposed_by=request.user, **form.cleaned_data
        )
    except ValidationError as error:
        # The meeting started or was cancelled while the form was being filled in.
        messages.error(request, " ".join(error.messages))
        return redirect(_detail_url(meeting.pk, "agenda"))
    messages.success(
        request,
        _("Your proposal “%(title)s” was sent. Our team will accept or decline it.")
        % {"title": item.title},
    )
    return redirect(_detail_url(meeting.pk, "agenda"))


@portal_user_required
@require_POST
def action_item_done(request, pk):
    # Our side's items are only shown in the portal: marking them is not theirs to do.
    item = visible_or_404(
        ActionItem.objects.filter(owner_side=Side.DISTRIBUTOR).select_related("meeting"),
        request.user,
        pk=pk,
    )
    form = ActionItemDoneForm(request.POST, item=item)
    if not form.is_valid():
        meeting = selectors.portal_meeting_detail(request.user, item.meeting_id)
        return _detail_page(request, meeting, done_form=form)
    completed = services.do_complete_action_item(
        item, completed_by=request.user, note=form.cleaned_data["note"]
    )
    if completed:
        messages.success(
            request,
            _("“%(action)s” is marked done. Thank you.") % {"action": item.description},
        )
    else:
        item.refresh_from_db(fields=["status"])
        messages.info(
            request,
            _("“%(action)s” is no longer open: %(status)s.")
            % {"action": item.description, "status": item.get_status_display()},
        )
    return redirect(_detail_url(item.meeting_id, f"action-item-{item.pk}"))


@portal_user_required
@require_GET
def meeting_ics(request, pk):
    meeting = selectors.portal_meeting_for_calendar(request.user, pk)
    body = ics.meeting_calendar(
        request,
        meeting,
        page=reverse("portal:meeting_detail", args=[meeting.pk]),
        distributors=(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response
