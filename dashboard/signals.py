"""The signals of a relationship: small pure rules, each giving a level and its reason in words.

Health is never one score (DESIGN.md): each signal says green, amber or red, or "no signal"
where it does not apply, and why, so that an executive can act on it. The rules take plain
numbers, dates and cadence states; `dashboard.selectors` gathers those for every distributor
in a fixed number of queries. What each signal reads:

- Alignment meetings, touchpoints, senior-level contact: the cadence state of each kind
  (`meetings.cadences`, `Cadence.state()`): on track is green, due soon amber, overdue red.
  The senior-contact cell shows the days since the last senior-level contact. Paused and
  ended relationships keep no rhythm: no signal.
- Milestones, over the current and the previous fiscal quarter: *achieved* are milestones
  with an "achieved" or "exceeded" evaluation in that window; *missed* are milestones whose
  target date in that window has passed without such an evaluation (cancelled milestones
  and those of dropped goals do not count). Green: none missed; red: at least
  `MISSED_RED` missed and more missed than achieved; amber: the other cases with a miss.
- Feedback: how long the distributor waits for our first reply. The first reply time of an
  item is its first reply by our side minus the moment it was sent; the median is taken over
  the items sent in the same two quarters. Items still open (new, acknowledged, in
  progress) without any reply of ours wait as long as they have been open. The longer of
  the median and the oldest wait decides: above `REPLY_AMBER_DAYS` amber, above
  `REPLY_RED_DAYS` red.
- Mood trend: the share of touchpoints where concern was sensed, over the last
  `MOOD_WINDOW_DAYS` days, against the same span before. Red from `CONCERN_SHARE_RED`,
  amber from `CONCERN_SHARE_AMBER` or when the share rose by `MOOD_RISE` or more; no
  touchpoint: no signal.
- Open concerns: feedback of the kind "concern" that is neither addressed nor declined,
  plus the touchpoints of the last `CONCERN_WINDOW_DAYS` days where concern was sensed.
  None is green, one or more amber, `CONCERNS_RED` or more red.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from meetings.cadences import CadenceState, CadenceStatus
from prm import japan_calendar, signal_inputs

# Thresholds, in one place so that the tests and the page's explanations read them.
MISSED_RED = 2
REPLY_AMBER_DAYS = 5  # a working week
REPLY_RED_DAYS = 8
MOOD_WINDOW_DAYS = 90
CONCERN_SHARE_AMBER = 0.25
CONCERN_SHARE_RED = 0.4
MOOD_RISE = 0.1  # ten percentage points
CONCERN_WINDOW_DAYS = 30
CONCERNS_RED = 3


class Level(models.TextChoices):
    """How a signal stands. The label is shown next to the colour, never the colour alone."""

    RED = "red", _("Needs attention")
    AMBER = "amber", _("Watch")
    GREEN = "green", _("On track")
    NONE = "none", _("No signal")


SEVERITY = {Level.NONE: 0, Level.GREEN: 1, Level.AMBER: 2, Level.RED: 3}


class SignalKey(models.TextChoices):
    """The signals of a relationship, in the order of the portfolio's columns."""

    ALIGNMENT = "alignment", _("Alignment meetings")
    TOUCHPOINT = "touchpoint", _("Touchpoints")
    SENIOR_CONTACT = "senior_contact", _("Senior contact")
    MILESTONES = "milestones", _("Milestones")
    FEEDBACK = "feedback", _("Feedback")
    MOOD = "mood", _("Mood trend")
    CONCERNS = "concerns", _("Open concerns")


# The timeline entries behind each signal: its drill-down (distributors:timeline?kind=...).
TIMELINE_KINDS = {
    SignalKey.ALIGNMENT: ["meeting"],
    SignalKey.TOUCHPOINT: ["touchpoint", "meeting"],
    SignalKey.SENIOR_CONTACT: ["touchpoint", "meeting"],
    SignalKey.MILESTONES: ["evaluation"],
    SignalKey.FEEDBACK: ["feedback"],
    SignalKey.MOOD: ["touchpoint"],
    SignalKey.CONCERNS: ["touchpoint", "feedback"],
}


@dataclass(frozen=True)
class Signal:
    """A level, why (`reason`, a sentence) and the short figure of a table cell (`summary`).

    The two texts may be given as functions that write them: a portfolio of thousands of
    relationships sorts and counts by level, but shows the words of one page only. Once
    written, a text is kept per language: the same signals serve readers of both languages
    (prm/signal_inputs.py).
    """

    level: Level
    explain: object  # the reason, or a function that returns it
    figure: object  # the summary, or a function that returns it
    sort_value: float = 0  # within one level, larger is worse

    @property
    def reason(self):
        return self._text("reason", self.explain)

    @property
    def summary(self):
        return self._text("summary", self.figure)

    def _text(self, name, source):
        return signal_inputs.in_each_language(self, name, source) if callable(source) else source

    @property
    def severity(self):
        return SEVERITY[self.level]

    @property
    def label(self):
        return Level(self.level).label


