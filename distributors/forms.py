import functools

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.db.models import Min, Q
from django.utils.translation import gettext_lazy as _

from milestones.models import MilestoneEvaluation
from prm import roles
from prm.forms import HTTPS_URL_FIELDS
from prm.japan_calendar import FiscalQuarter
from prm.models import User

from .models import Contact, Distributor, Feedback, Prefecture
from .selectors import ArchivedFilter, Scope, Sort, TimelineKind, parse_timeline_cursor


def _https_formfield(db_field, **kwargs):
    return db_field.formfield(**{**HTTPS_URL_FIELDS.get(type(db_field), {}), **kwargs})


def _people(role, current_pk):
    """Users with `role`, and whoever is chosen now even if they no longer have it, so that
    an old assignment does not block saving an unrelated change."""
    return (
        User.objects.filter(Q(groups__name=role) | Q(pk=current_pk))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _regions():
    """Japan's regions from north to south, as the first prefecture of each orders them."""
    regions = Prefecture.objects.values("region").annotate(first=Min("code")).order_by("first")
    return [("", _("Any region"))] + [(row["region"], row["region"]) for row in regions]


class DistributorFilterForm(forms.Form):
    """The list's search and filters, sent with GET; every field is optional."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        help_text=_("English, Japanese or kana name, partner code, or a contact's name."),
    )
    scope = forms.ChoiceField(choices=Scope.choices, required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Lifecycle status"),
        choices=[("", _("Any status")), *Distributor.Status.choices],
        required=False,
    )
    role = forms.ChoiceField(
        label=_("Role in the network"),
        choices=[("", _("Any role")), *Distributor.Role.choices],
        required=False,
    )
    prefecture = forms.ModelChoiceField(
        label=_("Prefecture"),
        queryset=Prefecture.objects.all(),
        required=False,
        empty_label=_("Any prefecture"),
    )
    # Choices read when the form is shown or checked (the dashboard's drill-down uses it).
    region = forms.ChoiceField(label=_("Region"), choices=_regions, required=False)
    account_manager = forms.ModelChoiceField(
        label=_("Account manager"),
        queryset=_people(roles.ACCOUNT_MANAGER, None),
        required=False,
        empty_label=_("Anyone"),
    )
    quiet_days = forms.IntegerField(
        label=_("No touchpoint in the last (days)"),
        min_value=1,
        max_value=3650,
        required=False,
    )
    # Set by the trends' "on track" counts; shown, so that its error shows too.
    on_track_on = forms.DateField(
        label=_("On track on"),
        help_text=_("As the nightly snapshot of that day recorded it."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    archived = forms.ChoiceField(
        label=_("Archived"), choices=ArchivedFilter.choices, required=False
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=Sort.choices, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Read once per form: the select asks for its choices twice when drawn.
        self.fields["region"].choices = functools.cache(_regions)
        for field in self.visible_fields():
            widget = field.field.widget
            widget.attrs["class"] = (
                "form-select" if widget.input_type == "select" else "form-control"
            )

    def clean_scope(self):
        # Account managers start from their own portfolio; executives from everything.
        default = Scope.MINE if self.user.is_account_manager else Scope.ALL
        return self.cleaned_data["scope"] or default

    def clean(self):
        cleaned_data = super().clean()
        # Asking for someone's portfolio means looking beyond one's own.
        if cleaned_data.get("account_manager"):
            cleaned_data["scope"] = Scope.ALL
        return cleaned_data


class TimelineFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(
        label=_("Show only"),
        choices=TimelineKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    # Bounded: the page becomes an SQL OFFSET, which overflows on absurd numbers.
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False)
    # Where the page starts, as the "Older" link gives it; a wrong one shows page `page`.
    before = forms.CharField(max_length=100, required=False)

    def clean_before(self):
        return parse_timeline_cursor(self.cleaned_data["before"])


class ActivityFilterForm(TimelineFilterForm):
    """What the activity list across distributors narrows to: a figure of the trends."""

    quarter = forms.CharField(label=_("Quarter"), max_length=20, required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=MilestoneEvaluation.Outcome.choices, required=False
    )
    feedback_kind = forms.ChoiceField(
        label=_("Kind of feedback"), choices=Feedback.Kind.choices, required=False
    )
    held = forms.BooleanField(label=_("Held meetings only"), required=False)

    def clean_quarter(self):
        key = self.cleaned_data["quarter"]
        if not key:
            return None
        quarter = FiscalQuarter.from_key(key)
        if quarter is None:
            raise forms.ValidationError(_("Give a fiscal quarter as FY2026-Q1."))
        return quarter

    def clean(self):
        cleaned_data = super().clean()
        # A narrower filter of one kind, asked for alone, asks for that kind.
        if not cleaned_data.get("kind") and "kind" not in self.errors:
            cleaned_data["kind"] = [
                kind
                for kind, narrower in (
                    (TimelineKind.MEETING, "held"),
                    (TimelineKind.EVALUATION, "outcome"),
                    (TimelineKind.FEEDBACK, "feedback_kind"),
                )
                if cleaned_data.get(narrower)
            ]
        return cleaned_data

    def narrowing(self):
        """The filters of `selectors.activity` and `activity_summary`; wrong values are left
        out."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "quarter": data.get("quarter"),
            "outcome": data.get("outcome") or "",
            "feedback_kind": data.get("feedback_kind") or "",
            "held_only": bool(data.get("held")),
        }


