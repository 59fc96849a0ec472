from django import template
from django.utils.html import format_html

from dashboard.signals import Level

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
