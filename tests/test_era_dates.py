"""Dates in the Japanese era for distributors who read the portal in Japanese (PRM_ERA_DATES)."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from distributors.models import Feedback
from prm.templatetags.prm_dates import era_date
from tests import factories


@pytest.mark.parametrize(
    ("day", "in_era"),
    [
        (dt.date(2019, 4, 30), "平成31年4月30日"),  # the last day of Heisei
        (dt.date(2019, 5, 1), "令和元年5月1日"),  # an era's first year is 元年
        (dt.date(2020, 1, 1), "令和2年1月1日"),
        (dt.date(2026, 11, 25), "令和8年11月25日"),
    ],
)
def test_era_dates_at_the_boundaries(day, in_era):
    assert era_date(day) == in_era


def render(value, language):
    template = Template('{% load prm_dates %}{{ value|portal_date:"Y-m-d" }}')
    with translation.override(language):
        return template.render(Context({"value": value}))


def test_the_era_is_for_japanese_readers_when_the_setting_is_on(settings):
    day = dt.date(2026, 11, 25)
    settings.PRM_ERA_DATES = False
    assert render(day, "ja") == "2026-11-25"
    assert render(day, "en") == "2026-11-25"
    settings.PRM_ERA_DATES = True
    assert render(day, "ja") == "令和8年11月25日"
    assert render(day, "en") == "2026-11-25"
    assert render(None, "ja") == ""


@pytest.fixture
def japanese_partner(client, distributor):
    partner = factories.PortalUserFactory(portal_contact__distributor=distributor, language="ja")
    client.force_login(partner)
    return partner


@pytest.mark.django_db
def test_portal_goals_show_their_horizon_in_the_era(
    client, settings, distributor, japanese_partner
):
    factories.GoalFactory(
        distributor=distributor, horizon_start=dt.date(2026, 4, 1), horizon_end=dt.date(2028, 3, 31)
    )
    settings.PRM_ERA_DATES = True
    page = client.get(reverse("portal:goal_list")).content.decode()
    assert "令和8年4月1日 – 令和10年3月31日" in page

    settings.PRM_ERA_DATES = False
    page = client.get(reverse("portal:goal_list")).content.decode()
    assert "令和" not in page
    assert "2026年4月1日 – 2028年3月31日" in page


@pytest.mark.django_db
def test_a_time_keeps_its_clock_and_the_day_is_the_readers(
    client, settings, distributor, japanese_partner
):
    feedback = factories.FeedbackFactory(distributor=distributor)
    # 20:00 UTC on 31 March is already 1 April in Tokyo.
    Feedback.objects.filter(pk=feedback.pk).update(
        created_at=dt.datetime(2026, 3, 31, 20, 0, tzinfo=dt.UTC)
    )
    settings.PRM_ERA_DATES = True
    page = client.get(reverse("portal:feedback_list")).content.decode()
    assert "令和8年4月1日 05:00" in page