class DistributorForm(forms.ModelForm):
    class Meta:
        model = Distributor
        formfield_callback = _https_formfield
        fields = [
            "code",
            "name_en",
            "name_ja",
            "name_kana",
            "role",
            "status",
            "upstream",
            "prefectures",
            "product_categories",
            "account_manager",
            "executive_sponsor",
            "website",
            "address",
            "notes",
        ]
        widgets = {
            "name_ja": forms.TextInput(attrs={"lang": "ja"}),
            "name_kana": forms.TextInput(attrs={"lang": "ja"}),
            "prefectures": forms.CheckboxSelectMultiple,
            "product_categories": forms.CheckboxSelectMultiple,
            "address": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        # Active partners, and the current upstream even if it was archived since, so that the
        # model's rule can say why it no longer fits.
        self.fields["upstream"].queryset = Distributor.objects.filter(
            Q(archived_at__isnull=True) | Q(pk=instance.upstream_id)
        ).exclude(pk=instance.pk)
        self.fields["account_manager"].queryset = _people(
            roles.ACCOUNT_MANAGER, instance.account_manager_id
        )
        self.fields["executive_sponsor"].queryset = _people(
            roles.EXECUTIVE, instance.executive_sponsor_id
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("Names"), "code", "name_en", "name_ja", "name_kana"),
            Fieldset(_("Place in the network"), "role", "status", "upstream"),
            Fieldset(
                _("Coverage"),
                InlineCheckboxes("prefectures"),
                InlineCheckboxes("product_categories"),
            ),
            Fieldset(_("Our side"), "account_manager", "executive_sponsor"),
            Fieldset(_("Details"), "website", "address", "notes"),
            Submit("save", _("Save distributor")),
        )


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = [
            "name_latin",
            "name_kanji",
            "name_kana",
            "title",
            "seniority",
            "language",
            "email",
            "phone",
            "portal_user",
        ]
        widgets = {
            "name_kanji": forms.TextInput(attrs={"lang": "ja"}),
            "name_kana": forms.TextInput(attrs={"lang": "ja"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A portal login is a user of no staff role that no other contact holds; never an
        # administrator (an invitation link would set their password).
        self.fields["portal_user"].queryset = (
            User.objects.exclude(groups__name__in=roles.STAFF_ROLES)
            .filter(is_superuser=False, is_staff=False)
            .filter(Q(portal_contact__isnull=True) | Q(portal_contact=self.instance.pk))
            .order_by("username")
        )
        self.fields["portal_user"].help_text = _(
            "Lets this contact sign in to the partner portal. An invitation from the "
            "distributor's page creates and links the login; choose one here only to link a "
            "login an administrator made."
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("Name"), "name_latin", "name_kanji", "name_kana", "title"),
            Fieldset(_("Role and language"), "seniority", "language"),
            Fieldset(_("Reaching them"), "email", "phone"),
            Fieldset(_("Partner portal"), "portal_user"),
            Submit("save", _("Save contact")),
        )

    def clean_email(self):
        # The database refuses the same address twice at one distributor (any letter case);
        # say so next to the field instead of failing on save.
        email = self.cleaned_data["email"]
        if (
            email
            and Contact.objects.filter(
                distributor=self.instance.distributor_id, email__iexact=email
            )
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            raise forms.ValidationError(
                _("Another contact at this distributor has this e-mail address.")
            )
        return email
