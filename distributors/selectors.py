"""Reads for the distributor pages of the workspace."""

import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.db import connection, models
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
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from meetings.models import AlignmentMeeting, Touchpoint
from milestones.models import Goal, Milestone, MilestoneEvaluation
from prm.japan_calendar import business_midnight

from .models import Contact, Distributor, Feedback, PortalAccess, PortalInvitation

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
    the reading then matches in katakana and in hiragana, whichever the name uses. NUL is
    dropped: no name holds one, and PostgreSQL refuses it in a query.
    """
    text = unicodedata.normalize("NFKC", text).replace("\x00", "").strip()
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
    on_track_on=None,
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
    if on_track_on:
        # Here, not at the top: dashboard.selectors imports this module.
        from dashboard.selectors import recorded_on_track

        distributors = distributors.filter(pk__in=recorded_on_track(on_track_on))
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


def contacts_by_seniority(distributor, *, with_invitations=False):
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
    contacts = (
        distributor.contacts.select_related("portal_user")
        # Both dates, and the later taken here: GREATEST in SQL would need each subquery
        # twice, as SQLite's is NULL when either side is.
        .annotate(
            last_touchpoint_on=Subquery(last_touchpoint.values("occurred_on")[:1]),
            last_meeting_on=Subquery(last_meeting.values(on=TruncDate("starts_at"))[:1]),
        )
        .order_by(*_CONTACT_ORDER[reading_order()], "pk")
    )
    if with_invitations:
        contacts = with_latest_invitation(contacts)
    groups = {seniority: [] for seniority in Contact.Seniority}
    archived = []
    for contact in contacts:
        met = [on for on in (contact.last_touchpoint_on, contact.last_meeting_on) if on]
        contact.last_met_on = max(met, default=None)
        (archived if contact.is_archived else groups[contact.seniority]).append(contact)
    return {
        "contact_groups": [(seniority.label, members) for seniority, members in groups.items()],
        "archived_contacts": archived,
    }


def goals_with_progress(distributor):
    """The distributor's goals, open first, with milestones and each one's latest evaluation
    (`latest_evaluations`: a list of none or one), as a list.

    The latest evaluation is two columns of the milestones' query, not a query of its own.
    """
    latest = MilestoneEvaluation.objects.filter(milestone=OuterRef("pk")).order_by(
        "-evaluated_on", "-pk"
    )
    milestones = Milestone.objects.order_by("target_date", "pk").annotate(
        latest_outcome=Subquery(latest.values("outcome")[:1]),
        latest_evaluated_on=Subquery(latest.values("evaluated_on")[:1]),
    )
    goals = list(
        distributor.goals.with_open_change_proposal()
        .with_accepted_sides()
        .select_related("owner_ours", "owner_distributor")
        .prefetch_related(Prefetch("milestones", queryset=milestones))
        .order_by(
            Case(When(status=Goal.Status.OPEN, then=Value(0)), default=Value(1)),
            "horizon_end",
            "pk",
        )
    )
    for goal in goals:
        for milestone in goal.milestones.all():
            milestone.latest_evaluations = (
                [
                    MilestoneEvaluation(
                        milestone=milestone,
                        outcome=milestone.latest_outcome,
                        evaluated_on=milestone.latest_evaluated_on,
                    )
                ]
                if milestone.latest_evaluated_on
                else []
            )
    return goals


_INVITATION_FIELDS = ("pk", "expires_at", "emailed_at", "accepted_at", "revoked_at")


def with_latest_invitation(contacts):
    """Annotate each contact with its latest portal invitation's fields (`invitation_…`),
    for `add_portal_access`: columns of the contacts' query rather than a query of their own."""
    latest = PortalInvitation.objects.filter(contact=OuterRef("pk")).order_by("-created_at", "-pk")
    return contacts.annotate(
        **{f"invitation_{name}": Subquery(latest.values(name)[:1]) for name in _INVITATION_FIELDS}
    )


def add_portal_access(contact_groups):
    """Give each contact of `with_latest_invitation` its latest invitation
    (`portal_invitation`, None if it never had one) and its `portal_access`."""
    for _label, contacts in contact_groups:
        for contact in contacts:
            invitation = None
            if contact.invitation_pk is not None:
                invitation = PortalInvitation(
                    contact=contact,
                    **{name: getattr(contact, f"invitation_{name}") for name in _INVITATION_FIELDS},
                )
            contact.portal_invitation = invitation
            contact.portal_access = PortalAccess.of(contact, invitation)


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
    # Across distributors, the one the entry is about (None for a meeting, which may have
    # several, and on one distributor's own timeline).
    distributor: Distributor | None = None


