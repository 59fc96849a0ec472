"""Cadence state: on track, due soon, overdue, from the last qualifying event, at the edges.

Time is frozen on Monday 2026-06-01, 09:00 in Tokyo unless a test travels elsewhere.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from distributors.models import Contact, Distributor
from meetings.cadences import (
    CadenceKind,
    CadenceStatus,
    cadence_states,
    default_cadence_for,
    with_cadence_dates,
)
from meetings.models import AlignmentMeeting, Cadence
from tests import factories

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
D = dt.date
ALIGNMENT, TOUCHPOINT, SENIOR = CadenceKind
ON_TRACK, DUE_SOON, OVERDUE = CadenceStatus.ON_TRACK, CadenceStatus.DUE_SOON, CadenceStatus.OVERDUE
HELD = AlignmentMeeting.Status.HELD
EXECUTIVE = Contact.Seniority.EXECUTIVE
ADDED_ON = D(2026, 1, 5)  # the day most distributors here were added


def in_tokyo(day, hour=9, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(in_tokyo(D(2026, 6, 1)), tick=False) as traveller:
        yield traveller


def make_distributor(added=ADDED_ON, **fields):
    distributor = factories.DistributorFactory(**fields)
    Distributor.objects.filter(pk=distributor.pk).update(created_at=in_tokyo(added, 10))
    return Distributor.objects.get(pk=distributor.pk)


def touchpoint(distributor, day, *contacts):
    tp = factories.TouchpointFactory(distributor=distributor, occurred_on=day)
    tp.contacts.set(contacts)
    return tp


def meeting(distributors, starts_at, *contacts, status=HELD):
    if not isinstance(starts_at, dt.datetime):  # a day: 14:00 in Tokyo
        starts_at = in_tokyo(starts_at, 14)
    held = factories.AlignmentMeetingFactory(
        distributors=distributors, starts_at=starts_at, status=status
    )
    held.contact_attendees.set(contacts)
    return held


def executive_of(distributor):
    return factories.ContactFactory(distributor=distributor, seniority=EXECUTIVE)


@pytest.mark.parametrize(
    "today, status",
    [
        (D(2026, 5, 17), ON_TRACK),  # 15 days before: outside the 14-day window
        (D(2026, 5, 18), DUE_SOON),  # 14 days before
        (D(2026, 5, 31), DUE_SOON),  # due tomorrow
        (D(2026, 6, 1), DUE_SOON),  # due today: not overdue yet
        (D(2026, 6, 2), OVERDUE),  # overdue by one day
    ],
)
def test_status_at_the_edges_of_the_due_date(frozen, today, status):
    distributor = make_distributor()
    touchpoint(distributor, D(2026, 4, 20))  # every 6 weeks: due on 2026-06-01
    frozen.move_to(in_tokyo(today))
    state = cadence_states(distributor)[TOUCHPOINT]
    assert (state.status, state.due_on, state.last_event_on) == (
        status,
        D(2026, 6, 1),
        D(2026, 4, 20),
    )


def test_today_is_the_business_day_in_tokyo(frozen):
    distributor = make_distributor()
    touchpoint(distributor, D(2026, 4, 20))
    # 2026-06-01 15:30 UTC is already the 2nd in Tokyo: overdue, whatever UTC says.
    frozen.move_to(dt.datetime(2026, 6, 1, 15, 30, tzinfo=dt.UTC))
    assert cadence_states(distributor)[TOUCHPOINT].status == OVERDUE


def test_no_events_yet_counts_from_the_day_the_distributor_was_added():
    distributor = make_distributor(added=D(2026, 1, 5))
    states = cadence_states(distributor)

    alignment = states[ALIGNMENT]
    assert (alignment.status, alignment.due_on, alignment.last_event_on) == (
        OVERDUE,
        D(2026, 4, 5),
        None,
    )
    assert alignment.counted_from == D(2026, 1, 5)
    assert alignment.reason == (
        "No held alignment meeting since the distributor was added 4\xa0months ago; "
        "the cadence asks for one every 3 months."
    )
    assert states[TOUCHPOINT].due_on == D(2026, 2, 16)
    senior = states[SENIOR]
    assert (senior.status, senior.due_on) == (ON_TRACK, D(2026, 7, 5))
    assert senior.reason == (
        "No senior-level contact yet; the first is due by July 5, 2026, "
        "counted from the day the distributor was added."
    )


def test_the_day_added_is_the_day_in_tokyo():
    distributor = make_distributor()
    # 2026-01-04 16:00 UTC is 01:00 on the 5th in Tokyo.
    Distributor.objects.filter(pk=distributor.pk).update(
        created_at=dt.datetime(2026, 1, 4, 16, tzinfo=dt.UTC)
    )
    assert cadence_states(distributor)[ALIGNMENT].counted_from == D(2026, 1, 5)


def test_reason_in_words():
    distributor = make_distributor(added=D(2025, 6, 1))
    touchpoint(distributor, D(2025, 10, 20), executive_of(distributor))
    touchpoint(distributor, D(2026, 5, 4))
    states = cadence_states(distributor)
    assert states[SENIOR].status == OVERDUE
    assert states[SENIOR].reason == (
        "No senior-level contact for 7\xa0months; the cadence asks for one every 6 months."
    )
    assert states[TOUCHPOINT].reason == (
        "Last touchpoint or meeting on May 4, 2026; the next is due by June 15, 2026."
    )
    assert str(states[TOUCHPOINT].interval) == "every 6 weeks"


def test_only_held_meetings_count_for_alignment():
    distributor = make_distributor()
    meeting([distributor], D(2026, 5, 25), status=AlignmentMeeting.Status.PLANNED)
    meeting([distributor], D(2026, 5, 26), status=AlignmentMeeting.Status.CANCELLED)
    states = cadence_states(distributor)
    assert states[ALIGNMENT].last_event_on is None
    assert states[TOUCHPOINT].last_event_on is None

    meeting([distributor], D(2026, 3, 10))
    states = cadence_states(distributor)
    assert (states[ALIGNMENT].last_event_on, states[ALIGNMENT].status) == (
        D(2026, 3, 10),
        DUE_SOON,  # due on 2026-06-10
    )
    assert states[TOUCHPOINT].last_event_on == D(2026, 3, 10)  # a meeting is contact too


def test_a_meeting_counts_on_its_day_in_tokyo():
    distributor = make_distributor()
    # 2026-03-31 15:30 UTC is 00:30 on April 1 in Tokyo.
    meeting([distributor], dt.datetime(2026, 3, 31, 15, 30, tzinfo=dt.UTC))
    assert cadence_states(distributor)[ALIGNMENT].last_event_on == D(2026, 4, 1)


def test_touchpoint_cadence_takes_the_later_of_touchpoints_and_meetings():
    distributor = make_distributor()
    touchpoint(distributor, D(2026, 5, 20))
    meeting([distributor], D(2026, 5, 10))
    assert cadence_states(distributor)[TOUCHPOINT].last_event_on == D(2026, 5, 20)
    meeting([distributor], D(2026, 5, 28))
    assert cadence_states(distributor)[TOUCHPOINT].last_event_on == D(2026, 5, 28)


def test_senior_contact_counts_only_this_distributors_executives():
    distributor, other = make_distributor(), make_distributor()
    manager = factories.ContactFactory(distributor=distributor)
    touchpoint(distributor, D(2026, 5, 1), manager)
    assert cadence_states(distributor)[SENIOR].last_event_on is None

    touchpoint(distributor, D(2026, 4, 15), executive_of(distributor))
    # An advisory board counts for each distributor at the table, but senior contact
    # only for the one whose executive attended.
    meeting([distributor, other], D(2026, 5, 10), manager, executive_of(other))
    meeting([distributor], D(2026, 5, 20), executive_of(distributor), status="planned")

    mine, theirs = cadence_states(distributor), cadence_states(other)
    assert mine[SENIOR].last_event_on == D(2026, 4, 15)
    assert theirs[SENIOR].last_event_on == D(2026, 5, 10)
    assert mine[ALIGNMENT].last_event_on == theirs[ALIGNMENT].last_event_on == D(2026, 5, 10)


@pytest.mark.parametrize(
    "status, role, alignment, touchpoints",
    [
        (Distributor.Status.ACTIVE, Distributor.Role.PRIMARY_WHOLESALER, 3, 6),
        (Distributor.Status.PILOT, Distributor.Role.PRIMARY_WHOLESALER, 2, 6),
        (Distributor.Status.ONBOARDING, Distributor.Role.RETAILER_CHAIN, 2, 6),
        (Distributor.Status.ACTIVE, Distributor.Role.COLD_CHAIN, 3, 8),
        (Distributor.Status.PILOT, Distributor.Role.THIRD_PARTY_LOGISTICS, 2, 8),
    ],
)
def test_defaults_by_status_and_role(status, role, alignment, touchpoints):
    distributor = make_distributor(status=status, role=role)
    assert default_cadence_for(distributor) == {
        "alignment_interval_months": alignment,
        "touchpoint_interval_weeks": touchpoints,
        "senior_contact_interval_months": 6,
    }
    states = cadence_states(distributor)
    assert states[ALIGNMENT].due_on == D(2026, 1 + alignment, 5)
    assert states[TOUCHPOINT].due_on == D(2026, 1, 5) + dt.timedelta(weeks=touchpoints)
    assert states[SENIOR].due_on == D(2026, 7, 5)


def test_pilot_and_active_differ_for_the_same_meeting():
    pilot = make_distributor(status=Distributor.Status.PILOT)
    active = make_distributor(status=Distributor.Status.ACTIVE)
    meeting([pilot, active], D(2026, 3, 20))
    assert cadence_states(pilot)[ALIGNMENT].status == OVERDUE  # due 2026-05-20
    assert cadence_states(active)[ALIGNMENT].status == ON_TRACK  # due 2026-06-20


def test_per_distributor_override():
    distributor = make_distributor(status=Distributor.Status.PILOT)
    meeting([distributor], D(2026, 5, 1))
    factories.CadenceFactory(distributor=distributor, alignment_interval_months=1, due_soon_days=30)
    alignment = cadence_states(distributor)[ALIGNMENT]
    assert (alignment.due_on, alignment.status, str(alignment.interval)) == (
        D(2026, 6, 1),
        DUE_SOON,
        "every month",
    )
    touchpoints = cadence_states(distributor)[TOUCHPOINT]  # due 2026-06-12, in 11 days
    assert (touchpoints.status, str(touchpoints.interval)) == (DUE_SOON, "every 6 weeks")


def test_empty_fields_follow_the_distributor_when_it_changes():
    distributor = make_distributor(status=Distributor.Status.PILOT)
    factories.CadenceFactory(distributor=distributor, touchpoint_interval_weeks=4)
    assert str(cadence_states(distributor)[ALIGNMENT].interval) == "every 2 months"
    Distributor.objects.filter(pk=distributor.pk).update(status=Distributor.Status.ACTIVE)
    states = cadence_states(distributor)
    assert str(states[ALIGNMENT].interval) == "every 3 months"
    assert str(states[TOUCHPOINT].interval) == "every 4 weeks"


def test_for_distributor_without_a_row_is_unsaved_and_follows_the_defaults():
    distributor = make_distributor(status=Distributor.Status.PILOT)
    cadence = Cadence.for_distributor(distributor)
    assert cadence.pk is None
    assert str(cadence.interval(ALIGNMENT)) == "every 2 months"
    saved = factories.CadenceFactory(distributor=make_distributor())
    assert Cadence.for_distributor(saved.distributor) == saved


def expected_states(distributor, today):
    """The states worked out in Python, one distributor at a time, to check the SQL."""
    held = [m for m in distributor.meetings.all() if m.status == HELD]
    met_on = {m: m.starts_at.astimezone(TOKYO).date() for m in held}
    touched_on = {t: t.occurred_on for t in distributor.touchpoints.all()}

    def senior(contacts):
        return any(c.is_senior and c.distributor_id == distributor.pk for c in contacts.all())

    last = {
        ALIGNMENT: max(met_on.values(), default=None),
        TOUCHPOINT: max([*met_on.values(), *touched_on.values()], default=None),
        SENIOR: max(
            [day for m, day in met_on.items() if senior(m.contact_attendees)]
            + [day for t, day in touched_on.items() if senior(t.contacts)],
            default=None,
        ),
    }
    cadence = Cadence.for_distributor(distributor)
    added = distributor.created_at.astimezone(TOKYO).date()
    return {
        kind: cadence.state(kind, last_event_on=last[kind], since=added, today=today)
        for kind in CadenceKind
    }


def add_mixed_distributors():
    """A mix of statuses, roles, overrides and events, some shared through a board."""
    S, R = Distributor.Status, Distributor.Role
    pilot = make_distributor(status=S.PILOT, added=D(2025, 11, 3))
    logistics = make_distributor(role=R.COLD_CHAIN, added=D(2025, 2, 1))
    quiet = make_distributor(status=S.ONBOARDING, added=D(2026, 5, 1))
    overridden = make_distributor(added=D(2024, 9, 9))
    factories.CadenceFactory(
        distributor=overridden, senior_contact_interval_months=3, due_soon_days=40
    )
    factories.CadenceFactory(distributor=logistics)  # a row with every field empty
    touchpoint(pilot, D(2026, 5, 11), executive_of(pilot))
    touchpoint(logistics, D(2026, 3, 2), factories.ContactFactory(distributor=logistics))
    touchpoint(overridden, D(2025, 12, 24), executive_of(overridden))
    meeting([pilot, logistics, overridden], D(2026, 2, 19), executive_of(logistics))
    meeting([overridden], D(2026, 4, 30), status=AlignmentMeeting.Status.CANCELLED)
    meeting([quiet], D(2026, 5, 28), status=AlignmentMeeting.Status.PLANNED)


def test_annotated_rows_and_single_objects_agree_with_the_python_reference():
    add_mixed_distributors()
    today = D(2026, 6, 1)
    annotated = {d.pk: cadence_states(d) for d in with_cadence_dates(Distributor.objects.all())}
    for distributor in Distributor.objects.all():
        assert annotated[distributor.pk] == cadence_states(distributor), distributor
        assert annotated[distributor.pk] == expected_states(distributor, today), distributor
    statuses = {
        status for states in annotated.values() for status in (s.status for s in states.values())
    }
    assert statuses == set(CadenceStatus)  # the mix covers every status


def add_distributors(count):
    for n in range(count):
        distributor = make_distributor(
            status=Distributor.Status.PILOT if n % 3 == 0 else Distributor.Status.ACTIVE
        )
        if n % 2:
            factories.CadenceFactory(distributor=distributor, alignment_interval_months=4)
        touchpoint(distributor, D(2026, 5, n % 28 + 1), executive_of(distributor))
        meeting([distributor], D(2026, 3, n % 28 + 1), executive_of(distributor))


@pytest.mark.parametrize("count", [5, 50])
def test_a_list_of_distributors_costs_one_query(django_assert_num_queries, count):
    add_distributors(count)
    with django_assert_num_queries(1):
        states = [cadence_states(d) for d in with_cadence_dates(Distributor.objects.all())]
    assert len(states) == count


def test_a_single_distributor_costs_one_query(django_assert_num_queries):
    add_distributors(1)
    distributor = Distributor.objects.get()
    with django_assert_num_queries(1):
        cadence_states(distributor)
