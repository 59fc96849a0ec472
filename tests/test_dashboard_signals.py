"""The signal rules of the executive dashboard, at their thresholds, with their reasons.

The rules are pure functions: no database.
"""

import datetime as dt

import pytest

from dashboard import signals
from dashboard.signals import Level, MoodCounts
from distributors.models import Distributor
from meetings.cadences import CadenceKind
from meetings.models import Cadence

TODAY = dt.date(2026, 11, 20)
SINCE = dt.date(2026, 7, 1)


def senior_state(last_contact_on, today=TODAY):
    cadence = Cadence(distributor=Distributor(status=Distributor.Status.ACTIVE, role="3pl"))
    return cadence.state(
        CadenceKind.SENIOR_CONTACT,
        last_event_on=last_contact_on,
        since=dt.date(2020, 1, 1),
        today=today,
    )


# --- cadences -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last_contact_on", "level"),
    [
        # Due six months after the last contact: 20 May 2027 is the due day itself.
        (dt.date(2026, 5, 20), Level.AMBER),
        (dt.date(2026, 5, 19), Level.RED),  # overdue from the day after
        # "Due soon" starts 14 days before the due day.
        (dt.date(2026, 6, 4), Level.AMBER),
        (dt.date(2026, 6, 5), Level.GREEN),
    ],
)
def test_senior_contact_levels_follow_the_cadence_at_its_thresholds(last_contact_on, level):
    signal = signals.senior_contact_signal(senior_state(last_contact_on))
    assert signal.level == level
    assert signal.summary == f"{(TODAY - last_contact_on).days} days"


def test_senior_contact_overdue_says_how_long_and_what_the_cadence_asks():
    signal = signals.senior_contact_signal(senior_state(dt.date(2026, 4, 10)))
    assert signal.level == Level.RED
    # The cadence's own reason (timesince joins number and unit with a no-break space).
    assert signal.reason == (
        "No senior-level contact for 7\xa0months; the cadence asks for one every 6 months."
    )
    assert signal.summary == "224 days"
    assert signal.label == "Needs attention"


def test_senior_contact_never_made_counts_from_the_day_the_distributor_was_added():
    signal = signals.senior_contact_signal(senior_state(None))
    assert signal.level == Level.RED
    assert signal.summary == "never"
    assert "since the distributor was added" in signal.reason


def test_cadence_signal_of_each_status_says_when_it_is_due():
    cadence = Cadence(distributor=Distributor(status=Distributor.Status.ACTIVE, role="3pl"))

    def signal(last):
        state = cadence.state(
            CadenceKind.TOUCHPOINT, last_event_on=last, since=dt.date(2020, 1, 1), today=TODAY
        )
        return signals.cadence_signal(state)

    # A logistics partner: a touchpoint every 8 weeks (56 days).
    overdue = signal(TODAY - dt.timedelta(days=60))
    assert (overdue.level, overdue.summary) == (Level.RED, "overdue 4 days")
    assert overdue.reason == (
        "No touchpoint or meeting for 1\xa0month; the cadence asks for one every 8 weeks."
    )
    due_soon = signal(TODAY - dt.timedelta(days=50))
    assert (due_soon.level, due_soon.summary) == (Level.AMBER, "due in 6 days")
    on_track = signal(TODAY - dt.timedelta(days=10))
    assert (on_track.level, on_track.summary) == (Level.GREEN, "due 5 Jan 2027")
    assert on_track.reason == (
        "Last touchpoint or meeting on Nov. 10, 2026; the next is due by Jan. 5, 2027."
    )


def test_paused_or_ended_relationships_give_no_cadence_signal():
    signal = signals.untracked_signal()
    assert signal.level == Level.NONE
    assert signal.label == "No signal"
    assert "no rhythm of contact is expected" in signal.reason


# --- milestones -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("achieved", "missed", "level"),
    [
        (0, 0, Level.NONE),
        (3, 0, Level.GREEN),
        (0, 1, Level.AMBER),  # one miss alone is not yet red
        (1, 1, Level.AMBER),
        (2, 2, Level.AMBER),  # as many achieved as missed
        (1, 2, Level.RED),
        (0, 2, Level.RED),
    ],
)
def test_milestone_levels_at_their_thresholds(achieved, missed, level):
    signal = signals.milestone_signal(achieved=achieved, missed=missed, since=SINCE)
    assert signal.level == level
    assert signal.summary == f"{achieved} achieved · {missed} missed"


def test_milestone_reason_counts_both_since_the_window_start():
    signal = signals.milestone_signal(achieved=1, missed=2, since=SINCE)
    assert signal.reason == (
        "Since July 1, 2026: 1 milestone achieved, "
        "2 missed (target dates passed without an achieved evaluation)."
    )
    none = signals.milestone_signal(achieved=0, missed=0, since=SINCE)
    assert none.reason == "No milestone was achieved or due since July 1, 2026."


# --- feedback -------------------------------------------------------------------------------