@dataclass
class TimelinePage:
    entries: list
    number: int
    has_previous: bool
    has_next: bool
    # Where the next (older) page starts: what the "Older" link carries, so that page N+1
    # continues from the last row shown instead of skipping the rows of pages 1 to N.
    next_cursor: str = ""
    # How many entries match in all, on every page (counted across distributors only).
    count: int | None = None


def _text(value=""):
    return Value(value, output_field=models.TextField())


def _no_id():
    return Cast(Value(None), models.IntegerField())


def in_quarter(field, quarter, *, is_date):
    """A filter for the rows whose `field` falls in the fiscal `quarter`; a datetime by the
    business day it falls on, as the trends count it."""
    if is_date:
        return Q(**{f"{field}__gte": quarter.start, f"{field}__lte": quarter.end})
    return Q(**{f"{field}__gte": business_midnight(quarter.start)}) & Q(
        **{f"{field}__lt": business_midnight(quarter.end + timedelta(days=1))}
    )


def _distributor_columns(path=None):
    """The columns naming the distributor at `path` of a row (none: blank columns)."""
    if path is None:
        return {
            "entry_distributor_ref": _no_id(),
            "entry_distributor_name_en": _text(),
            "entry_distributor_name_ja": _text(),
        }
    return {
        "entry_distributor_ref": F(f"{path}_id"),
        "entry_distributor_name_en": F(f"{path}__name_en"),
        "entry_distributor_name_ja": F(f"{path}__name_ja"),
    }


def _is_date(rows, field):
    return type(rows.model._meta.get_field(field)) is models.DateField


def _timeline_sources(distributors, *, quarter=None, outcome="", feedback_kind="", held_only=False):
    """For each kind: the rows of `distributors` (one distributor, or a queryset of the ids
    of several), the field telling when each happened (a date becomes midnight UTC so that it
    sorts among the datetimes in one column), and the columns the timeline shows, under the
    same names for every kind (names that no model field has: an annotation may not shadow a
    field). Across several distributors, each row also names its distributor.

    The filters narrow the rows to a figure of the trends: those of a fiscal `quarter`,
    evaluations with an `outcome`, feedback of a `feedback_kind`, held meetings only.
    """
    one = isinstance(distributors, Distributor)
    lookup = "" if one else "__in"
    meetings = AlignmentMeeting.objects.filter(**{f"distributors{lookup}": distributors})
    if not one:
        # A subquery, not a join: a meeting with several of the distributors is one row.
        meetings = AlignmentMeeting.objects.filter(pk__in=meetings.values("pk"))
    if held_only:
        meetings = meetings.filter(status=AlignmentMeeting.Status.HELD)
    evaluations = MilestoneEvaluation.objects.filter(
        **{f"milestone__goal__distributor{lookup}": distributors}
    )
    if outcome:
        evaluations = evaluations.filter(outcome=outcome)
    feedback = Feedback.objects.filter(**{f"distributor{lookup}": distributors})
    if feedback_kind:
        feedback = feedback.filter(kind=feedback_kind)
    sources = {
        TimelineKind.TOUCHPOINT: (
            Touchpoint.objects.filter(**{f"distributor{lookup}": distributors}),
            "occurred_on",
            {
                "entry_code": F("kind"),
                "entry_state": F("mood"),
                "entry_title": _text(),
                "entry_text": F("notes"),
                "entry_more_text": F("unspoken_concerns"),
                "entry_ref": _no_id(),
                "entry_parent_ref": _no_id(),
            },
            "distributor",
        ),
        TimelineKind.MEETING: (
            meetings,
            "starts_at",
            {
                "entry_code": F("kind"),
                "entry_state": F("status"),
                "entry_title": F("title"),
                "entry_text": _text(),
                "entry_more_text": _text(),
                "entry_ref": _no_id(),
                "entry_parent_ref": _no_id(),
            },
            None,
        ),
        TimelineKind.EVALUATION: (
            evaluations,
            "evaluated_on",
            {
                "entry_code": _text(),
                "entry_state": F("outcome"),
                "entry_title": F("milestone__title"),
                "entry_text": F("narrative"),
                "entry_more_text": _text(),
                "entry_ref": F("milestone_id"),
                "entry_parent_ref": F("milestone__goal_id"),
            },
            "milestone__goal__distributor",
        ),
        TimelineKind.FEEDBACK: (
            feedback,
            "created_at",
            {
                "entry_code": F("kind"),
                "entry_state": F("status"),
                "entry_title": F("subject"),
                "entry_text": _text(),
                "entry_more_text": _text(),
                "entry_ref": _no_id(),
                "entry_parent_ref": _no_id(),
            },
            "distributor",
        ),
    }
    for kind, (rows, field, columns, path) in sources.items():
        if quarter:
            rows = rows.filter(in_quarter(field, quarter, is_date=_is_date(rows, field)))
        if not one:
            columns = {**columns, **_distributor_columns(path)}
        sources[kind] = rows, field, columns
    return sources


