"""Touchpoints and alignment meetings in the account managers' workspace.

Forms that htmx posts (the touchpoint quick form, agenda and action items) answer an htmx
request with the fragment to swap in, and any other request with a redirect, so every
page also works without JavaScript.
"""

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from prm import history
from prm.choices import Side
from prm.ids import is_id
from prm.permissions import account_manager_required, staff_member_required

from . import ics, selectors, services
from .forms import (
    ActionItemForm,
    AgendaItemForm,
    MeetingForm,
    MinutesForm,
    TouchpointForm,
    autofocus,
    blank_touchpoint_fields,
)
from .models import ActionItem, AgendaItem, AlignmentMeeting


def _is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def _safe_next(request):
    """The address to go back to, if it is on this site. An address, never a URL name:
    redirect() would look "0" up as a view's name and fail."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if allowed else ""


# Touchpoints


@staff_member_required
def touchpoint_log(request):
    if request.method == "POST":
        form = TouchpointForm(request.POST)
        if form.is_valid():
            touchpoint = services.do_log_touchpoint(
                logged_by=request.user,
                follow_up=form.follow_up_data(),
                **{name: form.cleaned_data[name] for name in TouchpointForm.Meta.fields},
            )
            if _is_htmx(request):
                return _quick_form_response(request, None, touchpoint)
            messages.success(
                request,
                _("Touchpoint with %(distributor)s logged.")
                % {"distributor": touchpoint.distributor},
            )
            return HttpResponseRedirect(
                _safe_next(request) or touchpoint.distributor.get_absolute_url()
            )
        if _is_htmx(request):
            return _quick_form_response(request, form)
    else:
        form = TouchpointForm.for_user(request.user, request.GET.get("distributor"))
    return render(
        request, "meetings/touchpoint_form.html", {"form": form, "next": _safe_next(request)}
    )


def _quick_form_response(request, form, touchpoint=None):
    """The quick form again (empty after a save: `form` None; with the errors otherwise),
    and the news for the status region that screen readers announce."""
    context = {"next": _safe_next(request), "quick": True, "logged": touchpoint}
    if form is None:
        context["kept_fields"] = blank_touchpoint_fields(request.user, focused=True)
    else:
        autofocus(form)
        context["form"] = form
    return render(request, "meetings/_touchpoint_quick_response.html", context)


@staff_member_required
@require_GET
def touchpoint_contacts(request):
    """The contacts checkboxes for the distributor chosen in the touchpoint form (htmx)."""
    form = TouchpointForm(
        initial={
            "distributor": request.GET.get("distributor"),
            "contacts": request.GET.getlist("contacts"),
        }
    )
    return render(
        request, "meetings/_contacts_field.html", {"form": form, "field": form["contacts"]}
    )


@staff_member_required
@require_GET
def distributor_search(request):
    """The distributor <option>s whose name contains ?q=, in Latin script, Japanese or kana:
    the first few, and an option saying when more match."""
    selected = request.GET.get("distributor", "")
    chosen = [int(selected)] if is_id(selected) else []
    distributors, more = selectors.first_matches(request.GET.get("q", ""), chosen)
    # Keep the current choice (offered first, match or not); pick the only match otherwise.
    if not any(str(d.pk) == selected for d in distributors):
        selected = str(distributors[0].pk) if len(distributors) == 1 else ""
    return render(
        request,
        "meetings/_distributor_options.html",
        {"distributors": distributors, "more": more, "selected": selected},
    )


@staff_member_required
def touchpoint_detail(request, pk):
    touchpoint = selectors.touchpoint_detail(pk)
    return render(
        request,
        "meetings/touchpoint_detail.html",
        {"touchpoint": touchpoint, "action_items": touchpoint.action_items.all()},
    )


# Meetings


@account_manager_required
def meeting_create(request):
    if request.method == "POST":
        form = MeetingForm(request.POST)
        if form.is_valid():
            meeting = services.do_schedule_meeting(organizer=request.user, **_meeting_data(form))
            messages.success(request, _("Meeting scheduled."))
            return redirect(meeting)
    else:
        initial = {"staff_attendees": [request.user], **MeetingForm.suggested_time()}
        if is_id(distributor := request.GET.get("distributor", "")):
            initial["distributors"] = [distributor]
        form = MeetingForm(initial=initial)
    return render(request, "meetings/meeting_form.html", {"form": form})


@account_manager_required
def meeting_edit(request, pk):
    meeting = get_object_or_404(AlignmentMeeting, pk=pk)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        services.do_update_meeting(meeting, **_meeting_data(form))
        messages.success(request, _("Meeting updated."))
        return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting})


def _meeting_data(form):
    names = [*MeetingForm.Meta.fields, "ends_at"]
    return {name: form.cleaned_data[name] for name in names}


@account_manager_required
@require_GET
def meeting_contacts(request):
    """The distributor attendees checkboxes for the distributors chosen in the form (htmx)."""
    form = MeetingForm(
        initial={
            "distributors": request.GET.getlist("distributors"),
            "contact_attendees": request.GET.getlist("contact_attendees"),
        }
    )
    return render(
        request,
        "meetings/_contacts_field.html",
        {"form": form, "field": form["contact_attendees"]},
    )


@staff_member_required
def meeting_detail(request, pk):
    return _meeting_page(request, selectors.meeting_detail(pk))


def _meeting_page(request, meeting, *, agenda_form=None, action_form=None):
    context = {
        "meeting": meeting,
        **selectors.agenda_sections(meeting.agenda_items.all()),
        "action_items": meeting.action_items.all(),
        "minutes": selectors.minutes_in_reader_language(meeting),
    }
    if request.user.is_account_manager:
        context["agenda_form"] = agenda_form or AgendaItemForm()
        context["action_form"] = action_form or ActionItemForm(meeting=meeting)
    return render(request, "meetings/meeting_detail.html", context)


@account_manager_required
def meeting_minutes(request, pk):
    meeting = get_object_or_404(AlignmentMeeting, pk=pk)
    form = MinutesForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        services.do_record_minutes(meeting, **form.cleaned_data)
        messages.success(request, _("Minutes saved."))
        return redirect(meeting)
    return render(request, "meetings/meeting_minutes.html", {"form": form, "meeting": meeting})


@account_manager_required
@require_POST
def meeting_status(request, pk):
    meeting = get_object_or_404(AlignmentMeeting, pk=pk)
    status = request.POST.get("status")
    if status not in AlignmentMeeting.Status.values:
        raise BadRequest("Unknown meeting status.")
    services.do_set_meeting_status(meeting, status)
    messages.success(
        request, _("Meeting status: %(status)s.") % {"status": meeting.get_status_display()}
    )
    return redirect(meeting)


@account_manager_required
@require_POST
def meeting_share(request, pk):
    meeting = get_object_or_404(AlignmentMeeting, pk=pk)
    shared = request.POST.get("shared") == "true"
    services.do_share_minutes(meeting, shared)
    if shared:
        messages.success(request, _("The distributor can now read the minutes."))
    else:
        messages.success(request, _("The minutes are no longer shared with the distributor."))
    return redirect(meeting)


@account_manager_required
@require_POST
def agenda_item_add(request, pk):
    meeting = get_object_or_404(AlignmentMeeting, pk=pk)
    form = AgendaItemForm(request.POST)
    added = None
    if form.is_valid():
        added = services.do_add_agenda_item(meeting, proposed_by=request.user, **form.cleaned_data)
        if not _is_htmx(request):
            messages.success(request, _("Agenda item added."))
            return redirect(meeting)
        form = AgendaItemForm()
    if not _is_htmx(request):
        return _meeting_page(request, selectors.meeting_detail(pk), agenda_form=form)
    autofocus(form)
    return _agenda_response(request, meeting, form, added=added)


def _agenda_response(request, meeting, form, **news):
    """The agenda for htmx to swap in, and `news` (added=item or decided=item) for the
    status region that screen readers announce."""
    context = {
        "meeting": meeting,
        **selectors.agenda_sections(selectors.agenda_items_of(meeting)),
        "agenda_form": form,
        **news,
    }
    return render(request, "meetings/_agenda_response.html", context)


@account_manager_required
@require_POST
def agenda_item_decide(request, pk):
    """Accept or decline an agenda item a distributor proposed."""
    item = get_object_or_404(
        AgendaItem.objects.select_related("meeting"), pk=pk, proposer_side=Side.DISTRIBUTOR
    )
    decision = request.POST.get("decision")
    if decision not in (AgendaItem.Status.ACCEPTED, AgendaItem.Status.DECLINED):
        raise BadRequest("Unknown decision.")
    decided = services.do_decide_agenda_item(item, status=decision, decided_by=request.user)
    if not decided:
        item.refresh_from_db(fields=["status", "decided_by", "decided_at"])
    if _is_htmx(request):
        return _agenda_response(
            request, item.meeting, AgendaItemForm(), decided=item, already_decided=not decided
        )
    if decided:
        messages.success(
            request,
            _("Agenda item “%(title)s”: %(status)s.")
            % {"title": item.title, "status": item.get_status_display()},
        )
    else:
        messages.info(
            request,
            _("Agenda item “%(title)s” was already decided: %(status)s.")
            % {"title": item.title, "status": item.get_status_display()},
        )
    return redirect(item.meeting.get_absolute_url() + "#agenda")


@account_manager_required
@require_POST
def action_item_add(request, pk):
    meeting = get_object_or_404(AlignmentMeeting, pk=pk)
    form = ActionItemForm(request.POST, meeting=meeting)
    added = None
    if form.is_valid():
        added = services.do_add_action_item(meeting, **form.action_item_data())
        if not _is_htmx(request):
            messages.success(request, _("Action item added."))
            return redirect(meeting)
        form = ActionItemForm(meeting=meeting)
    if not _is_htmx(request):
        return _meeting_page(request, selectors.meeting_detail(pk), action_form=form)
    autofocus(form)
    context = {
        "meeting": meeting,
        "action_items": selectors.action_items_of(meeting),
        "action_form": form,
        "added": added,
    }
    return render(request, "meetings/_action_items_response.html", context)


@account_manager_required
@require_POST
def action_item_status(request, pk):
    item = get_object_or_404(ActionItem.objects.select_related("meeting", "touchpoint"), pk=pk)
    status = request.POST.get("status")
    if status not in ActionItem.Status.values:
        raise BadRequest("Unknown action item status.")
    services.do_set_action_item_status(item, status, by=request.user)
    origin = item.meeting or item.touchpoint
    if _is_htmx(request):
        context = {"action_items": selectors.action_items_of(origin), "changed": item}
        return render(request, "meetings/_action_item_list_response.html", context)
    messages.success(
        request,
        _("Action item “%(action)s”: %(status)s.")
        % {"action": item.description, "status": item.get_status_display()},
    )
    return HttpResponseRedirect(_safe_next(request) or origin.get_absolute_url())


@staff_member_required
def meeting_ics(request, pk):
    meeting = selectors.meeting_for_calendar(pk)
    response = HttpResponse(
        ics.meeting_calendar(request, meeting), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@staff_member_required
def meeting_history(request, pk):
    """Who changed the meeting, its agenda and its action items, and what they changed."""
    meeting = get_object_or_404(AlignmentMeeting, pk=pk)
    sources = [
        history.Source(AlignmentMeeting.history.filter(id=meeting.pk)),
        history.Source(AgendaItem.history.filter(meeting_id=meeting.pk), history.named()),
        history.Source(ActionItem.history.filter(meeting_id=meeting.pk), history.named()),
    ]
    page = history.history_page(sources, request.GET.get("page"))
    return render(request, "meetings/history.html", {"meeting": meeting, "page": page})
