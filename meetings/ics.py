"""A meeting as an iCalendar file that calendar applications can import."""

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


def meeting_calendar(request, meeting):
    """The .ics bytes for `meeting`; times in UTC so no time-zone definition is needed."""
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
    # The same UID every time, so a second download updates the event instead of adding one.
    event.add("uid", f"meeting-{meeting.pk}@{request.get_host()}")
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
    event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
    event.add("summary", meeting.title)
    event.add("location", meeting.location or meeting.join_url)
    event.add("url", meeting.join_url or page)
    event.add("description", "\n".join(description))
    event.add("status", _ICS_STATUS[meeting.status])

    calendar = Calendar()
    calendar.add("prodid", "-//PRM//Alignment meetings//EN")
    calendar.add("version", "2.0")
    calendar.add_component(event)
    return calendar.to_ical()
