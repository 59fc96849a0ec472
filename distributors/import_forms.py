"""The upload form of the distributor and contact imports."""

from django import forms
from django.utils.translation import gettext_lazy as _

from prm.imports import UploadForm

from .models import DistributorImport


class DistributorUploadForm(UploadForm):
    kind = forms.ChoiceField(
        label=_("The file lists"),
        choices=DistributorImport.Kind.choices,
        widget=forms.RadioSelect,
        initial=DistributorImport.Kind.DISTRIBUTORS,
        help_text=_(
            "Distributors: partner code, name (English), role; optional: name (Japanese), kana "
            "reading, status, prefectures (several separated by 、 or ;), website, address. "
            "Contacts: distributor code, name (Latin script), seniority; optional: name "
            "(kanji), kana reading, title, language, e-mail, phone. Headers in Japanese or "
            "English. An empty cell keeps what is stored."
        ),
    )

    field_order = ["kind", "file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV in UTF-8 or Shift_JIS, or an .xlsx workbook (its first sheet), at most 10 MB. "
            "A distributor is matched by its partner code; a contact by its e-mail address at "
            "its distributor, or by its name when the row has no address."
        )
