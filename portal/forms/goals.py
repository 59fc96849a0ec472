from django import forms
from django.conf import settings
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from milestones import evidence


class HttpsURLField(forms.URLField):
    """A link to a web page over https only: no plain http, no javascript: or data: URL."""

    default_validators = [URLValidator(schemes=["https"])]
    default_error_messages = {"invalid": _("Enter a full link that starts with https://.")}


class GoalVersionForm(forms.Form):
    """An answer to the version the user read (accepting it, or the base of a proposal):
    the service refuses it if the goal changed since."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class GoalChangeProposalForm(GoalVersionForm):
    comment = forms.CharField(
        label=_("What should change, and why?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        help_text=_(
            "Our account manager answers with a new version of the goal, or explains why "
            "we keep it. Until then the goal is not agreed."
        ),
    )


def _file_help():
    return _("%(types)s; at most %(limit)s.") % {
        "types": evidence.ALLOWED_LABEL,
        "limit": filesizeformat(settings.PRM_EVIDENCE_MAX_UPLOAD_BYTES),
    }


class EvidenceForm(forms.Form):
    text = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10000,
    )
    link = HttpsURLField(
        label=_("Link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("A page that shows it, for example a photo album or a press release."),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        widget=forms.FileInput(
            attrs={"accept": ",".join(f".{ext}" for ext in evidence.CONTENT_TYPES)}
        ),
        help_text=lazy(_file_help, str)(),
    )

    def __init__(self, *args, refused_file=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The name of a file dropped on arrival for its size (prm.uploads).
        self.refused_file = refused_file

    def clean_file(self):
        if self.refused_file is not None:
            raise forms.ValidationError(
                evidence.TOO_LARGE_ON_ARRIVAL,
                code="too_large",
                params={
                    "name": self.refused_file[:100],
                    "limit": filesizeformat(settings.PRM_EVIDENCE_MAX_UPLOAD_BYTES),
                },
            )
        upload = self.cleaned_data.get("file")
        return evidence.check_upload(upload) if upload else None

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(cleaned.get(name) for name in ("text", "link", "file")):
            raise forms.ValidationError(
                _("Write what happened, add a link or choose a file: at least one of them."),
                code="empty",
            )
        return cleaned
