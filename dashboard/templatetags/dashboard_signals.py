"""The portfolio's signals and rows, drawn in Python: hundreds of them on a page."""

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html

from dashboard.signals import Level
from prm import signal_inputs

register = template.Library()


@register.simple_tag
def signal_badge(signal, url="", brief=False):
    """One signal: its level as a coloured badge with a text label and a symbol, its figure,
    and its reason. With `url`, the badge and figure link to the list behind it. The reason
    shows under red and amber signals; under the others, whose figure says enough, it is
    there for screen readers (and in full on the summary, which passes `brief`, and in the
    exports).

    A tag rather than an included template: the portfolio shows seven per row, 350 a page.
    """
    badge = format_html(
        '<span class="signal signal-{}"><span aria-hidden="true" class="signal-symbol"></span>'
        '{}</span> <span class="signal-figure">{}</span>',
        signal.level,
        signal.label,
        signal.summary,
    )
    if url:
        badge = format_html('<a class="signal-link" href="{}">{}</a>', url, badge)
    if brief:
        return badge
    hidden = "" if signal.level in (Level.RED, Level.AMBER) else " visually-hidden"
    return format_html('{}\n<div class="signal-reason{}">{}</div>', badge, hidden, signal.reason)


@register.simple_tag
def relationship_row(row):
    """The portfolio's table row of one Relationship, rendered once per language.

    The rows the portfolio shows are those a process keeps until their inputs change
    (prm/signal_inputs.py), so a row is written again only with new rows. What it shows
    depends on the row and the language alone: no date in it depends on a time zone.
    """
    return signal_inputs.in_each_language(
        row, "row", lambda: render_to_string("dashboard/_relationship_row.html", {"row": row})
    )