@dataclass(frozen=True)
class MoodCounts:
    positive: int = 0
    neutral: int = 0
    concern: int = 0

    @property
    def total(self):
        return self.positive + self.neutral + self.concern

    @property
    def concern_share(self):
        return self.concern / self.total if self.total else 0.0


def _days(count):
    return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}


def duration_text(delta):
    """A waiting time as people say it: hours below a day, days (one decimal) above."""
    hours = delta.total_seconds() / 3600
    if hours < 24:
        count = max(round(hours), 0)
        return ngettext("%(count)d hour", "%(count)d hours", count) % {"count": count}
    days = round(hours / 24, 1)
    if days == int(days):
        return _days(int(days))
    return gettext("%(days)s days") % {"days": number_format(days, 1)}


def _percent(share):
    return f"{round(share * 100)} %"


# --- cadences -------------------------------------------------------------------------------

CADENCE_LEVELS = {
    CadenceStatus.ON_TRACK: Level.GREEN,
    CadenceStatus.DUE_SOON: Level.AMBER,
    CadenceStatus.OVERDUE: Level.RED,
}


def untracked_signal():
    """A cadence of a paused or ended relationship: there is no rhythm to keep."""
    return Signal(
        Level.NONE,
        lambda: gettext("The relationship is paused or ended: no rhythm of contact is expected."),
        lambda: gettext("not tracked"),
    )


def cadence_signal(state: CadenceState):
    """One kind of contact: green on track, amber due soon, red overdue; the cadence's reason."""
    late_by = (state.as_of - state.due_on).days

    def summary():
        if state.status == CadenceStatus.OVERDUE:
            return gettext("overdue %(days)s") % {"days": _days(late_by)}
        if state.status == CadenceStatus.DUE_SOON:
            return gettext("due in %(days)s") % {"days": _days(-late_by)}
        return gettext("due %(date)s") % {"date": date_format(state.due_on, "j M Y")}

    return Signal(CADENCE_LEVELS[state.status], lambda: state.reason, summary, late_by)


def senior_contact_signal(state: CadenceState):
    """The senior-level cadence, shown as the days since the last senior-level contact."""
    if state.last_event_on is None:
        days = (state.as_of - state.counted_from).days
        return Signal(
            CADENCE_LEVELS[state.status], lambda: state.reason, lambda: gettext("never"), days
        )
    days = (state.as_of - state.last_event_on).days
    return Signal(CADENCE_LEVELS[state.status], lambda: state.reason, lambda: _days(days), days)


# --- milestones -----------------------------------------------------------------------------


def milestone_signal(*, achieved, missed, since):
    """Milestones achieved and missed since `since` (the start of the previous quarter)."""

    def summary():
        return gettext("%(achieved)d achieved · %(missed)d missed") % {
            "achieved": achieved,
            "missed": missed,
        }

    if not achieved and not missed:
        return Signal(
            Level.NONE,
            lambda: (
                gettext("No milestone was achieved or due since %(since)s.")
                % {"since": japan_calendar.date_text(since)}
            ),
            summary,
        )
    if not missed:
        level = Level.GREEN
    elif missed >= MISSED_RED and missed > achieved:
        level = Level.RED
    else:
        level = Level.AMBER

    def reason():
        return gettext("Since %(since)s: %(achieved)s, %(missed)s.") % {
            "since": japan_calendar.date_text(since),
            "achieved": ngettext(
                "%(count)d milestone achieved", "%(count)d milestones achieved", achieved
            )
            % {"count": achieved},
            "missed": ngettext(
                "%(count)d missed (target date passed without an achieved evaluation)",
                "%(count)d missed (target dates passed without an achieved evaluation)",
                missed,
            )
            % {"count": missed},
        }

    return Signal(level, reason, summary, missed - achieved / 10)


# --- feedback -------------------------------------------------------------------------------


