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
from django.db.models.functions import Cast, Coalesce, Greatest, TruncDate
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meetings.models import AlignmentMeeting, Touchpoint
from milestones.models import Goal, Milestone, MilestoneEvaluation

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
    if with_invitations:
        contacts = with_latest_invitation(contacts)
    groups = {seniority: [] for seniority in Contact.Seniority}
    archived = []
    for contact in contacts:
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
        .select_related("owner_ours", "owner_distributor")
        .prefetch_related("agreements", Prefetch("milestones", queryset=milestones))
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


@dataclass
class TimelinePage:
    entries: list
    number: int
    has_previous: bool
    has_next: bool
    # Where the next (older) page starts: what the "Older" link carries, so that page N+1
    # continues from the last row shown instead of skipping the rows of pages 1 to N.
    next_cursor: str = ""


def _text(value=""):
    return Value(value, output_field=models.TextField())


def _no_id():
    return Cast(Value(None), models.IntegerField())


def _timeline_sources(distributor):
    """For each kind: the distributor's rows, the field telling when each happened (a date
    becomes midnight UTC so that it sorts among the datetimes in one column), and the
    columns the timeline shows, under the same names for every kind (names that no model
    field has: an annotation may not shadow a field)."""
    return {
        TimelineKind.TOUCHPOINT: (
            Touchpoint.objects.filter(distributor=distributor),
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
        ),
        TimelineKind.MEETING: (
            AlignmentMeeting.objects.filter(distributors=distributor),
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
        ),
        TimelineKind.EVALUATION: (
            MilestoneEvaluation.objects.filter(milestone__goal__distributor=distributor),
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
        ),
        TimelineKind.FEEDBACK: (
            Feedback.objects.filter(distributor=distributor),
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
        ),
    }


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


def distributor_timeline(distributor, kinds=(), page=1, cursor=None):
    """One page of what happened with a distributor, newest first, in one query.

    A UNION ALL over the sources of (kind, pk, when) and the columns the page shows finds
    and fetches the page's rows at once. One row more than a page tells whether an older
    page exists, without counting everything. With the `cursor` of the page before (the
    "Older" link), each source reads only from there on, through its index on the
    distributor and the date, however deep the page; without one (a typed address), page
    N skips the rows of the pages before it.
    """
    sources = _timeline_sources(distributor)
    kinds = [kind for kind in TimelineKind if kind in kinds] or list(TimelineKind)
    # Each source's own newest rows suffice for a page, where the database allows a limit
    # inside a UNION (PostgreSQL; SQLite sorts the whole union, which is small there).
    limit_each = len(kinds) > 1 and connection.features.supports_slicing_ordering_in_compound
    size = TIMELINE_PAGE_SIZE + 1
    offset = 0 if cursor else (page - 1) * TIMELINE_PAGE_SIZE
    parts = []
    for kind in kinds:
        rows, field, columns = sources[kind]
        field_type = type(rows.model._meta.get_field(field))
        is_date = field_type is models.DateField
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
        entries=[
            TimelineEntry(row["entry_kind"], _timeline_object(row["entry_kind"], row))
            for row in rows
        ],
        number=page,
        has_previous=page > 1,
        has_next=has_next,
        next_cursor=_cursor_text(rows[-1]) if has_next else "",
    )
