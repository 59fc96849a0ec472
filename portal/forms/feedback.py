"""Forms of the portal's feedback pages: send feedback, answer back in a thread."""

from django import forms
from django.utils.translation import gettext_lazy as _

from distributors.models import Feedback

# Long enough for a detailed report, short enough to be read: a longer text is refused.
MESSAGE_MAX_LENGTH = 5000


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What kind of feedback is it?"),
        choices=Feedback.Kind.choices,
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=Feedback._meta.get_field("subject").max_length,
        help_text=_("A short title, for example “Competitor price cut in Osaka”."),
    )
    body = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    anonymous_to_team = forms.BooleanField(
        label=_("Visible to the account manager only"),
        required=False,
        help_text=_(
            "Your account manager still sees your name. The rest of our team sees that "
            "it came from your company, but not from whom. Your colleagues in this portal "
            "see the feedback either way."
        ),
    )


class FeedbackAnswerForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    reopen = forms.BooleanField(
        label=_("This is not settled for us: open the item again"),
        required=False,
        help_text=_("The status goes back to “New”, and our team looks at it again."),
    )

    def __init__(self, *args, closed=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not closed:
            # Only an addressed or declined item can be reopened.
            del self.fields["reopen"]
