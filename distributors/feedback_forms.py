"""Forms of the staff feedback inbox: its filters, a reply, a status change."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Feedback


class FeedbackFilterForm(forms.Form):
    """The inbox's GET filters. Every field is optional; a wrong value shows as an error."""

    MINE, ALL = "mine", "all"

    scope = forms.ChoiceField(
        label=_("Distributors"),
        choices=[(MINE, _("My distributors")), (ALL, _("All distributors"))],
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Feedback.Status.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any kind")), *Feedback.Kind.choices], required=False
    )

    def __init__(self, *args, has_portfolio=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_portfolio:
            # Executives have no portfolio of their own: they always see every distributor.
            del self.fields["scope"]

    def filters(self):
        """The selector's keyword arguments; a field with a wrong value is left out."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "all_distributors": data.get("scope") == self.ALL,
            "status": data.get("status"),
            "kind": data.get("kind"),
        }


class FeedbackReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 5}))
    status = forms.TypedChoiceField(
        label=_("Then set the status to"),
        choices=[("", _("Automatic: a new item becomes “acknowledged”")), *Feedback.Status.choices],
        required=False,
        empty_value=None,
    )


class FeedbackStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Feedback.Status.choices)
