"""Reads for touchpoints and meetings, shaped so each page makes a fixed number of queries."""

from django.contrib.auth import get_user_model
from django.db.models import Case, Prefetch, Q, Value, When
from django.shortcuts import get_object_or_404

from distributors.models import Contact, Distributor
from distributors.selectors import name_matches
from prm.bilingual import fallback_language, in_reader_language
from prm.roles import STAFF_ROLES
from prm.scoping import visible_or_404

from .models import ActionItem, AgendaItem, AlignmentMeeting, Touchpoint

# Hiragana and katakana spell the same reading: people type either, kana names are
# usually stored in katakana.

# The touchpoint form's distributor list shows at most this many matches of the search:
# typing more of the name narrows them down. All distributors were thousands of options.
OFFERED_DISTRIBUTORS = 20

# What an action item shows: its owner on either side, its distributor, who marked it done.
_ACTION_ITEM_RELATIONS = ("owner_user", "owner_contact", "distributor", "completed_by")
# What an agenda item shows our staff: who proposed it, from which distributor, who decided.
_AGENDA_ITEM_RELATIONS = ("proposed_by__portal_contact__distributor", "decided_by")


def minutes_in_reader_language(meeting):
    """(label, text, lang) of each part of the minutes, in the reader's language or else the
    other; `lang` is that other language ("" for the reader's), to mark the text with."""
    return [
        (
            AlignmentMeeting._meta.get_field(name).verbose_name,
            in_reader_language(meeting, name),
            fallback_language(meeting, name),
        )
        for name in AlignmentMeeting.MINUTES_FIELDS
    ]


