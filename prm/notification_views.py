"""A staff user's own things: the notifications behind the bell, and their calendar feed."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from meetings import ics
from meetings.models import Reminder

from . import calendar_feed, notifications
from .permissions import staff_member_required

PAGE_SIZE = 25


def _own_notification(request, pk):
    try:
        return notifications.notification_of(request.user, pk)
    except Reminder.DoesNotExist:
        raise Http404 from None


def _back_to_list(request):
    url = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    # The address itself: redirect() would look "0" up as a view's name and fail.
    return HttpResponseRedirect(url) if allowed else redirect("notifications:list")


@require_GET
@staff_member_required
def notification_list(request):
    page = Paginator(notifications.notifications_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/list.html",
        {"page_obj": page, "dismissable_states": notifications.DISMISSABLE_STATES},
    )


@require_GET
@staff_member_required
def notification_open(request, pk):
    """Follow a notification's link: mark it read, then go to the page that needs action."""
    reminder = _own_notification(request, pk)
    notifications.do_mark_read(request.user, [reminder.pk])
    return redirect(reminder)


@require_POST
@staff_member_required
def notification_mark_read(request, pk):
    reminder = _own_notification(request, pk)
    notifications.do_mark_read(request.user, [reminder.pk])
    messages.success(request, _("Marked as read: %(what)s.") % {"what": reminder})
    return _back_to_list(request)


@require_POST
@staff_member_required
def notification_mark_all_read(request):
    count = notifications.do_mark_read(request.user, notifications.ALL)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked as read.",
            "%(count)d notifications marked as read.",
            count,
        )
        % {"count": count},
    )
    return _back_to_list(request)


@require_POST
@staff_member_required
def notification_dismiss(request, pk):
    reminder = _own_notification(request, pk)
    if notifications.do_dismiss(request.user, reminder.pk):
        messages.success(request, _("Dismissed: %(what)s.") % {"what": reminder})
    else:
        messages.error(
            request, _("This notification cannot be dismissed before it has been delivered.")
        )
    return _back_to_list(request)


class EmailPreferencesForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("E-mail me these reminders"),
        help_text=gettext_lazy("Every reminder also appears under the bell, e-mailed or not."),
        choices=Reminder.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


@staff_member_required
def email_preferences(request):
    if request.method == "POST":
        form = EmailPreferencesForm(request.POST)
        if form.is_valid():
            notifications.do_set_email_preferences(request.user, form.cleaned_data["email_kinds"])
            messages.success(request, _("Your e-mail preferences are saved."))
            return redirect("notifications:preferences")
    else:
        wanted = notifications.email_preferences(request.user)
        form = EmailPreferencesForm(
            initial={"email_kinds": [kind for kind, on in wanted.items() if on]}
        )
    return render(request, "notifications/preferences.html", {"form": form})


@require_GET
@staff_member_required
def calendar_settings(request):
    token = request.user.calendar_token
    feed_url = request.build_absolute_uri(reverse("calendar:feed", args=[token])) if token else None
    return render(request, "notifications/calendar.html", {"feed_url": feed_url})


@require_POST
@staff_member_required
def calendar_regenerate(request):
    had_one = bool(request.user.calendar_token)
    calendar_feed.do_regenerate_calendar_token(request.user)
    if had_one:
        messages.success(
            request, _("Your calendar feed has a new address. The old address no longer works.")
        )
    else:
        messages.success(request, _("Your calendar feed is ready."))
    return redirect("calendar:settings")


@require_GET
def calendar_feed_ics(request, token):
    """The feed itself: no login, the token in the URL authenticates (see calendar_feed.py)."""
    user = calendar_feed.feed_owner(token)
    if user is None:
        raise Http404
    body = ics.meetings_calendar(
        request,
        calendar_feed.feed_meetings(user),
        name=_("PRM meetings · %(user)s") % {"user": user},
        refresh=calendar_feed.REFRESH,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="prm-meetings.ics"'
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response