def feedback_signal(*, open_count, median_first_reply, oldest_unanswered, since):
    """How long the distributor waits for our first reply.

    `median_first_reply`: the median first reply time of the feedback sent since `since`
    that got a reply (None: none did). `oldest_unanswered`: how long the oldest open item
    without a reply of ours has been waiting (None: there is none).
    """
    waits = [wait for wait in (median_first_reply, oldest_unanswered) if wait is not None]

    def summary():
        text = ngettext("%(count)d open", "%(count)d open", open_count) % {"count": open_count}
        if median_first_reply is not None:
            text += " · " + duration_text(median_first_reply)
        return text

    if not waits:
        if open_count:
            return Signal(
                Level.GREEN,
                lambda: (
                    ngettext(
                        "%(count)d open item, answered; no reply time to measure since %(since)s.",
                        "%(count)d open items, all answered; no reply time to measure since "
                        "%(since)s.",
                        open_count,
                    )
                    % {"count": open_count, "since": japan_calendar.date_text(since)}
                ),
                summary,
            )
        return Signal(
            Level.NONE,
            lambda: (
                gettext("No feedback since %(since)s, and none open.")
                % {"since": japan_calendar.date_text(since)}
            ),
            summary,
        )
    worst = max(waits)
    if worst > dt.timedelta(days=REPLY_RED_DAYS):
        level = Level.RED
    elif worst > dt.timedelta(days=REPLY_AMBER_DAYS):
        level = Level.AMBER
    else:
        level = Level.GREEN

    def reason():
        parts = [ngettext("%(count)d open", "%(count)d open", open_count) % {"count": open_count}]
        if median_first_reply is not None:
            parts.append(
                gettext("median first reply %(wait)s for feedback sent since %(since)s")
                % {
                    "wait": duration_text(median_first_reply),
                    "since": japan_calendar.date_text(since),
                }
            )
        if oldest_unanswered is not None:
            parts.append(
                gettext("the oldest unanswered has waited %(wait)s")
                % {"wait": duration_text(oldest_unanswered)}
            )
        return gettext("%(facts)s; we aim to reply within %(target)s.") % {
            "facts": "; ".join(parts),
            "target": _days(REPLY_AMBER_DAYS),
        }

    return Signal(level, reason, summary, worst.total_seconds())


# --- mood -----------------------------------------------------------------------------------


def mood_signal(recent: MoodCounts, previous: MoodCounts, *, days=MOOD_WINDOW_DAYS):
    """The share of touchpoints where concern was sensed, now against the span before."""
    if not recent.total:
        return Signal(
            Level.NONE,
            lambda: (
                gettext("No touchpoint in the last %(days)d days to sense the mood from.")
                % {"days": days}
            ),
            lambda: gettext("no touchpoint"),
        )
    share, before = recent.concern_share, previous.concern_share
    rising = bool(previous.total) and share - before >= MOOD_RISE - 1e-9
    if share >= CONCERN_SHARE_RED:
        level = Level.RED
    elif share >= CONCERN_SHARE_AMBER or (rising and recent.concern):
        level = Level.AMBER
    else:
        level = Level.GREEN
    values = {
        "concern": recent.concern,
        "total": recent.total,
        "days": days,
        "share": _percent(share),
        "before": _percent(before),
    }
    if not previous.total:
        arrow = "→"
    elif share > before:
        arrow = "↗"
    elif share < before:
        arrow = "↘"
    else:
        arrow = "→"

    def reason():
        if not previous.total:
            trend = gettext("no touchpoint in the %(days)d days before to compare with") % values
        elif share > before:
            trend = gettext("up from %(before)s in the %(days)d days before") % values
        elif share < before:
            trend = gettext("down from %(before)s in the %(days)d days before") % values
        else:
            trend = gettext("as in the %(days)d days before") % values
        return gettext(
            "Concern sensed in %(concern)d of %(total)d touchpoints in the last %(days)d days "
            "(%(share)s), %(trend)s."
        ) % {**values, "trend": trend}

    return Signal(
        level,
        reason,
        lambda: gettext("%(arrow)s %(share)s concern") % {"arrow": arrow, "share": values["share"]},
        share,
    )


# --- open concerns --------------------------------------------------------------------------


def concerns_signal(*, open_concern_feedback, concern_touchpoints, days=CONCERN_WINDOW_DAYS):
    """Concerns sent through the portal and still open, and concern sensed lately."""
    total = open_concern_feedback + concern_touchpoints
    if total >= CONCERNS_RED:
        level = Level.RED
    elif total:
        level = Level.AMBER
    else:
        level = Level.GREEN

    def reason():
        feedback = ngettext(
            "%(count)d concern sent through the portal is open (neither addressed nor declined)",
            "%(count)d concerns sent through the portal are open (neither addressed nor declined)",
            open_concern_feedback,
        ) % {"count": open_concern_feedback}
        touchpoints = ngettext(
            "concern was sensed in %(count)d touchpoint in the last %(days)d days",
            "concern was sensed in %(count)d touchpoints in the last %(days)d days",
            concern_touchpoints,
        ) % {"count": concern_touchpoints, "days": days}
        return gettext("%(feedback)s; %(touchpoints)s.") % {
            "feedback": feedback,
            "touchpoints": touchpoints,
        }

    return Signal(level, reason, str(total), total)
