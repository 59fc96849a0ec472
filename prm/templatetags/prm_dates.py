"""Dates as distributors read them in the portal, in the Japanese era when that is wanted."""

import datetime as dt

from django import template
from django.conf import settings
from django.template.defaultfilters import date as date_filter
from japanera import EraDate

from .prm_names import reads_japanese

register = template.Library()


def era_date(day):
    """The day in the Japanese era: 令和8年11月25日; an era's first year is 元年."""
    era_day = EraDate.from_date(day)
    year = era_day.strftime("%-Y")
    return f"{era_day.era.kanji}{'元' if year == '1' else year}年{day.month}月{day.day}日"


@register.filter(expects_localtime=True)
def portal_date(value, date_format="DATE_FORMAT"):
    """`value` (a date, or a datetime in the reader's zone) in `date_format`; for a Japanese
    reader when PRM_ERA_DATES is on, its day in the Japanese era instead (a time the format
    holds is then left out: show it apart with |time where it matters)."""
    if value in (None, ""):
        return ""
    if settings.PRM_ERA_DATES and reads_japanese():
        return era_date(value.date() if isinstance(value, dt.datetime) else value)
    return date_filter(value, date_format)
