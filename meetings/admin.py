from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from distributors.admin import distributor_search_fields
from prm.forms import HTTPS_URL_FIELDS

from .models import (
    ActionItem,
    AgendaItem,
    AlignmentMeeting,
    Cadence,
    NotificationPreference,
    Reminder,
    Touchpoint,
)


@admin.register(Touchpoint)
class TouchpointAdmin(SimpleHistoryAdmin):
    list_display = ("occurred_on", "distributor", "kind", "mood", "logged_by")
    list_filter = ("kind", "mood", "occurred_on")
    date_hierarchy = "occurred_on"
    search_fields = ("notes", "unspoken_concerns", *distributor_search_fields())
    autocomplete_fields = ("distributor", "staff", "contacts", "logged_by")
    readonly_fields = ("created_at",)

    def get_queryset(self, request):
        # __str__ names the distributor, and touchpoints are picked by autocomplete.
        return super().get_queryset(request).select_related("distributor", "logged_by")


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    fields = (
        "position",
        "title",
        "description",
        "proposer_side",
        "proposed_by",
        "status",
        "decided_by",
        "decided_at",
    )
    autocomplete_fields = ("proposed_by", "decided_by")
    extra = 0


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    fields = (
        "description",
        "distributor",
        "owner_side",
        "owner_user",
        "owner_contact",
        "due_on",
        "status",
        "completed_at",
        "completed_by",
        "completion_note",
    )
    autocomplete_fields = ("distributor", "owner_user", "owner_contact", "completed_by")
    extra = 0


@admin.register(AlignmentMeeting)
class AlignmentMeetingAdmin(SimpleHistoryAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = (
        "title",
        "distributor_names",
        "kind",
        "starts_at",
        "format",
        "status",
        "minutes_shared",
        "organizer",
    )
    list_select_related = ("organizer",)
    list_filter = ("kind", "status", "format", "language", "minutes_shared", "starts_at")
    date_hierarchy = "starts_at"
    search_fields = ("title", *distributor_search_fields("distributors"))
    autocomplete_fields = ("distributors", "staff_attendees", "contact_attendees", "organizer")
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "kind",
                    "title",
                    "distributors",
                    ("starts_at", "ends_at"),
                    "format",
                    "location",
                    "join_url",
                    "language",
                    "status",
                )
            },
        ),
        (_("Attendees"), {"fields": ("organizer", "staff_attendees", "contact_attendees")}),
        (
            _("Minutes"),
            {
                "fields": (
                    ("minutes_market_trends", "minutes_market_trends_ja"),
                    ("minutes_feedback", "minutes_feedback_ja"),
                    ("minutes_joint_learning", "minutes_joint_learning_ja"),
                    ("decisions", "decisions_ja"),
                    "minutes_shared",
                )
            },
        ),
        (_("History"), {"fields": ("created_at", "updated_at")}),
    )
    inlines = [AgendaItemInline, ActionItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("distributors")

    @admin.display(description=_("distributors"))
    def distributor_names(self, meeting):
        return ", ".join(str(distributor) for distributor in meeting.distributors.all())


@admin.register(ActionItem)
class ActionItemAdmin(SimpleHistoryAdmin):
    list_display = ("description", "distributor", "meeting", "owner", "due_on", "status")
    list_select_related = ("distributor", "meeting", "owner_user", "owner_contact")
    list_filter = ("status", "owner_side", "due_on")
    date_hierarchy = "due_on"
    search_fields = ("description", "completion_note", *distributor_search_fields())
    autocomplete_fields = (
        "meeting",
        "touchpoint",
        "distributor",
        "owner_user",
        "owner_contact",
        "completed_by",
    )
    readonly_fields = ("created_at",)

    @admin.display(description=_("owner"))
    def owner(self, item):
        return item.owner_user or item.owner_contact


@admin.register(Cadence)
class CadenceAdmin(SimpleHistoryAdmin):
    list_display = (
        "distributor",
        "alignment_interval_months",
        "touchpoint_interval_weeks",
        "senior_contact_interval_months",
        "due_soon_days",
    )
    list_select_related = ("distributor",)
    list_filter = ("alignment_interval_months", "touchpoint_interval_weeks")
    search_fields = distributor_search_fields()
    autocomplete_fields = ("distributor",)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = (
        "kind",
        "distributor",
        "recipient",
        "period",
        "due_on",
        "state",
        "attempts",
        "sent_at",
        "emailed",
    )
    list_select_related = ("distributor", "recipient")
    list_filter = ("kind", "state", "emailed", "due_on")
    date_hierarchy = "due_on"
    search_fields = (
        "period",
        "message",
        "last_error",
        "recipient__username",
        "recipient__last_name",
        *distributor_search_fields(),
    )
    autocomplete_fields = ("distributor", "recipient")
    readonly_fields = ("created_at", "claimed_at", "attempts", "last_error", "emailed")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "email")
    list_select_related = ("user",)
    list_filter = ("kind", "email")
    search_fields = ("user__username", "user__last_name", "user__email")
    autocomplete_fields = ("user",)
