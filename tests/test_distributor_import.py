"""Importing distributors and contacts from a file, with a preview (issue 10, point 6).

A file with any bad row is refused as a whole, with its errors by line and column; a good
one is saved in one transaction, through the services, so the audit history records it.
"""

import csv
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse, reverse_lazy
from django.utils.html import escape

from distributors import services, tasks
from distributors.models import Contact, Distributor, DistributorImport
from tests import factories
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

UPLOAD = reverse_lazy("distributors:import_list")
DISTRIBUTORS_EN = [
    "partner code",
    "name (English)",
    "name (Japanese)",
    "role",
    "status",
    "prefectures",
]
DISTRIBUTORS_JA = ["代理店コード", "名称（英語）", "名称", "役割", "ステータス", "都道府県"]
CONTACTS_EN = ["distributor code", "name", "name (kanji)", "seniority", "language", "e-mail"]
CONTACTS_JA = ["代理店コード", "氏名（ローマ字）", "氏名", "階層", "言語", "メールアドレス"]
HANA = ["hana", "Hana Foods", "花食品", "Primary wholesaler", "Active", "Tokyo; Osaka"]
KAZE = ["kaze", "Kaze Logistics", "風物流", "3pl", "見込み", "北海道"]


@pytest.fixture
def manager_client(client, account_manager):
    client.force_login(account_manager)
    return client


@pytest.fixture
def sakura(account_manager):
    return factories.DistributorFactory(
        code="sakura", name_en="Sakura Trading", account_manager=account_manager
    )


def csv_bytes(rows, encoding="utf-8"):
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def upload(client, content, kind="distributors", name="partners.csv"):
    response = client.post(
        UPLOAD, {"kind": kind, "file": SimpleUploadedFile(name, content)}, follow=True
    )
    assert response.status_code == 200
    return response


def confirm(client, response):
    distributor_import = response.context["import"]
    return client.post(
        reverse("distributors:import_confirm", args=[distributor_import.pk]), follow=True
    )


def distributors():
    return {
        d.code: (
            d.name_en,
            d.name_ja,
            d.role,
            d.status,
            sorted(p.name_en for p in d.prefectures.all()),
        )
        for d in Distributor.objects.prefetch_related("prefectures")
    }


def contacts():
    return {
        (c.distributor.code, c.email): (c.name_latin, c.name_kanji, c.seniority, c.language)
        for c in Contact.objects.select_related("distributor")
    }


def test_the_distributor_list_links_to_the_import(manager_client):
    page = manager_client.get(reverse("distributors:list")).content.decode()
    assert f'href="{UPLOAD}"' in page
    form = manager_client.get(UPLOAD).content.decode()
    # Every field has its label.
    inputs = re.findall(r'<input type="(?:file|radio)"[^>]* id="([^"]+)"', form)
    assert sorted(inputs) == ["id_file", "id_kind_0", "id_kind_1"]
    for input_id in inputs:
        assert re.search(rf'<label\s+for="{input_id}"', form), input_id


def test_preview_shows_each_row_and_saves_nothing_until_confirmed(
    manager_client, sakura, account_manager
):
    preview = upload(
        manager_client,
        csv_bytes(
            [
                DISTRIBUTORS_EN,
                HANA,
                KAZE,
                ["SAKURA", "Sakura Trading", "桜商事", "primary_wholesaler", "active", ""],
            ]
        ),
    )
    page = preview.content.decode()
    assert "The file is ready: 2 new, 1 changed, 0 unchanged." in page
    assert page.count("<td>New</td>") == 2
    assert "Changes name (Japanese)" in page
    assert "Tokyo, Osaka" in page and "Third-party logistics (3PL)" in page
    assert Distributor.objects.count() == 1

    done = confirm(manager_client, preview)
    assert "Saved: 2 new, 1 changed, 0 unchanged." in done.content.decode()
    assert distributors() == {
        "hana": ("Hana Foods", "花食品", "primary_wholesaler", "active", ["Osaka", "Tokyo"]),
        "kaze": ("Kaze Logistics", "風物流", "3pl", "prospect", ["Hokkaido"]),
        "sakura": ("Sakura Trading", "桜商事", "primary_wholesaler", "active", []),
    }
    # New partners join the importer's portfolio; the audit history says who changed what.
    assert Distributor.objects.get(code="hana").account_manager == account_manager
    sakura_history = Distributor.history.filter(id=sakura.pk).order_by("history_date")
    assert [h.history_type for h in sakura_history] == ["+", "~"]
    assert sakura_history.last().history_user == account_manager
    assert {h.history_user for h in Distributor.history.filter(code="hana")} == {account_manager}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
