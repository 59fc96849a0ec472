"""Names of distributors and contacts in the reader's language, with the other one beside it.

A Japanese reader sees the kanji name first, an English reader the Latin one; when only one
is known, it stands alone.
"""

from django import template
from django.utils import translation

from distributors.models import Contact, Distributor

register = template.Library()

# (Latin, Japanese) name fields of each kind of named party.
_NAME_FIELDS = {
    Distributor: ("name_en", "name_ja"),
    Contact: ("name_latin", "name_kanji"),
}


def reads_japanese():
    return (translation.get_language() or "").split("-")[0] == "ja"


def _names(party):
    """The party's name in the reader's language first, then the other one (maybe empty)."""
    for model, (latin_field, japanese_field) in _NAME_FIELDS.items():
        if isinstance(party, model):
            latin, japanese = getattr(party, latin_field), getattr(party, japanese_field)
            if not japanese:
                return latin, ""
            return (japanese, latin) if reads_japanese() else (latin, japanese)
    raise TypeError(f"{type(party).__name__} has no Latin and Japanese names.")


@register.filter
def local_name(party):
    """The name in the reader's language: "桜商事" in Japanese, "Sakura Trading" in English."""
    return _names(party)[0]


@register.filter
def other_name(party):
    """The name in the other language, or "" when there is none."""
    return _names(party)[1]


@register.filter
def bilingual_name(party):
    """ "桜商事 (Sakura Trading)" in Japanese, "Sakura Trading (桜商事)" in English."""
    local, other = _names(party)
    return f"{local} ({other})" if other else local
