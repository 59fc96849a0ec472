"""Names in the reader's language, search by any name of a contact, and kana order."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from prm.templatetags.prm_names import bilingual_name
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, account_manager):
    client.force_login(account_manager)
    return client


def in_language(user, language):
    user.language = language
    user.save(update_fields=["language"])


def listed(response):
    return [d.name_en for d in response.context["page"].object_list]


# --- names ----------------------------------------------------------------------------------


def test_a_name_reads_in_the_active_language_with_the_other_beside_it():
    sakura = factories.DistributorFactory.build(name_en="Sakura Trading", name_ja="桜商事")
    sato = factories.ContactFactory.build(name_latin="Hanako Sato", name_kanji="佐藤 花子")
    assert bilingual_name(sakura) == "Sakura Trading (桜商事)"
    assert bilingual_name(sato) == "Hanako Sato (佐藤 花子)"
    with translation.override("ja"):
        assert bilingual_name(sakura) == "桜商事 (Sakura Trading)"
        assert bilingual_name(sato) == "佐藤 花子 (Hanako Sato)"
        # Without a Japanese name, the Latin one stands alone.
        lone = factories.DistributorFactory.build(name_en="Lone KK", name_ja="")
        assert bilingual_name(lone) == "Lone KK"


def test_the_distributor_page_heading_follows_the_readers_language(manager_client, account_manager):
    sakura = factories.DistributorFactory(
        name_en="Sakura Trading", name_ja="桜商事", account_manager=account_manager
    )
    page = manager_client.get(sakura.get_absolute_url()).content.decode()
    assert re.search(r"<h1[^>]*>Sakura Trading</h1>\s*<p[^>]*>桜商事</p>", page)

    in_language(account_manager, "ja")
    page = manager_client.get(sakura.get_absolute_url()).content.decode()
    assert re.search(r"<h1[^>]*>桜商事</h1>\s*<p[^>]*>Sakura Trading</p>", page)
    listing = manager_client.get(reverse("distributors:list")).content.decode()
    assert re.search(r">桜商事</a>\s*<div[^>]*>Sakura Trading</div>", listing)


def test_the_portal_shows_the_company_name_in_japanese_first(client, distributor):
    partner = factories.PortalUserFactory(portal_contact__distributor=distributor, language="ja")
    client.force_login(partner)
    page = client.get(reverse("portal:home")).content.decode()
    assert f"{distributor.name_ja} ({distributor.name_en})" in page


# --- search ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "佐藤",  # kanji
        "サトウ",  # katakana
        "さとう",  # hiragana for a katakana reading
        "ｻﾄｳ",  # half-width katakana
        "hanako sato",  # Latin, any case
        "Ｓａｔｏ",  # full-width Latin
    ],
)
def test_a_contacts_name_finds_their_distributor(manager_client, query):
    kansai = factories.DistributorFactory(name_en="Kansai Foods")
    factories.ContactFactory(
        distributor=kansai,
        name_latin="Hanako Sato",
        name_kanji="佐藤 花子",
        name_kana="サトウ ハナコ",
    )
    other = factories.DistributorFactory(name_en="Tohoku Trading")
    factories.ContactFactory(
        distributor=other,
        name_latin="Jiro Suzuki",
        name_kanji="鈴木 次郎",
        name_kana="スズキ ジロウ",
    )
    response = manager_client.get(reverse("distributors:list"), {"scope": "all", "q": query})
    assert listed(response) == ["Kansai Foods"]


def test_two_matching_contacts_list_their_distributor_once(manager_client):
    kansai = factories.DistributorFactory(name_en="Kansai Foods")
    factories.ContactFactory(distributor=kansai, name_latin="Hanako Sato", name_kana="サトウ")
    factories.ContactFactory(distributor=kansai, name_latin="Ken Sato", name_kana="サトウ")
    response = manager_client.get(reverse("distributors:list"), {"scope": "all", "q": "sato"})
    assert listed(response) == ["Kansai Foods"]


def test_an_archived_contact_no_longer_finds_the_distributor(manager_client):
    kansai = factories.DistributorFactory(name_en="Kansai Foods")
    factories.ContactFactory(
        distributor=kansai, name_latin="Hanako Sato", archived_at=timezone.now()
    )
    response = manager_client.get(reverse("distributors:list"), {"scope": "all", "q": "sato"})
    assert listed(response) == []


def test_the_touchpoint_forms_distributor_search_finds_a_contacts_name(manager_client):
    kansai = factories.DistributorFactory(name_en="Kansai Foods")
    factories.ContactFactory(distributor=kansai, name_latin="Hanako Sato", name_kana="サトウ")
    factories.DistributorFactory(name_en="Tohoku Trading")
    page = manager_client.get(
        reverse("meetings:distributor_search"), {"q": "さとう"}
    ).content.decode()
    assert "Kansai Foods" in page and "Tohoku Trading" not in page


# --- kana order -----------------------------------------------------------------------------


@pytest.fixture
def three_distributors(account_manager):
    # Alphabetical order and kana order differ.
    for name_en, name_kana in [("Alpha", "ワタナベ"), ("Bravo", "アオイ"), ("Charlie", "カトウ")]:
        factories.DistributorFactory(
            name_en=name_en, name_kana=name_kana, account_manager=account_manager
        )


def test_the_list_sorts_by_english_name_for_an_english_reader(manager_client, three_distributors):
    assert listed(manager_client.get(reverse("distributors:list"))) == ["Alpha", "Bravo", "Charlie"]
    explicit_kana = manager_client.get(reverse("distributors:list"), {"sort": "kana"})
    assert listed(explicit_kana) == ["Bravo", "Charlie", "Alpha"]


def test_the_list_sorts_by_kana_reading_for_a_japanese_reader(
    manager_client, account_manager, three_distributors
):
    in_language(account_manager, "ja")
    factories.DistributorFactory(name_en="Aardvark", name_kana="", account_manager=account_manager)
    # A name without a reading comes after those with one.
    assert listed(manager_client.get(reverse("distributors:list"))) == [
        "Bravo",
        "Charlie",
        "Alpha",
        "Aardvark",
    ]
    explicit_english = manager_client.get(reverse("distributors:list"), {"sort": "name"})
    assert listed(explicit_english) == ["Aardvark", "Alpha", "Bravo", "Charlie"]


def contact_order(client, distributor):
    page = client.get(distributor.get_absolute_url()).content.decode()
    return re.findall(r"<strong>(\w+)</strong>", page)


def test_contacts_sort_by_latin_name_in_english_and_by_kana_in_japanese(
    manager_client, account_manager, distributor
):
    for name_latin, name_kana in [("Abe", "ワダ"), ("Baba", "アベ"), ("Chiba", "")]:
        factories.ContactFactory(
            distributor=distributor, name_latin=name_latin, name_kana=name_kana
        )
    assert contact_order(manager_client, distributor) == ["Abe", "Baba", "Chiba"]
    in_language(account_manager, "ja")
    assert contact_order(manager_client, distributor) == ["Baba", "Abe", "Chiba"]
