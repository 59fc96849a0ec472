from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import AgendaItem


class AgendaProposalForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "description"]
        labels = {"title": _("Item to discuss"), "description": _("Details (optional)")}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        # Distinct ids: the meeting page also shows a form per action item.
        super().__init__(*args, auto_id="proposal_%s", **kwargs)


class ActionItemDoneForm(forms.Form):
    """Marking one of the distributor's action items done; one form per item on a page."""

    note = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What was done, for our team."),
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, prefix=f"action-item-{item.pk}", **kwargs)
        self.item = item
