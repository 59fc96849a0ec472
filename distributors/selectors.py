"""Reads for the distributor pages of the workspace."""

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db import models
from django.db.models import (
    Case,
    DateTimeField,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, TruncDate
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meetings.models import AlignmentMeeting, Touchpoint
from milestones.models import Goal, Milestone, MilestoneEvaluation

from .models import Contact, Distributor, Feedback

# ---------------------------------------------------------------------------------------------
# Distributor list


class Scope(models.TextChoices):
    MINE = "mine", _("My distributors")
    ALL = "all", _("All distributors")


class ArchivedFilter(models.TextChoices):
    HIDE = "", _("Active only")
    INCLUDE = "include", _("Active and archived")
    ONLY = "only", _("Archived only")


class Sort(models.TextChoices):
    # By name as the reader reads it: alphabetical in English, by kana reading in Japanese.
    DEFAULT = "", pgettext_lazy("distributor list order", "Name")
    NAME = "name", _("Name (English)")
    KANA = "kana", _("Name (Japanese reading)")
    RECENT_TOUCHPOINT = "recent_touchpoint", _("Last touchpoint, most recent first")
    QUIET = "quiet", _("Last touchpoint, longest ago first")
    NEXT_MEETING = "next_meeting", _("Next meeting, soonest first")


# A name without its kana reading sorts after the ones with it, in Latin order.
_WITHOUT_KANA_LAST = Case(When(name_kana="", then=Value(1)), default=Value(0))

_SORT_ORDER = {
    Sort.NAME: [F("name_en").asc()],
    Sort.KANA: [_WITHOUT_KANA_LAST, F("name_kana").asc(), F("name_en").asc()],
    Sort.RECENT_TOUCHPOINT: [F("last_touchpoint_on").desc(nulls_last=True)],
    # Never met sorts first: that is the longest ago of all.
    Sort.QUIET: [F("last_touchpoint_on").asc(nulls_first=True)],
    Sort.NEXT_MEETING: [F("next_meeting_at").asc(nulls_last=True)],
}

# Hiragana and katakana are one reading in two scripts: people type either one.
_HIRAGANA = "".join(chr(code) for code in range(0x3041, 0x3097))
_KATAKANA = "".join(chr(code + 0x60) for code in range(0x3041, 0x3097))
_TO_KATAKANA = str.maketrans(_HIRAGANA, _KATAKANA)
_TO_HIRAGANA = str.maketrans(_KATAKANA, _HIRAGANA)


def search_variants(text):
    """The forms of a typed query that may match a stored name.

    NFKC turns full-width Latin letters and half-width katakana into their usual forms;
    the reading then matches in katakana and in hiragana, whichever the name uses.
    """
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return set()
    return {text, text.translate(_TO_KATAKANA), text.translate(_TO_HIRAGANA)}


def _any_field_contains(fields, variants):
    match = None
    for variant in variants:
        for field in fields:
            condition = Q(**{f"{field}__icontains": variant})
            match = condition if match is None else match | condition
    return match


def contact_name_matches(text):
    """A filter for contacts whose Latin, kanji or kana name contains `text`, in any of its
    search_variants; None when there is nothing to search for."""
    return _any_field_contains(("name_latin", "name_kanji", "name_kana"), search_variants(text))


def name_matches(text):
    """A filter for distributors whose code or any of their names contains `text`, or that
    have an active contact whose name does, in any of its search_variants; None when there
    is nothing to search for.

    People remember the person they deal with as often as the company. The contacts are a
    subquery, so a distributor with two matching contacts is still one row.
    """
    variants = search_variants(text)
    match = _any_field_contains(("code", "name_en", "name_ja", "name_kana"), variants)
    if match is None:
        return None
    contacts = Contact.objects.filter(contact_name_matches(text), archived_at__isnull=True)
    return match | Q(pk__in=contacts.values("distributor_id"))


def reading_order():
    """The order of names in the active language: the kana reading in Japanese (the way a
    Japanese reader looks a name up), alphabetical otherwise."""
    return Sort.KANA if translation.get_language() == "ja" else Sort.NAME


def with_activity(distributors):
    """Annotate the last touchpoint date and the start of the next planned meeting."""
    last_touchpoint = Touchpoint.objects.filter(distributor=OuterRef("pk")).order_by("-occurred_on")
    next_meeting = AlignmentMeeting.objects.filter(
        distributors=OuterRef("pk"),
        status=AlignmentMeeting.Status.PLANNED,
        starts_at__gte=timezone.now(),
    ).order_by("starts_at")
    return distributors.annotate(
        last_touchpoint_on=Subquery(last_touchpoint.values("occurred_on")[:1]),
        next_meeting_at=Subquery(next_meeting.values("starts_at")[:1]),
    )


def search_distributors(
    user,
    *,
    q="",
    scope=Scope.ALL,
    status="",
    role="",
    prefecture=None,
    region="",
    account_manager=None,
    quiet_days=None,
    archived=ArchivedFilter.HIDE,
    sort=Sort.DEFAULT,
):
    """The distributors matching the list's filters, annotated for its columns, in order."""
    distributors = with_activity(Distributor.objects.all())
    if archived != ArchivedFilter.INCLUDE:
        distributors = distributors.filter(archived_at__isnull=archived != ArchivedFilter.ONLY)
    if scope == Scope.MINE:
        distributors = distributors.filter(Q(account_manager=user) | Q(executive_sponsor=user))
    if (match := name_matches(q)) is not None:
        distributors = distributors.filter(match)
    if status:
        distributors = distributors.filter(status=status)
    if role:
        distributors = distributors.filter(role=role)
    if prefecture:
        distributors = distributors.filter(prefectures=prefecture)
    if region:
        # A subquery: covering two prefectures of the region is still one row.
        distributors = distributors.filter(
            pk__in=Distributor.objects.filter(prefectures__region=region).values("pk")
        )
    if account_manager:
        distributors = distributors.filter(account_manager=account_manager)
    if quiet_days:
        since = timezone.localdate() - timedelta(days=quiet_days)
        distributors = distributors.filter(
            Q(last_touchpoint_on__isnull=True) | Q(last_touchpoint_on__lt=since)
        )
    return (
        distributors.select_related("account_manager")
        .prefetch_related("prefectures")
        # The pk last keeps pages stable when the sort key ties.
        .order_by(*_SORT_ORDER[Sort(sort or reading_order())], "pk")
    )


# ---------------------------------------------------------------------------------------------
# Distributor page


def distributor_profiles():
    """Distributors with what their profile shows, for one `get_object_or_404`."""
    return with_activity(
        Distributor.objects.select_related("upstream", "account_manager", "executive_sponsor")
    ).prefetch_related(
        "prefectures",
        "product_categories",
        Prefetch("downstream", queryset=Distributor.objects.order_by("name_en")),
    )


_CONTACT_ORDER = {
    Sort.NAME: ["name_latin"],
    Sort.KANA: [_WITHOUT_KANA_LAST, F("name_kana").asc(), "name_latin"],
}


def contacts_by_seniority(distributor):
    """Active contacts grouped by seniority (most senior first), each with `last_met_on`,
    and the archived ones apart; by kana reading for a Japanese reader, by Latin name
    otherwise.

    We last met a contact at the later of their last touchpoint and the last held meeting
    they attended (its date in the active time zone).
    """
    last_touchpoint = Touchpoint.objects.filter(contacts=OuterRef("pk")).order_by("-occurred_on")
    last_meeting = AlignmentMeeting.objects.filter(
        contact_attendees=OuterRef("pk"), status=AlignmentMeeting.Status.HELD
    ).order_by("-starts_at")
    touchpoint_on = Subquery(last_touchpoint.values("occurred_on")[:1])
    meeting_on = Subquery(last_meeting.values(on=TruncDate("starts_at"))[:1])
    contacts = (
        distributor.contacts.select_related("portal_user")
        .annotate(
            # SQLite's GREATEST is NULL if either side is: coalesce each side with the other.
            last_met_on=Greatest(
                Coalesce(touchpoint_on, meeting_on), Coalesce(meeting_on, touchpoint_on)
            )
        )
        .order_by(*_CONTACT_ORDER[reading_order()], "pk")
    )
    groups = {seniority: [] for seniority in Contact.Seniority}
    archived = []
    for contact in contacts:
        (archived if contact.is_archived else groups[contact.seniority]).append(contact)
    return {
        "contact_groups": [(seniority.label, members) for seniority, members in groups.items()],
        "archived_contacts": archived,
    }


def goals_with_progress(distributor):
    """The distributor's goals, open first, with milestones and each one's latest evaluation."""
    latest_evaluation = MilestoneEvaluation.objects.order_by("-evaluated_on", "-pk")[:1]
    milestones = Milestone.objects.order_by("target_date", "pk").prefetch_related(
        Prefetch("evaluations", queryset=latest_evaluation, to_attr="latest_evaluations")
    )
    return (
        distributor.goals.with_open_change_proposal()
        .select_related("owner_ours", "owner_distributor")
        .prefetch_related("agreements", Prefetch("milestones", queryset=milestones))
        .order_by(
            Case(When(status=Goal.Status.OPEN, then=Value(0)), default=Value(1)),
            "horizon_end",
            "pk",
        )
    )


class TimelineKind(models.TextChoices):
    TOUCHPOINT = "touchpoint", _("Touchpoints")
    MEETING = "meeting", _("Meetings")
    EVALUATION = "evaluation", _("Milestone evaluations")
    FEEDBACK = "feedback", _("Feedback")


TIMELINE_PAGE_SIZE = 20


@dataclass
class TimelineEntry:
    kind: str
    obj: models.Model


@dataclass
class TimelinePage:
    entries: list
    number: int
    has_previous: bool
    has_next: bool


def _timeline_sources(distributor):
    """For each kind: the distributor's rows, when each happened, and how a page fetches them.

    Dates become midnight UTC so that they sort among the datetimes in one column.
    """
    as_datetime = DateTimeField()
    return {
        TimelineKind.TOUCHPOINT: (
            Touchpoint.objects.filter(distributor=distributor),
            Cast("occurred_on", as_datetime),
            Touchpoint.objects.all(),
        ),
        TimelineKind.MEETING: (
            AlignmentMeeting.objects.filter(distributors=distributor),
            F("starts_at"),
            AlignmentMeeting.objects.all(),
        ),
        TimelineKind.EVALUATION: (
            MilestoneEvaluation.objects.filter(milestone__goal__distributor=distributor),
            Cast("evaluated_on", as_datetime),
            MilestoneEvaluation.objects.select_related("milestone__goal"),
        ),
        TimelineKind.FEEDBACK: (
            Feedback.objects.filter(distributor=distributor),
            F("created_at"),
            Feedback.objects.all(),
        ),
    }


def distributor_timeline(distributor, kinds=(), page=1):
    """One page of what happened with a distributor, newest first, in a fixed number of queries.

    A UNION ALL of (kind, pk, when) over the sources finds the page's rows in one query; then
    one query per kind on the page fetches the objects. One row more than a page tells
    whether an older page exists, without counting everything.
    """
    sources = _timeline_sources(distributor)
    kinds = [kind for kind in TimelineKind if kind in kinds] or list(TimelineKind)
    keys = [
        sources[kind][0]
        .order_by()
        .annotate(
            entry_kind=Value(kind.value, output_field=models.CharField()), at=sources[kind][1]
        )
        .values("entry_kind", "pk", "at")
        for kind in kinds
    ]
    offset = (page - 1) * TIMELINE_PAGE_SIZE
    rows = list(
        keys[0]
        .union(*keys[1:], all=True)
        .order_by("-at", "entry_kind", "-pk")[offset : offset + TIMELINE_PAGE_SIZE + 1]
    )
    has_next = len(rows) > TIMELINE_PAGE_SIZE
    rows = rows[:TIMELINE_PAGE_SIZE]
    pks = defaultdict(list)
    for row in rows:
        pks[row["entry_kind"]].append(row["pk"])
    objects = {kind: sources[kind][2].in_bulk(kind_pks) for kind, kind_pks in pks.items()}
    return TimelinePage(
        entries=[
            TimelineEntry(row["entry_kind"], objects[row["entry_kind"]][row["pk"]]) for row in rows
        ],
        number=page,
        has_previous=page > 1,
        has_next=has_next,
    )
