"""Each user reads PRM in their own language: chosen once, kept across sessions."""

import pytest
from django.urls import reverse

from prm.choices import Language
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_switcher_remembers_the_choice_for_the_user(client, account_manager):
    client.force_login(account_manager)
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    account_manager.refresh_from_db()
    assert account_manager.language == "ja"

    # A new browser, without the language cookie, asking for English.
    fresh = type(client)(HTTP_ACCEPT_LANGUAGE="en")
    fresh.force_login(account_manager)
    page = fresh.get(reverse("my_week")).content.decode()
    assert "今週" in page
    assert 'lang="ja"' in page


def test_a_japanese_contact_reads_the_portal_in_japanese_by_default(client, distributor):
    partner = factories.PortalUserFactory(
        portal_contact__distributor=distributor, portal_contact__language=Language.JAPANESE
    )
    client.force_login(partner)
    page = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="ja"' in page


def test_an_english_contact_reads_the_portal_in_english(client, distributor):
    partner = factories.PortalUserFactory(
        portal_contact__distributor=distributor, portal_contact__language=Language.ENGLISH
    )
    client.force_login(partner)
    page = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert 'lang="en"' in page
    assert "Your partner portal" in page


def test_the_users_choice_wins_over_the_contacts_language(client, distributor):
    partner = factories.PortalUserFactory(
        portal_contact__distributor=distributor,
        portal_contact__language=Language.JAPANESE,
        language=Language.ENGLISH,
    )
    client.force_login(partner)
    assert 'lang="en"' in client.get(reverse("portal:home")).content.decode()


def test_the_login_page_follows_the_browser(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert 'lang="ja"' in page
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in page


def test_the_settings_page_saves_language_and_time_zone(client, account_manager):
    client.force_login(account_manager)
    response = client.post(
        reverse("profile"), {"language": "ja", "time_zone": "Europe/Paris"}, follow=True
    )
    account_manager.refresh_from_db()
    assert account_manager.language == "ja"
    assert str(account_manager.time_zone) == "Europe/Paris"
    assert "設定を保存しました" in response.content.decode()


def test_the_settings_page_refuses_an_unknown_zone_and_keeps_the_input(client, partner_user):
    client.force_login(partner_user)
    response = client.post(reverse("profile"), {"language": "en", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mars/Olympus" in page
    assert 'class="invalid-feedback' in page
    partner_user.refresh_from_db()
    assert partner_user.language == ""


def test_anonymous_users_are_sent_to_login_from_the_settings_page(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