def staff_users():
    """Our people: the active account managers and executives."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=STAFF_ROLES)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def distributor_choices(*, keep=()):
    """Distributors one can log or schedule with: the active ones, plus any in `keep`
    (those an existing record already points at, so editing it stays possible)."""
    return Distributor.objects.filter(Q(archived_at__isnull=True) | Q(pk__in=keep))


def search_distributors(query):
    """Active distributors whose English, Japanese or kana name (or code) contains `query`.

    Matched as the distributor list matches it (distributors.selectors.name_matches).
    """
    distributors = distributor_choices()
    match = name_matches(query)
    return distributors if match is None else distributors.filter(match)


def _chosen_first(offered, chosen, limit):
    """The distributors one can choose that `offered` (a Q) selects: those `chosen` (pks)
    first, so that refining a search keeps the choice, then by name, `limit` beyond them."""
    chosen_first = Case(When(pk__in=chosen, then=Value(0)), default=Value(1))
    return (
        distributor_choices()
        .filter(offered | Q(pk__in=chosen))
        .order_by(chosen_first, "name_en", "pk")[: len(chosen) + limit]
    )


def first_matches(query, chosen=()):
    """The distributor list's options while one searches: those `chosen` (pks), then the
    first OFFERED_DISTRIBUTORS of `search_distributors(query)`; and whether more match (one
    row more tells, where a COUNT would read them all)."""
    found = list(
        _chosen_first(
            Q(pk__in=search_distributors(query).values("pk")), chosen, OFFERED_DISTRIBUTORS + 1
        )
    )
    kept = [d for d in found if d.pk in chosen]
    matches = [d for d in found if d.pk not in chosen]
    return kept + matches[:OFFERED_DISTRIBUTORS], len(matches) > OFFERED_DISTRIBUTORS


def offered_distributors(query, chosen=()):
    """The options of the touchpoint form's distributor list: those `chosen` (pks), then
    the first OFFERED_DISTRIBUTORS matches of the search `query`; none without either."""
    match = name_matches(query)
    return _chosen_first(Q(pk__in=[]) if match is None else match, chosen, OFFERED_DISTRIBUTORS)


def contact_choices(distributor_ids, *, keep=()):
    """The non-archived contacts of these distributors, plus any in `keep`."""
    return (
        Contact.objects.filter(distributor_id__in=distributor_ids)
        .filter(Q(archived_at__isnull=True) | Q(pk__in=keep))
        .select_related("distributor")
        .order_by("distributor__name_en", "name_latin")
    )


def touchpoint_detail(pk):
    return get_object_or_404(
        Touchpoint.objects.select_related("distributor", "logged_by").prefetch_related(
            "staff",
            "contacts",
            Prefetch(
                "action_items", queryset=ActionItem.objects.select_related(*_ACTION_ITEM_RELATIONS)
            ),
        ),
        pk=pk,
    )


def meeting_detail(pk):
    return get_object_or_404(
        AlignmentMeeting.objects.select_related("organizer").prefetch_related(
            "distributors",
            "staff_attendees",
            Prefetch(
                "contact_attendees",
                queryset=Contact.objects.select_related("distributor").order_by(
                    "distributor__name_en", "name_latin"
                ),
            ),
            Prefetch(
                "agenda_items", queryset=AgendaItem.objects.select_related(*_AGENDA_ITEM_RELATIONS)
            ),
            Prefetch(
                "action_items", queryset=ActionItem.objects.select_related(*_ACTION_ITEM_RELATIONS)
            ),
        ),
        pk=pk,
    )


def agenda_items_of(meeting):
    return meeting.agenda_items.select_related(*_AGENDA_ITEM_RELATIONS)


def agenda_sections(agenda_items):
    """The agenda as agreed, and apart from it the distributors' proposals: those waiting
    for a decision first, then those declined."""
    agenda, waiting, declined = [], [], []
    for item in agenda_items:
        if item.status == AgendaItem.Status.ACCEPTED:
            agenda.append(item)
        elif item.status == AgendaItem.Status.PROPOSED:
            waiting.append(item)
        else:
            declined.append(item)
    return {"agenda_items": agenda, "agenda_proposals": waiting + declined}


def meeting_for_calendar(pk):
    return get_object_or_404(
        AlignmentMeeting.objects.prefetch_related("distributors", "agenda_items"), pk=pk
    )


def action_items_of(origin):
    """The action items of a meeting or a touchpoint, with their owners."""
    return origin.action_items.select_related(*_ACTION_ITEM_RELATIONS)


# The partner portal: everything through `visible_to`, so only the user's own distributor's
# share of a meeting (an advisory board has several distributors) can be read.


def _portal_agenda(user):
    return Prefetch(
        "agenda_items", queryset=AgendaItem.objects.visible_to(user).select_related("proposed_by")
    )


def portal_upcoming_meetings(user, now):
    """Meetings still to come (or under way), cancelled ones included, soonest first."""
    return (
        AlignmentMeeting.objects.visible_to(user)
        .filter(ends_at__gte=now)
        .exclude(status=AlignmentMeeting.Status.HELD)
        .prefetch_related(_portal_agenda(user))
        .order_by("starts_at", "pk")
    )


def portal_past_meetings(user, now):
    """Meetings over (or already held), latest first."""
    return (
        AlignmentMeeting.objects.visible_to(user)
        .filter(Q(ends_at__lt=now) | Q(status=AlignmentMeeting.Status.HELD))
        .order_by("-starts_at", "-pk")
    )


def portal_meeting_detail(user, pk):
    return visible_or_404(
        AlignmentMeeting.objects.prefetch_related(
            _portal_agenda(user),
            Prefetch(
                "staff_attendees",
                queryset=get_user_model().objects.order_by("last_name", "first_name", "username"),
            ),
            Prefetch(
                "contact_attendees",
                queryset=Contact.objects.visible_to(user).order_by("name_latin"),
            ),
            Prefetch(
                "action_items",
                queryset=ActionItem.objects.visible_to(user).select_related(
                    "owner_user", "owner_contact", "completed_by"
                ),
            ),
        ),
        user,
        pk=pk,
    )


def portal_meeting_for_calendar(user, pk):
    return visible_or_404(
        AlignmentMeeting.objects.prefetch_related(_portal_agenda(user)), user, pk=pk
    )
