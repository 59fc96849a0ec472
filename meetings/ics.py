"""Meetings as iCalendar data that calendar applications can import or subscribe to."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import AlignmentMeeting

_ICS_STATUS = {
    AlignmentMeeting.Status.PLANNED: "CONFIRMED",
    AlignmentMeeting.Status.HELD: "CONFIRMED",
    AlignmentMeeting.Status.CANCELLED: "CANCELLED",
}


def meeting_uid(request, meeting):
    """The same UID every time, so a second download updates the event instead of adding one."""
    return f"meeting-{meeting.pk}@{request.get_host()}"


def meeting_event(request, meeting, *, stamp=None):
    """One VEVENT for `meeting`; times in UTC so no time-zone definition is needed.

    Reads `meeting.distributors` and `meeting.agenda_items`: prefetch both for several meetings.
    """
    page = request.build_absolute_uri(meeting.get_absolute_url())
    description = [
        _("With: %(distributors)s")
        % {"distributors": ", ".join(map(str, meeting.distributors.all()))}
    ]
    if meeting.join_url:
        description.append(_("Join: %(url)s") % {"url": meeting.join_url})
    if agenda := meeting.agenda_items.all():
        description += [_("Agenda:"), *(f"- {item.title}" for item in agenda)]
    description.append(page)

    event = Event()
    event.add("uid", meeting_uid(request, meeting))
    event.add("dtstamp", (stamp or timezone.now()).astimezone(dt.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
    event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
    event.add("summary", meeting.title)
    event.add("location", meeting.location or meeting.join_url)
    event.add("url", meeting.join_url or page)
    event.add("description", "\n".join(description))
    event.add("status", _ICS_STATUS[meeting.status])
    return event


def meetings_calendar(request, meetings, *, name=None, refresh=None):
    """The .ics bytes of one VCALENDAR holding a VEVENT per meeting.

    `name` titles the calendar in the applications that subscribe to it; `refresh` (a
    timedelta) tells them how often to fetch it again.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//PRM//Alignment meetings//EN")
    calendar.add("version", "2.0")
    if name:
        calendar.add("x-wr-calname", name)
    if refresh:
        calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", refresh)
    stamp = timezone.now()
    for meeting in meetings:
        calendar.add_component(meeting_event(request, meeting, stamp=stamp))
    return calendar.to_ical()


def meeting_calendar(request, meeting):
    """The .ics bytes for `meeting` alone."""
    return meetings_calendar(request, [meeting])