@pytest.mark.parametrize(
    "distributor_header, contact_header",
    [(DISTRIBUTORS_EN, CONTACTS_EN), (DISTRIBUTORS_JA, CONTACTS_JA)],
    ids=["english", "japanese"],
)
def test_each_encoding_and_header_language(
    manager_client, encoding, distributor_header, contact_header
):
    rows = [
        distributor_header,
        ["hana", "Hana Foods", "花食品", "一次卸", "取引中", "東京都、大阪"],
    ]
    confirm(manager_client, upload(manager_client, csv_bytes(rows, encoding)))
    contact_rows = [
        contact_header,
        ["hana", "Taro Sato", "佐藤 太郎", "役員・意思決定者", "日本語", "sato@hana.example.jp"],
        ["ＨＡＮＡ", "Emi Ito", "伊藤 恵美", "manager", "English", "ito@hana.example.jp"],
    ]
    confirm(
        manager_client,
        upload(manager_client, csv_bytes(contact_rows, encoding), kind="contacts"),
    )
    assert distributors() == {
        "hana": ("Hana Foods", "花食品", "primary_wholesaler", "active", ["Osaka", "Tokyo"])
    }
    assert contacts() == {
        ("hana", "sato@hana.example.jp"): ("Taro Sato", "佐藤 太郎", "executive", "ja"),
        ("hana", "ito@hana.example.jp"): ("Emi Ito", "伊藤 恵美", "manager", "en"),
    }


def test_an_excel_workbook(manager_client, sakura):
    workbook = openpyxl.Workbook()
    workbook.active.append(CONTACTS_JA + ["電話番号"])
    workbook.active.append(
        ["sakura", "Jiro Abe", "阿部 次郎", "現場担当者", "ja", "abe@x.jp", 312345678]
    )
    out = io.BytesIO()
    workbook.save(out)
    confirm(manager_client, upload(manager_client, out.getvalue(), "contacts", "担当者.xlsx"))
    contact = Contact.objects.get()
    assert (contact.distributor, contact.name_latin, contact.phone) == (
        sakura,
        "Jiro Abe",
        "312345678",
    )


GOOD_CONTACT = ["sakura", "Taro Sato", "佐藤 太郎", "manager", "ja", "sato@sakura.example.jp"]


