"""Query parameters of the list endpoints: by distributor, by date range, by status.

A date range is two parameters, `<name>_after` and `<name>_before` (both days included).
The distributor choices are those the caller may see, so a distributor's login naming
another distributor gets a 400 that does not say whether it exists.
"""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from distributors.models import Contact, Distributor
from figures.models import FigureKind, PerformanceFigure
from meetings.models import AlignmentMeeting, Touchpoint
from milestones.models import Goal, Milestone


def _visible_distributors(request):
    user = getattr(request, "user", None)
    if user is None:  # the OpenAPI schema is generated without a request
        return Distributor.objects.none()
    return Distributor.objects.visible_to(user)


def _visible_goals(request):
    user = getattr(request, "user", None)
    return Goal.objects.none() if user is None else Goal.objects.visible_to(user)


def _distributor(field_name="distributor"):
    return filters.ModelChoiceFilter(
        field_name=field_name,
        queryset=_visible_distributors,
        label=_("Distributor (id)"),
    )


class DistributorFilter(filters.FilterSet):
    archived = filters.BooleanFilter(
        field_name="archived_at", lookup_expr="isnull", exclude=True, label=_("Archived")
    )
    updated_at = filters.DateFromToRangeFilter(label=_("Last changed"))

    class Meta:
        model = Distributor
        fields = ["status", "role"]


class ContactFilter(filters.FilterSet):
    distributor = _distributor()
    archived = filters.BooleanFilter(
        field_name="archived_at", lookup_expr="isnull", exclude=True, label=_("Archived")
    )
    updated_at = filters.DateFromToRangeFilter(label=_("Last changed"))

    class Meta:
        model = Contact
        fields = ["seniority"]


class TouchpointFilter(filters.FilterSet):
    distributor = _distributor()
    occurred_on = filters.DateFromToRangeFilter(label=_("Date"))

    class Meta:
        model = Touchpoint
        fields = ["kind", "mood"]


class MeetingFilter(filters.FilterSet):
    distributor = _distributor("distributors")
    starts_at = filters.DateFromToRangeFilter(label=_("Day it starts"))

    class Meta:
        model = AlignmentMeeting
        fields = ["kind", "status"]


class GoalFilter(filters.FilterSet):
    distributor = _distributor()
    horizon_end = filters.DateFromToRangeFilter(label=_("Horizon until"))

    class Meta:
        model = Goal
        fields = ["status"]


class MilestoneFilter(filters.FilterSet):
    distributor = _distributor("goal__distributor")
    goal = filters.ModelChoiceFilter(queryset=_visible_goals, label=_("Goal (id)"))
    target_date = filters.DateFromToRangeFilter(label=_("Target date"))

    class Meta:
        model = Milestone
        fields = ["status", "kind"]


def _visible_kinds(request):
    user = getattr(request, "user", None)
    return FigureKind.objects.none() if user is None else FigureKind.objects.visible_to(user)


class FigureFilter(filters.FilterSet):
    distributor = _distributor()
    kind = filters.ModelChoiceFilter(
        queryset=_visible_kinds, to_field_name="code", label=_("Figure kind (code)")
    )
    month = filters.DateFromToRangeFilter(label=_("Month (its first day)"))

    class Meta:
        model = PerformanceFigure
        fields = ["category", "source"]
