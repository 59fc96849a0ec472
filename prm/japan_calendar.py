"""The Japanese business calendar: fiscal quarters, public holidays and peak seasons.

Small pure functions on dates. Settings are read at each call, not at import, so that a
test's override or a changed environment applies at once:

- PRM_FISCAL_YEAR_START_MONTH: the month a fiscal year starts (April in most Japanese
  companies). A fiscal year is named after the calendar year it starts in: with April,
  FY2026 runs from 2026-04-01 to 2027-03-31.
- PRM_PEAK_WINDOWS: (key, label, (month, day), (month, day)), both days included; an end
  before the start means the window crosses the new year.
- PRM_SEASONAL_PEAK_LEAD_DAYS: how long before a peak its preparation reminder is due.
"""

import datetime as dt
import re
from calendar import monthrange
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

import holidays
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext

ONE_DAY = dt.timedelta(days=1)


def today():
    """Today in the business time zone (settings.TIME_ZONE), whoever is asking."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


def business_midnight(day):
    """The start of `day` in the business time zone, as an aware datetime."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def date_text(day):
    """`day` as Django's date_format writes it in the active language, remembered: the
    nightly snapshot writes the same few hundred days into thousands of reasons."""
    return _date_text(day, get_language())


@lru_cache(maxsize=4096)
def _date_text(day, language):
    return date_format(day)


def add_months(day, months):
    """`day` moved by whole calendar months; the 31st becomes the month's last day.

    Arithmetic rather than dateutil's relativedelta, ten times slower: the cadences of
    every distributor add months to thousands of dates a night.
    """
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


# --- fiscal year ------------------------------------------------------------------------


class FiscalQuarter(NamedTuple):
    fiscal_year: int
    quarter: int

    @property
    def start(self):
        first_month = dt.date(self.fiscal_year, settings.PRM_FISCAL_YEAR_START_MONTH, 1)
        return add_months(first_month, 3 * (self.quarter - 1))

    @property
    def end(self):
        return add_months(self.start, 3) - ONE_DAY

    @property
    def key(self):
        """The quarter as FY2026-Q3 in every language: how a reminder's period stores it."""
        return f"FY{self.fiscal_year}-Q{self.quarter}"

    @classmethod
    def from_key(cls, key):
        """The quarter of a key like FY2026-Q3 (as `key` gives it), or None."""
        # Years of this millennium and the last: the calendar's edges stay out of reach.
        match = re.fullmatch(r"FY([12]\d{3})-Q([1-4])", key)
        return cls(int(match[1]), int(match[2])) if match else None

    def __str__(self):
        return gettext("FY%(year)d-Q%(quarter)d") % {
            "year": self.fiscal_year,
            "quarter": self.quarter,
        }


def fiscal_quarter(day):
    """The fiscal quarter `day` falls in; unpacks as (fiscal_year, quarter)."""
    start_month = settings.PRM_FISCAL_YEAR_START_MONTH
    fiscal_year = day.year if day.month >= start_month else day.year - 1
    return FiscalQuarter(fiscal_year, (day.month - start_month) % 12 // 3 + 1)


def fiscal_quarter_label(day):
    """The quarter of `day` as people read it, e.g. "FY2026-Q3"."""
    return str(fiscal_quarter(day))


# --- public holidays --------------------------------------------------------------------


@cache
def _holidays(year, language):
    # A plain dict: the package's own mapping grows by whole years on any lookup.
    return dict(holidays.country_holidays("JP", years=year, language=language))


def public_holidays(year):
    """Japan's public holidays of `year`, date → name in the active language. Read-only."""
    language = "ja" if (get_language() or "").startswith("ja") else "en_US"
    return _holidays(year, language)


def holiday_name(day):
    """The name of the public holiday on `day`, or None."""
    return public_holidays(day.year).get(day)


def is_business_day(day):
    """A weekday that is not a public holiday (peak windows are business days)."""
    return day.weekday() < 5 and day not in public_holidays(day.year)


# --- peak windows -----------------------------------------------------------------------


@dataclass(frozen=True)
class PeakWindow:
    key: str
    label: str
    start: dt.date
    end: dt.date

    def __contains__(self, day):
        return self.start <= day <= self.end

    def __str__(self):
        return str(self.label)

    @property
    def period(self):
        """A stable name for this occurrence, e.g. "2027-golden-week" (reminder periods)."""
        return f"{self.start.year}-{self.key}"

    @property
    def remind_on(self):
        """When to start agreeing inventory and shipping plans for this peak."""
        return self.start - dt.timedelta(days=settings.PRM_SEASONAL_PEAK_LEAD_DAYS)


def peak_windows(year):
    """The peak windows that start in `year`, in order."""
    windows = []
    for key, label, (start_month, start_day), (end_month, end_day) in settings.PRM_PEAK_WINDOWS:
        start = dt.date(year, start_month, start_day)
        end = dt.date(year, end_month, end_day)
        if end < start:
            end = end.replace(year=year + 1)
        windows.append(PeakWindow(key, label, start, end))
    return sorted(windows, key=lambda window: window.start)


def peak_window_at(day):
    """The peak window `day` falls in, or None."""
    # Last year's too: the year-end window started then.
    for window in peak_windows(day.year - 1) + peak_windows(day.year):
        if day in window:
            return window
    return None


def next_peak_windows(after, n=1):
    """The next `n` peak windows that start after `after` (not one already under way)."""
    if not settings.PRM_PEAK_WINDOWS:
        return []
    windows, year = [], after.year
    while len(windows) < n:
        windows += [window for window in peak_windows(year) if window.start > after]
        year += 1
    return windows[:n]


def next_suggested_date(after=None, *, earliest=None):
    """The first day for a meeting after `after` (default today), on or after `earliest`.

    It is a business day outside every peak window: partners are closed on holidays and
    have no time for a dialogue while the season's goods are moving.
    """
    day = (after or today()) + ONE_DAY
    if earliest is not None:
        day = max(day, earliest)
    while True:
        if window := peak_window_at(day):
            day = window.end + ONE_DAY
        elif not is_business_day(day):
            day += ONE_DAY
        else:
            return day