@pytest.mark.parametrize(
    "kind, header, bad, column, message",
    [
        (
            "contacts",
            CONTACTS_EN,
            ["tokyo-x", "Emi Ito", "", "manager", "ja", "ito@x.jp"],
            "Distributor code (代理店コード)",
            "No distributor has the code “tokyo-x”.",
        ),
        (
            "distributors",
            DISTRIBUTORS_EN,
            ["hana", "Hana Foods", "", "primary_wholesaler", "active", "Tokyo; Gotham"],
            "Prefectures (都道府県)",
            "“Gotham” is not a prefecture of Japan.",
        ),
        (
            "distributors",
            DISTRIBUTORS_EN,
            ["hana", "Hana Foods", "", "broker", "active", ""],
            "Role (役割)",
            "“broker” is not one of: Import agent, Primary wholesaler,",
        ),
        (
            "distributors",
            DISTRIBUTORS_EN,
            ["hana", "Hana Foods", "", "3pl", "dormant", ""],
            "Status (ステータス)",
            "“dormant” is not one of: Prospect, Onboarding,",
        ),
        (
            "contacts",
            CONTACTS_EN,
            ["sakura", "Emi Ito", "", "boss", "ja", "ito@x.jp"],
            "Seniority (階層)",
            "“boss” is not one of: Executive / decision-maker, Manager, Front line.",
        ),
        (
            "contacts",
            CONTACTS_EN,
            ["sakura", "Emi Ito", "", "manager", "ja", "ito at sakura"],
            "E-mail (メール)",
            "Enter a valid email address.",
        ),
        (
            "contacts",
            CONTACTS_EN,
            ["sakura", "", "", "manager", "ja", "ito@x.jp"],
            "Name in Latin script (氏名(ローマ字))",
            "This cell is empty; every row needs it.",
        ),
        (
            "contacts",
            CONTACTS_EN,
            ["Sakura", "Taro SATO", "", "executive", "en", "SATO@sakura.example.jp"],
            "—",
            "The same contact as row 2.",
        ),
        (
            "distributors",
            DISTRIBUTORS_EN,
            ["sakura", "Sakura Again", "", "3pl", "", ""],
            "Partner code (代理店コード)",
            "The same partner code as row 2.",
        ),
        (
            "distributors",
            DISTRIBUTORS_EN,
            ["hana foods!", "Hana Foods", "", "3pl", "", ""],
            "Partner code (代理店コード)",
            "Enter a valid “slug”",
        ),
    ],
    ids=[
        "unknown-distributor-code",
        "unknown-prefecture",
        "unknown-role",
        "unknown-status",
        "unknown-seniority",
        "bad-email",
        "empty-required-cell",
        "duplicate-contact",
        "duplicate-distributor",
        "bad-code",
    ],
)
def test_each_bad_row_gets_its_message_and_nothing_is_saved(
    manager_client, sakura, kind, header, bad, column, message
):
    good = GOOD_CONTACT if kind == "contacts" else ["sakura", "Sakura Trading", "桜", "3pl", "", ""]
    other = (
        ["sakura", "Emi Ito", "", "manager", "en", "emi@sakura.example.jp"]
        if kind == "contacts"
        else ["kaze", "Kaze", "", "3pl", "", ""]
    )
    before = (distributors(), contacts(), Distributor.history.count())
    preview = upload(manager_client, csv_bytes([header, good, other, bad]), kind=kind)
    page = preview.content.decode()
    assert "The file has 1 error. Nothing was saved." in page
    [error] = preview.context["errors"]
    assert (error["line"], error["column"] or "—") == (4, column)
    assert error["message"].startswith(message), error["message"]
    assert escape(error["message"]) in page
    assert "Save all" not in page

    confirm(manager_client, preview)
    assert (distributors(), contacts(), Distributor.history.count()) == before
    assert DistributorImport.objects.get().status == DistributorImport.Status.PREVIEW


@pytest.mark.parametrize(
    "kind, header, missing",
    [
        ("distributors", DISTRIBUTORS_EN[1:], "Partner code (代理店コード)"),
        ("contacts", CONTACTS_JA[:3] + CONTACTS_JA[4:], "Seniority (階層)"),
    ],
)
def test_a_missing_required_column_is_named(manager_client, sakura, kind, header, missing):
    preview = upload(manager_client, csv_bytes([header, ["x"] * len(header)]), kind=kind)
    [error] = preview.context["errors"]
    assert (error["line"], error["column"]) == (1, missing)
    assert error["message"] == "This column is missing from the first row of the file."


