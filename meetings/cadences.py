"""Cadence state: is each kind of contact with a distributor on track, due soon or overdue?

Like a health check with a grace period: every kind of contact is due one interval after
its last qualifying event (or after the day the distributor was added, while there has
been none). It is *due soon* from `due_soon_days` before that day up to and including the
day itself, and *overdue* from the day after.

The rule itself is `Cadence.state()`; this module supplies its inputs. `with_cadence_dates`
annotates a whole queryset of distributors with the last event dates in one SQL query, and
`cadence_states` reads them from such a row, or runs that same query for a single row, so
lists and single pages can never disagree.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import DateField, Max, OuterRef, Subquery, TextChoices
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from distributors.models import ContactSeniority, Distributor, DistributorStatus
from prm import japan_calendar


class CadenceKind(TextChoices):
    ALIGNMENT = "alignment", _("Alignment meeting")
    TOUCHPOINT = "touchpoint", _("Informal touchpoint")
    SENIOR_CONTACT = "senior_contact", _("Senior-level contact")


class CadenceStatus(TextChoices):
    ON_TRACK = "on_track", _("On track")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


# What counts for each kind, as a person reads it in a reason.
QUALIFYING_EVENTS = {
    CadenceKind.ALIGNMENT: _("held alignment meeting"),
    CadenceKind.TOUCHPOINT: _("touchpoint or meeting"),
    CadenceKind.SENIOR_CONTACT: _("senior-level contact"),
}

# The attribute `with_cadence_dates` puts the last qualifying date of each kind in.
LAST_EVENT_ON = {
    CadenceKind.ALIGNMENT: "last_alignment_on",
    CadenceKind.TOUCHPOINT: "last_touchpoint_on",
    CadenceKind.SENIOR_CONTACT: "last_senior_contact_on",
}

# Partners still finding their footing need a closer rhythm of structured dialogue.
CLOSE_FOLLOW_STATUSES = (DistributorStatus.ONBOARDING, DistributorStatus.PILOT)


def default_cadence_for(distributor):
    """The intervals that apply where a distributor's Cadence row leaves a field empty.

    Alignment meetings are quarterly, every two months while onboarding or in a pilot. Informal
    touchpoints are every 6 weeks, every 8 with logistics partners: they are in touch with
    our supply chain people every day through shipments, so an account manager's visit
    can be rarer (their seasonal-peak reminders add contact when it matters). Senior-level
    contact is every 6 months for everyone.
    """
    return {
        "alignment_interval_months": 2 if distributor.status in CLOSE_FOLLOW_STATUSES else 3,
        "touchpoint_interval_weeks": 8 if distributor.is_logistics_partner else 6,
        "senior_contact_interval_months": 6,
    }


@dataclass(frozen=True)
class Interval:
    """An interval of whole months (calendar-aware) or weeks."""

    count: int
    unit: str  # "months" or "weeks"

    def after(self, day):
        if self.unit == "months":
            return japan_calendar.add_months(day, self.count)
        return day + dt.timedelta(weeks=self.count)

    def __str__(self):
        if self.unit == "months":
            text = ngettext("every month", "every %(count)d months", self.count)
        else:
            text = ngettext("every week", "every %(count)d weeks", self.count)
        return text % {"count": self.count}


@dataclass(frozen=True)
class CadenceState:
    """Where one kind of contact with one distributor stands on `as_of`."""

    kind: CadenceKind
    status: CadenceStatus
    due_on: dt.date  # the day it became, or becomes, due
    last_event_on: dt.date | None  # None: no qualifying event yet
    counted_from: dt.date  # the last event, or the day the distributor was added
    interval: Interval
    as_of: dt.date

    @property
    def reason(self):
        """Why the status is what it is, in a sentence."""
        # Each text formats only the dates it shows: the nightly snapshot writes thousands.
        values = {"event": QUALIFYING_EVENTS[self.kind], "interval": self.interval}
        if self.status == CadenceStatus.OVERDUE:
            values["elapsed"] = timesince(self.counted_from, self.as_of, depth=1)
        else:
            values["due"] = japan_calendar.date_text(self.due_on)
        if self.status == CadenceStatus.OVERDUE and self.last_event_on:
            # Translators: %(event)s is e.g. "senior-level contact", %(interval)s "every 6
            # months", %(elapsed)s "7 months".
            text = gettext("No %(event)s for %(elapsed)s; the cadence asks for one %(interval)s.")
        elif self.status == CadenceStatus.OVERDUE:
            text = gettext(
                "No %(event)s since the distributor was added %(elapsed)s ago; "
                "the cadence asks for one %(interval)s."
            )
        elif self.last_event_on:
            values["last"] = japan_calendar.date_text(self.last_event_on)
            text = gettext("Last %(event)s on %(last)s; the next is due by %(due)s.")
        else:
            text = gettext(
                "No %(event)s yet; the first is due by %(due)s, "
                "counted from the day the distributor was added."
            )
        return text % values


def _latest(events, per, latest):
    """The aggregate `latest` over `events` (None when there are none), as a subquery.

    `events` are filtered on one distributor (OuterRef) through the field `per`: grouping
    by it gives the one row. An aggregate, not ORDER BY ... LIMIT 1, which SQLite answers
    by walking all meetings in date order for every distributor.
    """
    return Subquery(
        events.order_by().values(per).annotate(latest=latest).values("latest"),
        output_field=DateField(),
    )


def _later(a, b):
    # On SQLite, Greatest() is NULL when either side is (PostgreSQL skips NULLs): coalescing
    # each side with the other gives the later date, or the only one, on both.
    return Greatest(Coalesce(a, b), Coalesce(b, a))


def with_cadence_dates(queryset):
    """Annotate distributors with what their cadence states are computed from, in one query.

    Adds created_on, last_alignment_on, last_touchpoint_on and last_senior_contact_on
    (None while there is no such event), and the Cadence row through select_related, so
    `cadence_states()` needs no further query. Meetings count on their start date in the
    business time zone; an advisory board counts for each distributor at the table.
    """
    from meetings.models import AlignmentMeeting, Touchpoint  # models.py imports this module

    business_tz = timezone.get_default_timezone()
    # The day of the latest start, converting one value rather than every meeting's.
    last_meeting_day = TruncDate(Max("starts_at"), tzinfo=business_tz)
    held = AlignmentMeeting.objects.filter(
        distributors=OuterRef("pk"), status=AlignmentMeeting.Status.HELD
    )
    # The newest through the index on (distributor, -occurred_on): one index entry, where
    # an aggregate reads every touchpoint the distributor ever had.
    last_touchpoint = Subquery(
        Touchpoint.objects.filter(distributor=OuterRef("pk"))
        .order_by("-occurred_on")
        .values("occurred_on")[:1]
    )
    last_meeting = _latest(held, "distributors", last_meeting_day)
    # One filter() call: the executive must be one of *this* distributor's attendees.
    senior_meetings = held.filter(
        contact_attendees__distributor=OuterRef("pk"),
        contact_attendees__seniority=ContactSeniority.EXECUTIVE,
    )
    # Newest first through the same index, stopping at the first touchpoint with an
    # executive present, rather than joining every touchpoint to every contact met.
    last_senior_touchpoint = Subquery(
        Touchpoint.objects.filter(
            distributor=OuterRef("pk"), contacts__seniority=ContactSeniority.EXECUTIVE
        )
        .order_by("-occurred_on")
        .values("occurred_on")[:1]
    )
    return queryset.select_related("cadence").annotate(
        created_on=TruncDate("created_at", tzinfo=business_tz),
        last_alignment_on=last_meeting,
        last_touchpoint_on=_later(last_touchpoint, last_meeting),
        last_senior_contact_on=_later(
            last_senior_touchpoint,
            _latest(senior_meetings, "distributors", last_meeting_day),
        ),
    )


def cadence_states(distributor, today=None):
    """The state of each cadence kind for `distributor`, as {kind: CadenceState}.

    A row from `with_cadence_dates()` costs no query; any other distributor costs one.
    `today` defaults to today in the business time zone.
    """
    from meetings.models import Cadence  # models.py imports this module

    if not hasattr(distributor, "created_on"):
        distributor = with_cadence_dates(Distributor.objects.filter(pk=distributor.pk)).get()
    cadence = Cadence.for_distributor(distributor)
    today = today or japan_calendar.today()
    return {
        kind: cadence.state(
            kind,
            last_event_on=getattr(distributor, LAST_EVENT_ON[kind]),
            since=distributor.created_on,
            today=today,
        )
        for kind in CadenceKind
    }
