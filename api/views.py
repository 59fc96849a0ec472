"""The API's endpoints. Every row is read through the model's `visible_to(user)` queryset,
the same scoping as the portal: another distributor's row is a 404, as if it did not exist.
Writes go through the apps' services, as the staff pages' do."""

from django.db import IntegrityError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.response import Response

from distributors import services as distributor_services
from distributors.models import Contact, Distributor
from figures import services as figure_services
from figures.models import FigureKind, FigureSource, PerformanceFigure
from meetings import services as meeting_services
from meetings.models import AlignmentMeeting, Touchpoint
from milestones.models import Goal, Milestone, MilestoneEvaluation
from prm import japan_calendar

from . import filters, serializers


class ScopedViewSet(viewsets.GenericViewSet):
    """Rows the caller may see, shown with the staff or the portal serializer by role."""

    model = None
    portal_serializer_class = None
    # No PUT (a partial PATCH says what changes) and no DELETE: history stays.
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the types
            return self.model.objects.none()
        return self.scoped(self.model.objects.visible_to(self.request.user))

    def scoped(self, queryset):
        """The related rows a page of `queryset` needs, fetched in a fixed number of queries."""
        return queryset

    @property
    def for_staff(self):
        user = self.request.user
        return getattr(self, "swagger_fake_view", False) or user.is_staff_member

    def get_serializer_class(self):
        if self.for_staff or self.portal_serializer_class is None:
            return self.serializer_class
        return self.portal_serializer_class


class DistributorViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    model = Distributor
    serializer_class = serializers.DistributorSerializer
    portal_serializer_class = serializers.PortalDistributorSerializer
    filterset_class = filters.DistributorFilter

    def scoped(self, queryset):
        return queryset.prefetch_related("prefectures", "product_categories").order_by(
            "name_en", "pk"
        )

    def perform_create(self, serializer):
        serializer.instance = distributor_services.do_create_distributor(
            **serializer.validated_data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        for name in ("prefectures", "product_categories"):
            data[name] = serializer.current_or_given(data, name)
        serializer.instance = distributor_services.do_update_distributor(
            serializer.instance, **data
        )


class ContactViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    model = Contact
    serializer_class = serializers.ContactSerializer
    portal_serializer_class = serializers.PortalContactSerializer
    filterset_class = filters.ContactFilter

    def scoped(self, queryset):
        return queryset.order_by("distributor_id", "name_latin", "pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = distributor_services.do_create_contact(
            data.pop("distributor"), **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("distributor", None)
        serializer.instance = distributor_services.do_update_contact(serializer.instance, **data)


class TouchpointViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ScopedViewSet,
):
    """Our notes of informal contact. A distributor's login sees none, as in the portal.
    Logged once, like on the staff pages: no change afterwards."""

    model = Touchpoint
    serializer_class = serializers.TouchpointSerializer
    filterset_class = filters.TouchpointFilter

    def scoped(self, queryset):
        return queryset.prefetch_related("contacts", "staff").order_by(
            "-occurred_on", "-created_at", "-pk"
        )

    def perform_create(self, serializer):
        serializer.instance = meeting_services.do_log_touchpoint(
            logged_by=self.request.user, **serializer.validated_data
        )


class MeetingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    model = AlignmentMeeting
    serializer_class = serializers.MeetingSerializer
    portal_serializer_class = serializers.PortalMeetingSerializer
    filterset_class = filters.MeetingFilter

    def scoped(self, queryset):
        user = self.request.user
        if user.is_staff_member:
            related = ["distributors", "staff_attendees", "contact_attendees"]
        else:
            # Of an advisory board, only their own distributor and contacts.
            related = [
                Prefetch("distributors", queryset=Distributor.objects.visible_to(user)),
                "staff_attendees",
                Prefetch("contact_attendees", queryset=Contact.objects.visible_to(user)),
            ]
        return queryset.prefetch_related(*related).order_by("-starts_at", "pk")

    def perform_create(self, serializer):
        serializer.instance = meeting_services.do_schedule_meeting(
            organizer=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        for name in ("distributors", "staff_attendees", "contact_attendees"):
            data[name] = serializer.current_or_given(data, name)
        serializer.instance = meeting_services.do_update_meeting(serializer.instance, **data)


class GoalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Goal
    serializer_class = serializers.GoalSerializer
    portal_serializer_class = serializers.PortalGoalSerializer
    filterset_class = filters.GoalFilter

    def scoped(self, queryset):
        return (
            queryset.with_open_change_proposal()
            .select_related("owner_ours")
            .prefetch_related("agreements")
            .order_by("distributor_id", "horizon_end", "title", "pk")
        )


class MilestoneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = Milestone
    serializer_class = serializers.MilestoneSerializer
    filterset_class = filters.MilestoneFilter

    def scoped(self, queryset):
        evaluations = MilestoneEvaluation.objects.visible_to(self.request.user)
        return (
            queryset.select_related("goal")
            .prefetch_related(Prefetch("evaluations", queryset=evaluations))
            .order_by("target_date", "pk")
        )


class FigureKindViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The kinds of figures and their codes; a distributor's login sees the shared ones."""

    model = FigureKind
    serializer_class = serializers.FigureKindSerializer
    pagination_class = None

    def scoped(self, queryset):
        return queryset.order_by("position", "name_en", "pk")


class FigureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Monthly performance figures. A POST writes many at once: all of them or none."""

    model = PerformanceFigure
    serializer_class = serializers.FigureSerializer
    filterset_class = filters.FigureFilter
    # A distributor's users enter their own distributor's figures, as in the portal.
    distributor_writes = True
    max_rows = 1000

    def scoped(self, queryset):
        return queryset.select_related("kind", "entered_by").order_by(
            "distributor_id", "kind__position", "month", "pk"
        )

    @extend_schema(
        request=serializers.FigureRowSerializer(many=True),
        responses=serializers.FigureSaveResultSerializer,
        description=(
            "Save a list of values in one transaction, all of them or, when one row is "
            "wrong, none (the errors list one object per row). A value already stored "
            "changes nothing; a changed one keeps the previous value in its history."
        ),
    )
    def create(self, request):
        rows = serializers.FigureRowSerializer(
            data=request.data, many=True, allow_empty=False, max_length=self.max_rows
        )
        rows.is_valid(raise_exception=True)
        entries = serializers.figure_entries(
            rows.validated_data, request.user, japan_calendar.today()
        )
        try:
            result = figure_services.do_save_figures(
                entries, user=request.user, source=FigureSource.API
            )
        except IntegrityError:
            # Another request stored one of these months a moment before: saved again,
            # its value becomes a correction of theirs.
            result = figure_services.do_save_figures(
                entries, user=request.user, source=FigureSource.API
            )
        return Response(serializers.FigureSaveResultSerializer(result).data)