def test_every_bad_row_is_listed_with_its_line_in_the_file(manager_client, sakura):
    # A blank line still counts: the line numbers are those of the file.
    content = csv_bytes(
        [CONTACTS_EN, GOOD_CONTACT, [], ["nobody", "A", "", "manager", "", ""], GOOD_CONTACT]
    )
    preview = upload(manager_client, content, kind="contacts")
    assert [(e["line"], e["message"]) for e in preview.context["errors"]] == [
        (4, "No distributor has the code “nobody”."),
        (5, "The same contact as row 2."),
    ]


@pytest.mark.parametrize(
    "content",
    [
        # A Latin-1 export: "ë " is neither UTF-8 nor a Shift_JIS character.
        "distributor code,name,seniority\r\nsakura,Zoë Müller,manager\r\n".encode("latin-1"),
        # A UTF-16 byte order mark before what is no UTF-16 text.
        b"\xff\xfe" + "代理店コード".encode("utf-16-le") + b"\x00\xdc\x00\xdc",
    ],
    ids=["latin-1", "broken-utf-16"],
)
def test_a_file_in_neither_encoding_is_refused_clearly(manager_client, sakura, content):
    preview = upload(manager_client, content, kind="contacts")
    assert "The file is neither UTF-8 nor Shift_JIS (cp932) text." in preview.content.decode()
    confirm(manager_client, preview)
    assert Contact.objects.count() == 0


def test_a_file_with_nul_characters_is_refused(manager_client, sakura):
    preview = upload(manager_client, csv_bytes([CONTACTS_EN, GOOD_CONTACT]).replace(b"T", b"\0"))
    assert "The file contains NUL characters" in preview.content.decode()
    assert "Save all" not in preview.content.decode()


def test_importing_the_same_file_again_changes_nothing(manager_client, sakura):
    distributor_file = csv_bytes([DISTRIBUTORS_JA, HANA, KAZE])
    contact_file = csv_bytes(
        [CONTACTS_EN, GOOD_CONTACT, ["hana", "Emi Ito", "", "front line", "", ""]]
    )
    confirm(manager_client, upload(manager_client, distributor_file))
    confirm(manager_client, upload(manager_client, contact_file, kind="contacts"))
    before = (
        distributors(),
        contacts(),
        Distributor.history.count(),
        Contact.history.count(),
    )

    again = upload(manager_client, distributor_file)
    assert "0 new, 0 changed, 2 unchanged" in again.content.decode()
    assert (
        "Saved: 0 new, 0 changed, 2 unchanged." in confirm(manager_client, again).content.decode()
    )
    again = upload(manager_client, contact_file, kind="contacts")
    assert "0 new, 0 changed, 2 unchanged" in again.content.decode()
    confirm(manager_client, again)
    after = (distributors(), contacts(), Distributor.history.count(), Contact.history.count())
    assert after == before


def test_an_empty_cell_keeps_what_is_stored_and_a_contact_is_matched_by_email(
    manager_client, sakura, account_manager
):
    contact = factories.ContactFactory(
        distributor=sakura, email="Sato@Sakura.example.jp", title="Buyer", phone="03-1234"
    )
    preview = upload(
        manager_client,
        csv_bytes(
            [
                ["代理店コード", "氏名（ローマ字）", "階層", "メール", "役職", "電話"],
                ["sakura", "Taro Sato", "executive", "sato@sakura.example.jp", "Director", ""],
            ]
        ),
        kind="contacts",
    )
    page = preview.content.decode()
    assert "Changes name (Latin script), title, seniority, e-mail" in page
    confirm(manager_client, preview)
    contact.refresh_from_db()
    assert (contact.name_latin, contact.seniority, contact.title, contact.phone) == (
        "Taro Sato",
        "executive",
        "Director",
        "03-1234",
    )
    assert Contact.objects.count() == 1
    assert contact.history.first().history_user == account_manager


