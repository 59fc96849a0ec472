"""The Japanese business calendar: fiscal quarters, public holidays, peak windows, suggestions."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from prm import japan_calendar as cal

TOKYO = ZoneInfo("Asia/Tokyo")
D = dt.date


@pytest.mark.parametrize(
    "day, fiscal_year, quarter, start, end",
    [
        (D(2026, 3, 31), 2025, 4, D(2026, 1, 1), D(2026, 3, 31)),
        (D(2026, 4, 1), 2026, 1, D(2026, 4, 1), D(2026, 6, 30)),
        (D(2026, 6, 30), 2026, 1, D(2026, 4, 1), D(2026, 6, 30)),
        (D(2026, 7, 1), 2026, 2, D(2026, 7, 1), D(2026, 9, 30)),
        (D(2026, 12, 31), 2026, 3, D(2026, 10, 1), D(2026, 12, 31)),
        (D(2027, 1, 1), 2026, 4, D(2027, 1, 1), D(2027, 3, 31)),
        (D(2027, 3, 31), 2026, 4, D(2027, 1, 1), D(2027, 3, 31)),
    ],
)
def test_fiscal_quarter_starts_in_april(day, fiscal_year, quarter, start, end):
    fq = cal.fiscal_quarter(day)
    assert fq == (fiscal_year, quarter)
    assert (fq.start, fq.end) == (start, end)
    assert cal.fiscal_quarter_label(day) == fq.key == f"FY{fiscal_year}-Q{quarter}"


def test_fiscal_quarter_label_is_translatable_and_the_key_is_not():
    fq = cal.fiscal_quarter(D(2026, 12, 31))
    assert str(fq) == "FY2026-Q3"
    with translation.override("ja"):
        assert fq.key == "FY2026-Q3"


@pytest.mark.parametrize(
    "start_month, day, expected, start, end",
    [
        (1, D(2026, 3, 31), (2026, 1), D(2026, 1, 1), D(2026, 3, 31)),
        (1, D(2026, 12, 31), (2026, 4), D(2026, 10, 1), D(2026, 12, 31)),
        (10, D(2026, 9, 30), (2025, 4), D(2026, 7, 1), D(2026, 9, 30)),
        (10, D(2026, 10, 1), (2026, 1), D(2026, 10, 1), D(2026, 12, 31)),
        (10, D(2027, 1, 1), (2026, 2), D(2027, 1, 1), D(2027, 3, 31)),
    ],
)
def test_fiscal_year_start_month_is_a_setting(settings, start_month, day, expected, start, end):
    settings.PRM_FISCAL_YEAR_START_MONTH = start_month
    fq = cal.fiscal_quarter(day)
    assert (fq, fq.start, fq.end) == (expected, start, end)


def test_add_months_is_calendar_aware():
    assert cal.add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert cal.add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)
    assert cal.add_months(D(2026, 5, 15), 6) == D(2026, 11, 15)


def test_public_holidays_come_with_names_in_the_active_language():
    assert cal.holiday_name(D(2027, 1, 11)) == "Coming of Age Day"
    assert cal.holiday_name(D(2026, 11, 23)) == "Labor Thanksgiving Day"
    assert cal.holiday_name(D(2026, 11, 24)) is None
    with translation.override("ja"):
        assert cal.holiday_name(D(2026, 11, 23)) == "勤労感謝の日"
    assert cal.public_holidays(2026) is cal.public_holidays(2026)  # cached per year


@pytest.mark.parametrize(
    "day, expected",
    [
        (D(2026, 11, 23), False),  # Labour Thanksgiving Day, a Monday
        (D(2026, 11, 24), True),
        (D(2027, 1, 11), False),  # Coming of Age Day
        (D(2026, 11, 21), False),  # Saturday
        (D(2026, 11, 22), False),  # Sunday
        (D(2026, 12, 28), True),  # in the year-end window, but a business day all the same
    ],
)
def test_is_business_day(day, expected):
    assert cal.is_business_day(day) is expected


@pytest.mark.parametrize(
    "day, period",
    [
        (D(2026, 12, 27), None),
        (D(2026, 12, 28), "2026-year-end"),
        (D(2026, 12, 31), "2026-year-end"),
        (D(2027, 1, 1), "2026-year-end"),
        (D(2027, 1, 4), "2026-year-end"),
        (D(2027, 1, 5), None),
        (D(2027, 4, 28), None),
        (D(2027, 4, 29), "2027-golden-week"),
        (D(2027, 5, 6), "2027-golden-week"),
        (D(2027, 5, 7), None),
        (D(2026, 8, 13), "2026-obon"),
    ],
)
def test_peak_window_at(day, period):
    window = cal.peak_window_at(day)
    assert (window and window.period) == period


def test_year_end_window_crosses_the_new_year():
    window = cal.peak_window_at(D(2027, 1, 2))
    assert (window.start, window.end, str(window)) == (
        D(2026, 12, 28),
        D(2027, 1, 4),
        "Year-end and New Year",
    )


def test_next_peak_windows_start_after_the_day():
    windows = cal.next_peak_windows(D(2026, 8, 12), 3)  # during Obon: not that one
    assert [w.period for w in windows] == ["2026-year-end", "2027-golden-week", "2027-obon"]
    assert windows[1].remind_on == D(2027, 4, 29) - dt.timedelta(days=90)


def test_peak_windows_and_lead_days_are_settings(settings):
    settings.PRM_PEAK_WINDOWS = [("harvest", "Harvest", (10, 1), (10, 10))]
    settings.PRM_SEASONAL_PEAK_LEAD_DAYS = 30
    [window] = cal.next_peak_windows(D(2026, 10, 5), 1)
    assert (window.period, window.start, window.remind_on) == (
        "2027-harvest",
        D(2027, 10, 1),
        D(2027, 9, 1),
    )
    assert cal.peak_window_at(D(2026, 12, 30)) is None
    settings.PRM_PEAK_WINDOWS = []
    assert cal.next_peak_windows(D(2026, 10, 5), 2) == []


@pytest.mark.parametrize(
    "after, expected",
    [
        (D(2026, 6, 1), D(2026, 6, 2)),  # a Monday: Tuesday
        (D(2026, 6, 5), D(2026, 6, 8)),  # a Friday: over the weekend
        (D(2026, 11, 20), D(2026, 11, 24)),  # over the weekend and Labour Thanksgiving Day
        (D(2027, 1, 8), D(2027, 1, 12)),  # over the weekend and Coming of Age Day
        (D(2027, 4, 28), D(2027, 5, 7)),  # over Golden Week
        (D(2026, 12, 25), D(2027, 1, 5)),  # over the year-end window, into the new year
        (D(2027, 1, 2), D(2027, 1, 5)),  # from inside the year-end window
    ],
)
def test_next_suggested_date_skips_weekends_holidays_and_peaks(after, expected):
    assert cal.next_suggested_date(after) == expected


def test_next_suggested_date_not_before_earliest():
    assert cal.next_suggested_date(D(2026, 6, 1), earliest=D(2026, 6, 10)) == D(2026, 6, 10)
    assert cal.next_suggested_date(D(2026, 6, 1), earliest=D(2026, 5, 1)) == D(2026, 6, 2)
    # An earliest day in a peak still moves past it.
    assert cal.next_suggested_date(D(2026, 6, 1), earliest=D(2026, 8, 12)) == D(2026, 8, 17)


def test_next_suggested_date_counts_from_today_in_tokyo():
    # Friday 15:30 UTC is already Saturday 00:30 in Tokyo: the weekend and the holiday follow.
    with time_machine.travel(dt.datetime(2026, 11, 20, 15, 30, tzinfo=dt.UTC), tick=False):
        assert cal.today() == D(2026, 11, 21)
        assert cal.next_suggested_date() == D(2026, 11, 24)


def test_without_peak_windows_only_weekends_and_holidays_are_skipped(settings):
    settings.PRM_PEAK_WINDOWS = []
    assert cal.next_suggested_date(D(2026, 12, 25)) == D(2026, 12, 28)
