"""Reads for touchpoints and meetings, shaped so each page makes a fixed number of queries."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from distributors.models import Contact, Distributor
from distributors.selectors import name_matches
from prm.roles import STAFF_ROLES

from .models import ActionItem, AlignmentMeeting, Touchpoint

# Hiragana and katakana spell the same reading: people type either, kana names are
# usually stored in katakana.

# What an action item shows: its owner on either side and its distributor.
_ACTION_ITEM_RELATIONS = ("owner_user", "owner_contact", "distributor")


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
            "agenda_items",
            Prefetch(
                "action_items", queryset=ActionItem.objects.select_related(*_ACTION_ITEM_RELATIONS)
            ),
        ),
        pk=pk,
    )


def meeting_for_calendar(pk):
    return get_object_or_404(
        AlignmentMeeting.objects.prefetch_related("distributors", "agenda_items"), pk=pk
    )


def action_items_of(origin):
    """The action items of a meeting or a touchpoint, with their owners."""
    return origin.action_items.select_related(*_ACTION_ITEM_RELATIONS)