def test_all_or_nothing_when_saving_fails_halfway(manager_client, sakura, monkeypatch):
    original = services.do_create_contact
    calls = []

    def fail_on_the_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise IntegrityError("someone saved the same contact a moment before")
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "do_create_contact", fail_on_the_second)
    content = csv_bytes(
        [CONTACTS_EN, GOOD_CONTACT, ["sakura", "Emi Ito", "", "manager", "", "ito@x.jp"]]
    )
    done = confirm(manager_client, upload(manager_client, content, kind="contacts"))
    assert len(calls) == 2
    assert "Nothing was saved" in done.content.decode()
    assert Contact.objects.count() == 0
    assert Contact.history.count() == 0
    assert DistributorImport.objects.get().status == DistributorImport.Status.FAILED


def test_a_large_file_is_saved_by_a_task_under_the_uploaders_name(
    manager_client, account_manager, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(tasks.save_distributor_import, "delay", queued.append)
    rows = [[f"p-{n:03d}", f"Partner {n}", "", "3pl", "", "Aichi"] for n in range(201)]
    preview = upload(manager_client, csv_bytes([DISTRIBUTORS_EN, *rows]))
    assert "201 new" in preview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        page = confirm(manager_client, preview).content.decode()
    distributor_import = DistributorImport.objects.get()
    assert queued == [distributor_import.pk]
    assert 'hx-trigger="every 2s"' in page and "Saving all rows in one transaction" in page
    assert Distributor.objects.count() == 0

    # The worker has no request: the history still names who imported the file.
    assert tasks.save_distributor_import(distributor_import.pk) is True
    assert tasks.save_distributor_import(distributor_import.pk) is False
    done = manager_client.get(distributor_import.get_absolute_url()).content.decode()
    assert "Saved: 201 new, 0 changed, 0 unchanged." in done and "hx-trigger" not in done
    assert Distributor.objects.filter(prefectures__name_en="Aichi").count() == 201
    assert set(Distributor.history.values_list("history_user", flat=True)) == {account_manager.pk}


@pytest.mark.parametrize("kind", ["distributors", "contacts"])
def test_a_preview_costs_the_same_queries_for_5_rows_as_for_100(manager_client, sakura, kind):
    def preview_queries(count):
        if kind == "distributors":
            header = DISTRIBUTORS_EN
            rows = [[f"p-{n}", f"P {n}", "", "3pl", "active", "Tokyo"] for n in range(count)]
        else:
            header = CONTACTS_EN
            rows = [["sakura", f"N {n}", "", "manager", "ja", f"n{n}@x.jp"] for n in range(count)]
        preview = upload(manager_client, csv_bytes([header, *rows]), kind=kind)
        return count_queries(manager_client, preview.context["import"].get_absolute_url())

    small = preview_queries(5)
    assert small == preview_queries(100)
    assert small <= 15


def test_a_preview_is_confirmed_once(manager_client, sakura):
    preview = upload(manager_client, csv_bytes([CONTACTS_EN, GOOD_CONTACT]), kind="contacts")
    confirm(manager_client, preview)
    again = confirm(manager_client, preview)
    assert "can no longer be confirmed" in again.content.decode()
    assert Contact.objects.count() == 1


def test_an_archived_distributor_is_not_imported_into(manager_client, sakura):
    services.do_archive_distributor(sakura)
    preview = upload(manager_client, csv_bytes([CONTACTS_EN, GOOD_CONTACT]), kind="contacts")
    [error] = preview.context["errors"]
    assert error["message"] == "The distributor “sakura” is archived: restore it first."


def test_only_account_managers_import_and_only_their_own_imports(
    client, manager_client, executive, partner_user, sakura
):
    preview = upload(manager_client, csv_bytes([CONTACTS_EN, GOOD_CONTACT]), kind="contacts")
    distributor_import = preview.context["import"]
    detail = reverse("distributors:import_detail", args=[distributor_import.pk])
    confirm_url = reverse("distributors:import_confirm", args=[distributor_import.pk])

    client.force_login(factories.AccountManagerFactory())
    assert client.get(detail).status_code == 404
    assert client.post(confirm_url).status_code == 404
    for user in (executive, partner_user):
        client.force_login(user)
        assert client.get(UPLOAD).status_code == 403
        assert client.post(UPLOAD, {"kind": "contacts"}).status_code == 403
        assert client.get(detail).status_code == 403
        assert client.post(confirm_url).status_code == 403
    client.logout()
    for response in (client.get(UPLOAD), client.get(detail), client.post(confirm_url)):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert Contact.objects.filter(distributor=sakura).count() == 0


def test_the_pages_in_japanese(manager_client, sakura, account_manager):
    account_manager.language = "ja"
    account_manager.save(update_fields=["language"])
    preview = upload(manager_client, csv_bytes([CONTACTS_EN, GOOD_CONTACT]), kind="contacts")
    page = preview.content.decode()
    assert "保存" in page and "新規" in page
    bad = upload(
        manager_client, csv_bytes([CONTACTS_EN, ["x", "A", "", "boss", "", ""]]), "contacts"
    )
    assert "代理店コードが「x」の代理店はありません。" in bad.content.decode()


@pytest.mark.parametrize(
    "kind, change",
    [
        ("distributors", services.do_archive_distributor),
        ("distributors", Distributor.delete),
        ("contacts", services.do_archive_distributor),
        ("contacts", Distributor.delete),
    ],
)
def test_a_distributor_archived_or_deleted_after_the_preview_fails_the_import_clearly(
    manager_client, sakura, kind, change
):
    if kind == "distributors":
        content = csv_bytes([DISTRIBUTORS_EN, ["sakura", "Sakura Trading Co.", "", "3pl", "", ""]])
    else:
        content = csv_bytes([CONTACTS_EN, GOOD_CONTACT])
    preview = upload(manager_client, content, kind=kind)
    change(sakura)
    done = confirm(manager_client, preview)
    assert done.status_code == 200
    assert "Nothing was saved" in done.content.decode()
    assert Contact.objects.count() == 0
    assert not Distributor.objects.filter(name_en="Sakura Trading Co.").exists()
    assert DistributorImport.objects.get().status == DistributorImport.Status.FAILED


def test_a_code_used_by_someone_else_after_the_preview_fails_the_import(
    manager_client, account_manager
):
    content = csv_bytes([DISTRIBUTORS_EN, ["kaede", "Kaede Foods", "", "3pl", "", ""]])
    preview = upload(manager_client, content)
    factories.DistributorFactory(code="kaede", name_en="Kaede Logistics")
    done = confirm(manager_client, preview)
    assert "Nothing was saved" in done.content.decode()
    assert Distributor.objects.get(code="kaede").name_en == "Kaede Logistics"
    assert DistributorImport.objects.get().status == DistributorImport.Status.FAILED


def test_an_import_that_renames_a_distributor_keeps_its_product_categories(manager_client, sakura):
    categories = factories.ProductCategoryFactory.create_batch(2)
    sakura.product_categories.set(categories)
    content = csv_bytes([DISTRIBUTORS_EN, ["sakura", "Sakura Trading Co.", "", "3pl", "", ""]])
    done = confirm(manager_client, upload(manager_client, content))
    assert "Saved: 0 new, 1 changed, 0 unchanged." in done.content.decode()
    sakura.refresh_from_db()
    assert sakura.name_en == "Sakura Trading Co."
    assert set(sakura.product_categories.all()) == set(categories)


def test_a_code_stored_in_capitals_is_updated_from_a_file_in_small_letters(
    manager_client, account_manager
):
    factories.DistributorFactory(code="KAEDE-01", name_en="Kaede", account_manager=account_manager)
    content = csv_bytes([DISTRIBUTORS_EN, ["kaede-01", "Kaede Foods", "", "3pl", "", ""]])
    done = confirm(manager_client, upload(manager_client, content))
    assert "Saved: 0 new, 1 changed, 0 unchanged." in done.content.decode()
    assert Distributor.objects.get(code="KAEDE-01").name_en == "Kaede Foods"
