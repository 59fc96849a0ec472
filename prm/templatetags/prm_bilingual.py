"""`{{ plan|in_reader_language:"title" }}`: a shared text in the reader's language."""

from django import template

from prm.bilingual import in_reader_language

register = template.Library()
register.filter("in_reader_language", in_reader_language)
