from django.contrib import admin
from django.contrib.admin.utils import model_ngettext
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from meetings.models import Cadence
from prm.forms import HTTPS_URL_FIELDS

from .models import (
    Contact,
    Distributor,
    Feedback,
    FeedbackReply,
    PortalInvitation,
    Prefecture,
    ProductCategory,
    SharedPlan,
    SharedPlanAcknowledgement,
)

DISTRIBUTOR_NAME_FIELDS = ("code", "name_en", "name_ja", "name_kana")


def distributor_search_fields(path="distributor"):
    """Search fields that find a related distributor by partner code or any of its names."""
    return tuple(f"{path}__{field}" for field in DISTRIBUTOR_NAME_FIELDS)


class ArchivedListFilter(admin.SimpleListFilter):
    title = _("archived")
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("no", _("Active")), ("yes", _("Archived"))]

    def queryset(self, request, queryset):
        if self.value() in ("no", "yes"):
            return queryset.filter(archived_at__isnull=self.value() == "no")
        return queryset


class ArchivableAdmin(SimpleHistoryAdmin):
    """Distributors and contacts are archived, never deleted: their history must stay."""

    actions = ["archive", "restore"]
    readonly_fields = ("archived_at", "created_at", "updated_at")

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("archived"), boolean=True, ordering="archived_at")
    def archived(self, obj):
        return obj.archived_at is not None

    @admin.action(description=_("Archive selected"))
    def archive(self, request, queryset):
        self._set_archived_at(
            request,
            queryset.filter(archived_at__isnull=True),
            timezone.now(),
            _("%(count)d %(items)s archived."),
        )

    @admin.action(description=_("Restore selected"))
    def restore(self, request, queryset):
        self._set_archived_at(
            request,
            queryset.filter(archived_at__isnull=False),
            None,
            _("%(count)d %(items)s restored."),
        )

    def _set_archived_at(self, request, queryset, archived_at, message):
        # One save per row, not update(): the audit history records each, with who did it.
        count = 0
        for obj in queryset:
            obj.archived_at = archived_at
            obj.save(update_fields=["archived_at", "updated_at"])
            count += 1
        items = model_ngettext(self.opts, count)
        self.message_user(request, message % {"count": count, "items": items})


@admin.register(Prefecture)
class PrefectureAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_ja", "region")
    list_filter = ("region",)
    search_fields = ("name_en", "name_ja", "region")


@admin.register(ProductCategory)
class ProductCategoryAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_ja")
    search_fields = ("name_en", "name_ja")


class ContactInline(admin.TabularInline):
    model = Contact
    fields = (
        "name_latin",
        "name_kanji",
        "name_kana",
        "title",
        "seniority",
        "language",
        "email",
        "phone",
        "portal_user",
        "archived_at",
    )
    readonly_fields = ("archived_at",)
    autocomplete_fields = ("portal_user",)
    can_delete = False
    show_change_link = True
    extra = 0


class CadenceInline(admin.StackedInline):
    model = Cadence


@admin.register(Distributor)
class DistributorAdmin(ArchivableAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = (
        "name_en",
        "name_ja",
        "name_kana",
        "code",
        "role",
        "status",
        "upstream",
        "account_manager",
        "archived",
    )
    list_select_related = ("upstream", "account_manager")
    list_filter = (
        ArchivedListFilter,
        "status",
        "role",
        ("account_manager", admin.RelatedOnlyFieldListFilter),
        "prefectures__region",
        "product_categories",
    )
    search_fields = DISTRIBUTOR_NAME_FIELDS
    autocomplete_fields = ("upstream", "account_manager", "executive_sponsor")
    filter_horizontal = ("prefectures", "product_categories")
    inlines = [ContactInline, CadenceInline]


@admin.register(Contact)
class ContactAdmin(ArchivableAdmin):
    list_display = (
        "name_latin",
        "name_kanji",
        "name_kana",
        "distributor",
        "title",
        "seniority",
        "email",
        "portal_user",
        "archived",
    )
    list_select_related = ("distributor", "portal_user")
    list_filter = (ArchivedListFilter, "seniority", "language")
    search_fields = ("name_latin", "name_kanji", "name_kana", "email", *distributor_search_fields())
    autocomplete_fields = ("distributor", "portal_user")


class FeedbackReplyInline(admin.StackedInline):
    model = FeedbackReply
    fields = ("body", "author", "created_at")
    readonly_fields = ("author", "created_at")
    extra = 1


@admin.register(Feedback)
class FeedbackAdmin(SimpleHistoryAdmin):
    list_display = ("subject", "distributor", "kind", "status", "submitted_by", "created_at")
    list_select_related = ("distributor", "submitted_by")
    list_filter = ("status", "kind", "anonymous_to_team")
    date_hierarchy = "created_at"
    search_fields = ("subject", "body", *distributor_search_fields())
    autocomplete_fields = ("distributor", "submitted_by")
    readonly_fields = ("created_at", "updated_at")
    inlines = [FeedbackReplyInline]

    def save_formset(self, request, form, formset, change):
        for reply_form in formset.forms:
            if reply_form.instance.pk is None:
                reply_form.instance.author = request.user
        super().save_formset(request, form, formset, change)


@admin.register(FeedbackReply)
class FeedbackReplyAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "feedback__distributor", "author", "created_at")
    list_select_related = ("feedback__distributor", "author")
    date_hierarchy = "created_at"
    search_fields = (
        "body",
        "feedback__subject",
        *distributor_search_fields("feedback__distributor"),
    )
    autocomplete_fields = ("feedback", "author")


class SharedPlanAcknowledgementInline(admin.TabularInline):
    model = SharedPlanAcknowledgement
    fields = ("user", "acknowledged_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    # Acknowledgements are given by distributor users in the portal, so they are shown only.
    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SharedPlan)
class SharedPlanAdmin(SimpleHistoryAdmin):
    list_display = ("title", "audience", "published_at", "horizon_start", "horizon_end", "author")
    list_select_related = ("author",)
    list_filter = ("audience", "published_at")
    date_hierarchy = "published_at"
    search_fields = ("title", "title_ja", "summary", "summary_ja", "body", "body_ja")
    autocomplete_fields = ("distributors", "author")
    readonly_fields = ("created_at", "updated_at")
    inlines = [SharedPlanAcknowledgementInline]


@admin.register(SharedPlanAcknowledgement)
class SharedPlanAcknowledgementAdmin(SimpleHistoryAdmin):
    list_display = ("plan", "user", "acknowledged_at")
    list_select_related = ("plan", "user")
    date_hierarchy = "acknowledged_at"
    search_fields = ("plan__title", "user__username", "user__first_name", "user__last_name")
    autocomplete_fields = ("plan", "user")


@admin.register(PortalInvitation)
class PortalInvitationAdmin(admin.ModelAdmin):
    """Shown only: invitations are sent and revoked from the contact's page, which e-mails the
    one-time link (the admin could not, since only the token's hash is kept)."""

    list_display = (
        "contact",
        "contact__distributor",
        "state",
        "invited_by",
        "created_at",
        "expires_at",
        "emailed_at",
    )
    list_select_related = ("contact__distributor", "invited_by")
    date_hierarchy = "created_at"
    search_fields = (
        "contact__name_latin",
        "contact__email",
        *distributor_search_fields("contact__distributor"),
    )

    @admin.display(description=_("state"))
    def state(self, obj):
        return obj.state().label

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
