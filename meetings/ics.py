"""Meetings as iCalendar data that calendar applications can import or subscribe to."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import AgendaItem, AlignmentMeeting

_ICS_STATUS = {
    AlignmentMeeting.Status.PLANNED: "CONFIRMED",
    AlignmentMeeting.Status.HELD: "CONFIRMED",
    AlignmentMeeting.Status.CANCELLED: "CANCELLED",
}


def meeting_uid(request, meeting):
    """The same UID every time, so a second download updates the event instead of adding one."""
    return f"meeting-{meeting.pk}@{request.get_host()}"


def meeting_event(request, meeting, *, stamp=None, page=None, distributors=None):
    """One VEVENT for `meeting`; times in UTC so no time-zone definition is needed.

    `page` is the path of the meeting's page for whoever downloads it (our staff page by
    default), `distributors` the partners named in it (all the meeting's by default; none
    for a distributor's own user, who must not learn who else sits on an advisory board).
    The agenda is the accepted items of the prefetched `meeting.agenda_items`. Prefetch
    `distributors` and `agenda_items` for several meetings.
    """
    page = request.build_absolute_uri(page or meeting.get_absolute_url())
    if distributors is None:
        distributors = meeting.distributors.all()
    description = []
    if distributors:
        description.append(
            _("With: %(distributors)s") % {"distributors": ", ".join(map(str, distributors))}
        )
    if meeting.join_url:
        description.append(_("Join: %(url)s") % {"url": meeting.join_url})
    agenda = [
        item for item in meeting.agenda_items.all() if item.status == AgendaItem.Status.ACCEPTED
    ]
    if agenda:
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


def _calendar():
    calendar = Calendar()
    calendar.add("prodid", "-//PRM//Alignment meetings//EN")
    calendar.add("version", "2.0")
    return calendar


def meetings_calendar(request, meetings, *, name=None, refresh=None):
    """The .ics bytes of one VCALENDAR holding a VEVENT per meeting.

    `name` titles the calendar in the applications that subscribe to it; `refresh` (a
    timedelta) tells them how often to fetch it again.
    """
    calendar = _calendar()
    if name:
        calendar.add("x-wr-calname", name)
    if refresh:
        calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", refresh)
    stamp = timezone.now()
    for meeting in meetings:
        calendar.add_component(meeting_event(request, meeting, stamp=stamp))
    return calendar.to_ical()


def meeting_calendar(request, meeting, **options):
    """The .ics bytes for `meeting` alone; `options` as for meeting_event."""
    calendar = _calendar()
    calendar.add_component(meeting_event(request, meeting, **options))
    return calendar.to_ical()