def _timeline_object(kind, row):
    """The row as an unsaved model instance with what the timeline shows (no query)."""
    at = row["at"]
    if kind == TimelineKind.TOUCHPOINT:
        return Touchpoint(
            pk=row["pk"],
            kind=row["entry_code"],
            mood=row["entry_state"],
            occurred_on=at.astimezone(UTC).date(),
            notes=row["entry_text"],
            unspoken_concerns=row["entry_more_text"],
        )
    if kind == TimelineKind.MEETING:
        return AlignmentMeeting(
            pk=row["pk"],
            kind=row["entry_code"],
            status=row["entry_state"],
            title=row["entry_title"],
            starts_at=at,
        )
    if kind == TimelineKind.EVALUATION:
        milestone = Milestone(pk=row["entry_ref"], title=row["entry_title"])
        milestone.goal = Goal(pk=row["entry_parent_ref"])
        return MilestoneEvaluation(
            pk=row["pk"],
            outcome=row["entry_state"],
            evaluated_on=at.astimezone(UTC).date(),
            narrative=row["entry_text"],
            milestone=milestone,
        )
    return Feedback(
        pk=row["pk"],
        kind=row["entry_code"],
        status=row["entry_state"],
        subject=row["entry_title"],
        created_at=at,
    )


def _midnight(day):
    return datetime.combine(day, time.min, tzinfo=UTC)


def _older_than(kind, field, is_date, cursor):
    """The rows of `kind` that sort after `cursor` (at, kind, pk) in the timeline's order
    (newest first, then by kind, then newest pk), on the field itself so that the
    distributor's index on it serves the condition."""
    at, cursor_kind, cursor_pk = cursor
    if is_date:
        # A date sorts as its midnight UTC: before `at` means before its day, or on its
        # day when `at` is later than that day's midnight.
        day = at.astimezone(UTC).date()
        earlier = Q(**{f"{field}__lt": day})
        if _midnight(day) < at:
            earlier |= Q(**{field: day})
        same = Q(**{field: day}) if _midnight(day) == at else None
    else:
        earlier, same = Q(**{f"{field}__lt": at}), Q(**{field: at})
    if same is None or kind < cursor_kind:
        return earlier
    if kind > cursor_kind:
        return earlier | same
    return earlier | (same & Q(pk__lt=cursor_pk))


def _cursor_text(row):
    return f"{row['at'].astimezone(UTC).isoformat()}~{row['entry_kind']}~{row['pk']}"


def parse_timeline_cursor(text):
    """(at, kind, pk) of an "Older" link's cursor, or None when it is not one."""
    try:
        at, kind, pk = text.split("~")
        at = datetime.fromisoformat(at)
        if at.tzinfo is None or kind not in TimelineKind.values:
            return None
        # In UTC here, where a time at the calendar's edge with an offset ("0001-01-01
        # 00:00+01:00") overflows as a refused cursor rather than later, in the query.
        return at.astimezone(UTC), kind, int(pk)
    except (ValueError, OverflowError):
        return None


def _kinds(kinds):
    return [kind for kind in TimelineKind if kind in kinds] or list(TimelineKind)


def _timeline_entry(row):
    kind, distributor = row["entry_kind"], None
    if row.get("entry_distributor_ref"):
        distributor = Distributor(
            pk=row["entry_distributor_ref"],
            name_en=row["entry_distributor_name_en"],
            name_ja=row["entry_distributor_name_ja"],
        )
    return TimelineEntry(kind, _timeline_object(kind, row), distributor)


