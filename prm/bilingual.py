"""Texts we share with distributors in writing, kept in English and in Japanese.

The field itself holds the English text and `<field>_ja` the Japanese one (shared plans,
meeting minutes, goals). Each reader sees their language, or the other one when theirs
has not been written.
"""

from prm.templatetags.prm_names import reads_japanese


def in_reader_language(obj, name):
    """`obj.<name>` in the reader's language, falling back to the other language."""
    english, japanese = getattr(obj, name), getattr(obj, f"{name}_ja")
    if reads_japanese():
        return japanese or english
    return english or japanese


def fallback_language(obj, name):
    """ "en" or "ja" when `in_reader_language(obj, name)` shows the other language, else "".

    The page is in the reader's language, so a fallback must be marked with its own for
    screen readers to pronounce it right (WCAG 2.1, 3.1.2 Language of Parts).
    """
    english, japanese = getattr(obj, name), getattr(obj, f"{name}_ja")
    if reads_japanese():
        return "en" if english and not japanese else ""
    return "ja" if japanese and not english else ""
