"""`{{ plan|in_reader_language:"title" }}`: a shared text in the reader's language.

When that text is the fallback in the other language it must carry its own `lang`:
`<h1{{ plan|lang_of:"title" }}>` on an element holding only the text, or
`{{ plan|in_reader_language_marked:"title" }}` where it sits within a sentence.
"""

from django import template
from django.utils.html import format_html

from prm.bilingual import fallback_language, in_reader_language

register = template.Library()
register.filter("in_reader_language", in_reader_language)


@register.filter
def lang_of(obj, name):
    """` lang="en"` or ` lang="ja"` when the text shown is the fallback, else ""."""
    language = fallback_language(obj, name)
    return format_html(' lang="{}"', language) if language else ""


@register.filter
def in_reader_language_marked(obj, name):
    """The text in the reader's language, or the fallback in a `<span lang>`."""
    text = in_reader_language(obj, name)
    language = fallback_language(obj, name)
    return format_html('<span lang="{}">{}</span>', language, text) if language else text
