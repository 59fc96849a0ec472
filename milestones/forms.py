from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from meetings.models import AlignmentMeeting

from . import selectors
from .models import Goal, Milestone, MilestoneEvaluation


class DateInput(forms.DateInput):
    """The browser's date picker, which sends and expects ISO dates."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _current_or_active(queryset, keep_pk):
    """Active rows, plus the one already chosen so that archiving it does not break an edit."""
    return queryset.filter(Q(archived_at__isnull=True) | Q(pk=keep_pk))


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = [
            "title",
            "title_ja",
            "description",
            "description_ja",
            "rationale",
            "rationale_ja",
            "measure",
            "measure_ja",
            "horizon_start",
            "horizon_end",
            "owner_ours",
            "owner_distributor",
            "status",
        ]
        # `lang`: screen readers and spell checkers treat the Japanese wording as Japanese.
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "description_ja": forms.Textarea(attrs={"rows": 3, "lang": "ja"}),
            "rationale": forms.Textarea(attrs={"rows": 3}),
            "rationale_ja": forms.Textarea(attrs={"rows": 3, "lang": "ja"}),
            "measure": forms.Textarea(attrs={"rows": 2}),
            "measure_ja": forms.Textarea(attrs={"rows": 2, "lang": "ja"}),
            "title_ja": forms.TextInput(attrs={"lang": "ja"}),
            "horizon_start": DateInput,
            "horizon_end": DateInput,
        }

    def __init__(self, *args, distributor, **kwargs):
        super().__init__(*args, **kwargs)
        goal = self.instance
        goal.distributor = distributor  # for Goal.clean(), which checks the contact's distributor
        if goal.pk is None:
            del self.fields["status"]  # a new goal is open
        self.fields["owner_ours"].queryset = selectors.staff_users(keep_pk=goal.owner_ours_id)
        self.fields["owner_distributor"].queryset = _current_or_active(
            distributor.contacts.all(), goal.owner_distributor_id
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("horizon_start"), cleaned.get("horizon_end")
        if start and end and end <= start:
            self.add_error("horizon_end", _("The horizon must end after it starts."))
        return cleaned


class AcceptGoalForm(forms.Form):
    """Our side's acceptance of the version the user read, not of a later one."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, goal, **kwargs):
        super().__init__(*args, **kwargs)
        self.goal = goal

    def clean_version(self):
        version = self.cleaned_data["version"]
        if version != self.goal.version:
            raise forms.ValidationError(
                _("The goal changed to version %(version)s since you opened it: read it again."),
                params={"version": self.goal.version},
            )
        return version


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["kind", "title", "description", "target_date", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "target_date": DateInput}


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, meeting):
        day = date_format(timezone.localtime(meeting.starts_at), "SHORT_DATE_FORMAT")
        return f"{day} · {meeting.title}"


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = MilestoneEvaluation
        fields = [
            "evaluated_on",
            "outcome",
            "narrative",
            "learning",
            "next_step",
            "meeting",
            "staff_participants",
            "contact_participants",
            "shared_with_distributor",
        ]
        widgets = {
            "evaluated_on": DateInput,
            "outcome": forms.RadioSelect,
            "narrative": forms.Textarea(attrs={"rows": 4}),
            "learning": forms.Textarea(attrs={"rows": 3}),
            "next_step": forms.Textarea(attrs={"rows": 2}),
            "staff_participants": forms.CheckboxSelectMultiple,
            "contact_participants": forms.CheckboxSelectMultiple,
        }
        field_classes = {"meeting": MeetingChoiceField}
        help_texts = {"meeting": _("Only meetings with this distributor are listed.")}

    def __init__(self, *args, milestone, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.milestone = milestone  # for MilestoneEvaluation.clean()
        distributor = milestone.goal.distributor
        self.fields["outcome"].choices = MilestoneEvaluation.Outcome.choices  # no empty radio
        self.fields["meeting"].queryset = (
            AlignmentMeeting.objects.filter(distributors=distributor)
            .exclude(status=AlignmentMeeting.Status.CANCELLED)
            .order_by("-starts_at")
        )
        self.fields["staff_participants"].queryset = selectors.staff_users()
        self.fields["contact_participants"].queryset = distributor.contacts.active()

    def clean_evaluated_on(self):
        day = self.cleaned_data["evaluated_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("An evaluation cannot be dated in the future."))
        return day


class DeclineChangeForm(forms.Form):
    note = forms.CharField(
        label=_("Why we keep the goal as it is"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("The distributor reads this note in the partner portal."),
    )