DAY = dt.timedelta(days=1)
SECOND = dt.timedelta(seconds=1)


@pytest.mark.parametrize(
    ("median", "oldest", "level"),
    [
        (5 * DAY, None, Level.GREEN),  # exactly the aim is still on track
        (5 * DAY + SECOND, None, Level.AMBER),
        (8 * DAY, None, Level.AMBER),
        (8 * DAY + SECOND, None, Level.RED),
        (DAY, 5 * DAY + SECOND, Level.AMBER),  # a quick median, but one item waits
        (DAY, 8 * DAY + SECOND, Level.RED),
        (None, 2 * DAY, Level.GREEN),
    ],
)
def test_feedback_levels_at_their_thresholds(median, oldest, level):
    signal = signals.feedback_signal(
        open_count=2, median_first_reply=median, oldest_unanswered=oldest, since=SINCE
    )
    assert signal.level == level


def test_feedback_reason_gives_the_median_the_oldest_wait_and_the_aim():
    signal = signals.feedback_signal(
        open_count=3,
        median_first_reply=dt.timedelta(hours=36),
        oldest_unanswered=dt.timedelta(days=9, hours=2),
        since=SINCE,
    )
    assert signal.level == Level.RED
    assert signal.reason == (
        "3 open; median first reply 1.5 days for feedback sent since July 1, 2026; "
        "the oldest unanswered has waited 9.1 days; we aim to reply within 5 days."
    )
    assert signal.summary == "3 open · 1.5 days"


def test_feedback_without_any_gives_no_signal_and_answered_items_are_green():
    none = signals.feedback_signal(
        open_count=0, median_first_reply=None, oldest_unanswered=None, since=SINCE
    )
    assert none.level == Level.NONE
    assert none.reason == "No feedback since July 1, 2026, and none open."
    answered = signals.feedback_signal(
        open_count=1, median_first_reply=None, oldest_unanswered=None, since=SINCE
    )
    assert answered.level == Level.GREEN


def test_waiting_times_read_in_hours_below_a_day():
    assert signals.duration_text(dt.timedelta(hours=5, minutes=20)) == "5 hours"
    assert signals.duration_text(dt.timedelta(hours=1)) == "1 hour"
    assert signals.duration_text(dt.timedelta(days=1)) == "1 day"
    assert signals.duration_text(dt.timedelta(days=2, hours=6)) == "2.2 days"


# --- mood -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recent", "previous", "level"),
    [
        (MoodCounts(), MoodCounts(positive=3), Level.NONE),
        (MoodCounts(positive=4, concern=1), MoodCounts(positive=4, concern=1), Level.GREEN),
        # 25 % concern is amber; just under it is green when it is not rising.
        (MoodCounts(positive=3, concern=1), MoodCounts(), Level.AMBER),
        (MoodCounts(positive=4, neutral=1, concern=1), MoodCounts(concern=1), Level.GREEN),
        # A rise of ten points is amber even at a low share.
        (MoodCounts(positive=9, concern=1), MoodCounts(positive=1), Level.AMBER),
        (MoodCounts(positive=10, concern=1), MoodCounts(positive=1), Level.GREEN),
        # 40 % is red.
        (MoodCounts(positive=3, concern=2), MoodCounts(), Level.RED),
        (MoodCounts(positive=4, neutral=2, concern=3), MoodCounts(), Level.AMBER),
    ],
)
def test_mood_levels_at_their_thresholds(recent, previous, level):
    assert signals.mood_signal(recent, previous).level == level


def test_mood_reason_compares_with_the_span_before():
    signal = signals.mood_signal(
        MoodCounts(positive=1, neutral=1, concern=2), MoodCounts(positive=4, concern=1)
    )
    assert signal.level == Level.RED
    assert signal.reason == (
        "Concern sensed in 2 of 4 touchpoints in the last 90 days (50 %), "
        "up from 20 % in the 90 days before."
    )
    assert signal.summary == "↗ 50 % concern"
    better = signals.mood_signal(MoodCounts(positive=5), MoodCounts(positive=1, concern=1))
    assert better.reason.endswith("(0 %), down from 50 % in the 90 days before.")
    assert better.summary == "↘ 0 % concern"


# --- open concerns --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("feedback", "touchpoints", "level"),
    [(0, 0, Level.GREEN), (1, 0, Level.AMBER), (0, 2, Level.AMBER), (1, 2, Level.RED)],
)
def test_open_concern_levels_at_their_thresholds(feedback, touchpoints, level):
    signal = signals.concerns_signal(
        open_concern_feedback=feedback, concern_touchpoints=touchpoints
    )
    assert signal.level == level
    assert signal.summary == str(feedback + touchpoints)


def test_open_concerns_reason_states_the_definition():
    signal = signals.concerns_signal(open_concern_feedback=1, concern_touchpoints=2)
    assert signal.reason == (
        "1 concern sent through the portal is open (neither addressed nor declined); "
        "concern was sensed in 2 touchpoints in the last 30 days."
    )
