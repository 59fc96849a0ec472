"""Forms of the figure pages: upload a file, enter or correct one month's value."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from distributors.models import ProductCategory
from prm import japan_calendar

from .imports import parse_month, parse_value, value_problem

# A workbook of 50,000 rows is well under this; anything larger is not a figures file.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class FigureUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "Columns: distributor code, month, figure, category (optional), value, with "
            "headers in Japanese or English (代理店コード, 年月, 指標, 区分, 値). CSV in UTF-8 "
            "or Shift_JIS, or an .xlsx workbook (its first sheet)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class FigureEntryForm(forms.Form):
    """One month's value of one figure, typed by a person; the month as YYYY-MM."""

    MONTH_FORMAT = _("Give the month as 2026-04.")

    month = forms.CharField(
        label=_("Month"),
        max_length=20,
        help_text=_("For example 2026-04."),
        widget=forms.TextInput(attrs={"type": "month", "autocomplete": "off"}),
    )
    kind = forms.ModelChoiceField(label=_("Figure"), queryset=None, empty_label=None)
    category = forms.ModelChoiceField(
        label=_("Product category"),
        queryset=ProductCategory.objects.all(),
        required=False,
        empty_label=_("All categories (total)"),
    )
    value = forms.CharField(
        label=_("Value"),
        max_length=30,
        help_text=_("Digits; thousands separators are fine."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = kinds
        self.fields["kind"].label_from_instance = lambda kind: (
            f"{kind.name} ({kind.get_unit_display()})"
        )

    def clean_month(self):
        month = parse_month(self.cleaned_data["month"])
        if month is None:
            raise forms.ValidationError(self.MONTH_FORMAT)
        if month > japan_calendar.today().replace(day=1):
            raise forms.ValidationError(_("The month is in the future."))
        return month

    def clean_value(self):
        value = parse_value(self.cleaned_data["value"])
        if value is None:
            raise forms.ValidationError(_("Enter a number."))
        return value

    def clean(self):
        cleaned = super().clean()
        kind, category, value = cleaned.get("kind"), cleaned.get("category"), cleaned.get("value")
        if kind is None:
            return cleaned
        if category is not None and not kind.by_category:
            self.add_error("category", _("This figure is not given per product category."))
        if isinstance(value, Decimal) and (problem := value_problem(value, kind)):
            self.add_error("value", problem)
        return cleaned


class KindSharingForm(forms.Form):
    """Share a figure kind with distributors, or stop: sent by the buttons of the kinds page."""

    shared = forms.TypedChoiceField(
        label=_("Shared with distributors"),
        choices=[("yes", _("Shared")), ("no", _("Not shared"))],
        coerce=lambda value: value == "yes",
    )
