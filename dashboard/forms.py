"""The dashboard's filters, sent with GET; every field is optional."""

from django import forms
from django.db.models import Min
from django.utils.translation import gettext_lazy as _

from distributors.models import Distributor, Prefecture
from prm import roles
from prm.models import User

from .selectors import TEXT_COLUMNS
from .signals import Level, SignalKey

SORT_CHOICES = [
    ("attention", _("Needs attention")),
    *[(column, column) for column in TEXT_COLUMNS],
    *SignalKey.choices,
]


class PortfolioFilterForm(forms.Form):
    prefecture = forms.ModelChoiceField(
        label=_("Prefecture"),
        queryset=Prefecture.objects.all(),
        required=False,
        empty_label=_("Any prefecture"),
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    role = forms.ChoiceField(
        label=_("Role in the network"),
        choices=[("", _("Any role")), *Distributor.Role.choices],
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Lifecycle status"),
        choices=[("", _("Any status")), *Distributor.Status.choices],
        required=False,
    )
    account_manager = forms.ModelChoiceField(
        label=_("Account manager"),
        queryset=User.objects.filter(groups__name=roles.ACCOUNT_MANAGER)
        .distinct()
        .order_by("last_name", "first_name", "username"),
        required=False,
        empty_label=_("Anyone"),
    )
    signal = forms.ChoiceField(
        label=_("Signal"), choices=[("", _("Any signal")), *SignalKey.choices], required=False
    )
    level = forms.ChoiceField(
        label=_("Standing at"), choices=[("", _("Any level")), *Level.choices], required=False
    )
    # Kept by the form when filtering. Set by the account managers' balance table: the
    # relationships that stand there as a whole (red: a red signal; amber: no red, an amber).
    standing = forms.ChoiceField(
        choices=[
            (Level.RED, Level.RED.label),
            (Level.AMBER, _("Watch only")),
            (Level.GREEN, Level.GREEN.label),
        ],
        required=False,
        widget=forms.HiddenInput,
    )
    # Kept by the form when filtering; set by the column headers.
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False, widget=forms.HiddenInput)
    dir = forms.ChoiceField(
        choices=[("asc", "asc"), ("desc", "desc")], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Regions from north to south: in the order of their first prefecture's JIS code.
        regions = Prefecture.objects.values("region").annotate(first=Min("code")).order_by("first")
        self.fields["region"].choices = [("", _("Any region"))] + [
            (row["region"], row["region"]) for row in regions
        ]
        for field in self.visible_fields():
            widget = field.field.widget
            widget.attrs["class"] = "form-select form-select-sm"

    def filters(self):
        """The keyword arguments of `selectors.filtered_distributors`; wrong values are left out."""
        self.is_valid()
        data = self.cleaned_data
        return {
            key: data.get(key)
            for key in ("prefecture", "region", "role", "status", "account_manager")
            if data.get(key)
        }

    def level_filter(self):
        data = self.cleaned_data
        return {"signal": data.get("signal") or "", "level": data.get("level") or ""}

    def standing_filter(self):
        """The overall standing asked for, as (value, label), or None."""
        value = self.cleaned_data.get("standing")
        if not value:
            return None
        return value, dict(self.fields["standing"].choices)[value]

    def sorting(self):
        data = self.cleaned_data
        column = data.get("sort") or "attention"
        direction = data.get("dir")
        return column, (None if not direction else direction == "desc")
