from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from distributors.models import DistributorRole

from . import services
from .models import FigureImport, FigureKind, FigureRevision, FigureSource, PerformanceFigure


class FigureKindForm(forms.ModelForm):
    distributor_roles = forms.MultipleChoiceField(
        label=_("distributor roles"),
        choices=DistributorRole.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The roles in the network whose figures include this kind."),
    )

    class Meta:
        model = FigureKind
        fields = [
            "code",
            "name_en",
            "name_ja",
            "unit",
            "distributor_roles",
            "by_category",
            "shared_with_distributor",
            "position",
        ]


@admin.register(FigureKind)
class FigureKindAdmin(admin.ModelAdmin):
    form = FigureKindForm
    list_display = ["name_en", "name_ja", "code", "unit", "by_category", "shared_with_distributor"]
    list_editable = ["shared_with_distributor"]
    search_fields = ["name_en", "name_ja", "code"]


class FigureRevisionInline(admin.TabularInline):
    model = FigureRevision
    extra = 0
    can_delete = False
    fields = ["changed_at", "old_value", "new_value", "source", "changed_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PerformanceFigure)
class PerformanceFigureAdmin(admin.ModelAdmin):
    list_display = ["distributor", "kind", "month", "category", "value", "source", "updated_at"]
    list_filter = ["kind", "source"]
    search_fields = ["distributor__name_en", "distributor__name_ja", "distributor__code"]
    list_select_related = ["distributor", "kind", "category"]
    autocomplete_fields = ["distributor"]
    date_hierarchy = "month"
    fields = ["distributor", "kind", "month", "category", "value", "source", "entered_by"]
    inlines = [FigureRevisionInline]

    def get_readonly_fields(self, request, obj=None):
        # A value is corrected on the figure pages or by an import, which keep its history;
        # here an administrator may add a missing one, recorded the same way.
        return self.fields if obj else ["source", "entered_by"]

    def save_model(self, request, obj, form, change):
        figure, _changed = services.do_record_figure(
            user=request.user,
            distributor=obj.distributor,
            kind=obj.kind,
            month=obj.month,
            category=obj.category,
            value=obj.value,
            source=FigureSource.STAFF,
        )
        obj.pk = figure.pk


@admin.register(FigureImport)
class FigureImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "uploaded_by", "status", "created_at", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["uploaded_by"]
    exclude = ["rows"]
    readonly_fields = [
        "uploaded_by",
        "file_name",
        "errors",
        "status",
        "progress",
        "created_count",
        "changed_count",
        "unchanged_count",
        "failure",
        "created_at",
        "finished_at",
    ]

    def has_add_permission(self, request):
        return False