def _timeline_page(sources, kinds, page, cursor):
    """One page of the `kinds` of `sources`, newest first, in one query.

    A UNION ALL over the sources of (kind, pk, when) and the columns the page shows finds
    and fetches the page's rows at once. One row more than a page tells whether an older
    page exists, without counting everything. With the `cursor` of the page before (the
    "Older" link), each source reads only from there on, through its index on the
    distributor and the date, however deep the page; without one (a typed address), page
    N skips the rows of the pages before it.
    """
    # Each source's own newest rows suffice for a page, where the database allows a limit
    # inside a UNION (PostgreSQL; SQLite sorts the whole union, which is small there).
    limit_each = len(kinds) > 1 and connection.features.supports_slicing_ordering_in_compound
    size = TIMELINE_PAGE_SIZE + 1
    offset = 0 if cursor else (page - 1) * TIMELINE_PAGE_SIZE
    parts = []
    for kind in kinds:
        rows, field, columns = sources[kind]
        is_date = _is_date(rows, field)
        if cursor:
            rows = rows.filter(_older_than(kind, field, is_date, cursor))
        at = Cast(field, DateTimeField()) if is_date else F(field)
        part = rows.annotate(
            entry_kind=Value(kind.value, output_field=models.CharField()), at=at, **columns
        ).values("entry_kind", "pk", "at", *columns)
        parts.append(
            part.order_by(f"-{field}", "-pk")[: offset + size] if limit_each else part.order_by()
        )
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    rows = list(union.order_by("-at", "entry_kind", "-pk")[offset : offset + size])
    has_next = len(rows) > TIMELINE_PAGE_SIZE
    rows = rows[:TIMELINE_PAGE_SIZE]
    return TimelinePage(
        entries=[_timeline_entry(row) for row in rows],
        number=page,
        has_previous=page > 1,
        has_next=has_next,
        next_cursor=_cursor_text(rows[-1]) if has_next else "",
    )


def distributor_timeline(distributor, kinds=(), page=1, cursor=None):
    """One page of what happened with a distributor, newest first, in one query."""
    return _timeline_page(_timeline_sources(distributor), _kinds(kinds), page, cursor)


def activity(distributors, kinds=(), page=1, cursor=None, **filters):
    """One page of what happened with any of `distributors` (a queryset), newest first, as
    the timeline pages it, and how many entries match in all: two queries.

    `filters` narrow it to a figure of the trends (see `_timeline_sources`).
    """
    sources = _timeline_sources(distributors.order_by().values("pk"), **filters)
    kinds = _kinds(kinds)
    result = _timeline_page(sources, kinds, page, cursor)
    counted = [sources[kind][0].order_by().values("pk") for kind in kinds]
    result.count = counted[0].union(*counted[1:], all=True).count()
    return result


def activity_summary(
    count, kinds=(), *, quarter=None, outcome="", feedback_kind="", held_only=False
):
    """How many entries of what, in the domain's words: "312 touchpoints in FY2026-Q1"."""
    kinds = _kinds(kinds)
    if kinds == [TimelineKind.TOUCHPOINT]:
        text = ngettext("%(count)s touchpoint", "%(count)s touchpoints", count)
    elif kinds == [TimelineKind.MEETING] and held_only:
        text = ngettext("%(count)s meeting held", "%(count)s meetings held", count)
    elif kinds == [TimelineKind.MEETING]:
        text = ngettext("%(count)s meeting", "%(count)s meetings", count)
    elif kinds == [TimelineKind.EVALUATION] and outcome:
        text = ngettext(
            "%(count)s milestone evaluation with the outcome “%(outcome)s”",
            "%(count)s milestone evaluations with the outcome “%(outcome)s”",
            count,
        )
    elif kinds == [TimelineKind.EVALUATION]:
        text = ngettext("%(count)s milestone evaluation", "%(count)s milestone evaluations", count)
    elif kinds == [TimelineKind.FEEDBACK] and feedback_kind:
        text = ngettext(
            "%(count)s item of feedback of the kind “%(kind)s”",
            "%(count)s items of feedback of the kind “%(kind)s”",
            count,
        )
    elif kinds == [TimelineKind.FEEDBACK]:
        text = ngettext("%(count)s item of feedback", "%(count)s items of feedback", count)
    else:
        text = ngettext("%(count)s entry", "%(count)s entries", count)
    text %= {
        "count": count,
        "outcome": MilestoneEvaluation.Outcome(outcome).label if outcome else "",
        "kind": Feedback.Kind(feedback_kind).label if feedback_kind else "",
    }
    if quarter:
        text = gettext("%(entries)s in %(quarter)s") % {"entries": text, "quarter": quarter}
    return text
