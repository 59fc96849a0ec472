from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from distributors.admin import distributor_search_fields
from prm.forms import HTTPS_URL_FIELDS

from .models import (
    Goal,
    GoalAgreement,
    GoalChangeProposal,
    GoalVersion,
    Milestone,
    MilestoneEvaluation,
    MilestoneEvidence,
)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ("kind", "title", "target_date", "status")
    show_change_link = True
    extra = 0


class GoalAgreementInline(admin.TabularInline):
    model = GoalAgreement
    fields = ("version", "side", "accepted_by", "accepted_at", "comment")
    readonly_fields = ("accepted_at",)
    autocomplete_fields = ("accepted_by",)
    extra = 0


class GoalVersionInline(admin.TabularInline):
    """The history of what the goal said: written by the app, never edited."""

    model = GoalVersion
    fields = (
        "version",
        "title",
        "title_ja",
        "horizon_start",
        "horizon_end",
        "created_by",
        "created_at",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Goal)
class GoalAdmin(SimpleHistoryAdmin):
    list_display = (
        "title",
        "distributor",
        "owner_ours",
        "horizon_start",
        "horizon_end",
        "status",
        "version",
        "agreement",
    )
    list_select_related = ("distributor", "owner_ours")
    list_filter = ("status", "horizon_end")
    date_hierarchy = "horizon_end"
    search_fields = (
        "title",
        "title_ja",
        "description",
        "description_ja",
        *distributor_search_fields(),
    )
    autocomplete_fields = ("distributor", "owner_ours", "owner_distributor")
    readonly_fields = ("created_at", "updated_at")
    inlines = [MilestoneInline, GoalAgreementInline, GoalVersionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("agreements", "change_proposals")

    @admin.display(description=_("agreement"))
    def agreement(self, goal):
        return goal.agreement_state().label


@admin.register(GoalAgreement)
class GoalAgreementAdmin(SimpleHistoryAdmin):
    list_display = ("goal", "version", "side", "accepted_by", "accepted_at")
    list_select_related = ("goal", "accepted_by")
    list_filter = ("side",)
    date_hierarchy = "accepted_at"
    search_fields = ("goal__title", "comment", *distributor_search_fields("goal__distributor"))
    autocomplete_fields = ("goal", "accepted_by")


class MilestoneEvaluationInline(admin.StackedInline):
    model = MilestoneEvaluation
    fields = (
        "evaluated_on",
        "outcome",
        "narrative",
        "learning",
        "next_step",
        "staff_participants",
        "contact_participants",
        "shared_with_distributor",
        "meeting",
        "created_by",
    )
    autocomplete_fields = ("staff_participants", "contact_participants", "meeting", "created_by")
    extra = 0


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ("title", "goal", "goal__distributor", "kind", "target_date", "status")
    list_select_related = ("goal__distributor",)
    list_filter = ("kind", "status", "target_date")
    date_hierarchy = "target_date"
    search_fields = ("title", "goal__title", *distributor_search_fields("goal__distributor"))
    autocomplete_fields = ("goal",)
    readonly_fields = ("created_at", "updated_at")
    inlines = [MilestoneEvaluationInline]


@admin.register(MilestoneEvaluation)
class MilestoneEvaluationAdmin(SimpleHistoryAdmin):
    list_display = ("milestone", "evaluated_on", "outcome", "shared_with_distributor", "created_by")
    list_select_related = ("milestone", "created_by")
    list_filter = ("outcome", "shared_with_distributor", "evaluated_on")
    date_hierarchy = "evaluated_on"
    search_fields = (
        "milestone__title",
        "narrative",
        "learning",
        *distributor_search_fields("milestone__goal__distributor"),
    )
    autocomplete_fields = (
        "milestone",
        "staff_participants",
        "contact_participants",
        "meeting",
        "created_by",
    )
    readonly_fields = ("created_at",)


@admin.register(GoalChangeProposal)
class GoalChangeProposalAdmin(SimpleHistoryAdmin):
    list_display = ("goal", "version", "proposed_by", "created_at", "answer", "answered_at")
    list_select_related = ("goal", "proposed_by")
    list_filter = ("answer",)
    date_hierarchy = "created_at"
    search_fields = ("goal__title", "comment", *distributor_search_fields("goal__distributor"))
    autocomplete_fields = ("goal", "proposed_by", "answered_by")
    readonly_fields = ("created_at",)


@admin.register(MilestoneEvidence)
class MilestoneEvidenceAdmin(SimpleHistoryAdmin):
    """The uploaded file is never replaced here: it came from the distributor and was checked."""

    list_display = ("milestone", "added_by", "created_at", "file_name")
    list_select_related = ("milestone", "added_by")
    date_hierarchy = "created_at"
    search_fields = (
        "milestone__title",
        "text",
        "file_name",
        *distributor_search_fields("milestone__goal__distributor"),
    )
    autocomplete_fields = ("milestone", "added_by")
    formfield_overrides = HTTPS_URL_FIELDS
    fields = ("milestone", "text", "link", "download", "file_size", "added_by", "created_at")
    readonly_fields = ("download", "file_size", "created_at")

    @admin.display(description=_("file"))
    def download(self, evidence):
        if not evidence.file:
            return "—"
        url = reverse("milestones:evidence_download", args=[evidence.pk])
        return format_html('<a href="{}">{}</a>', url, evidence.file_name)
