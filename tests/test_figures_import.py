"""Importing monthly figures from CSV and Excel files (issue 8, item 2)."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.db.models import F
from django.urls import reverse, reverse_lazy
from django.utils.html import escape

from figures import services, tasks
from figures.imports import read_figure_file
from figures.models import FigureImport, FigureKind, FigureRevision, PerformanceFigure
from figures.selectors import entries_of
from tests import factories

pytestmark = pytest.mark.django_db

UPLOAD = reverse_lazy("figures:import_list")
TODAY = dt.date(2026, 6, 15)
ENGLISH = ["distributor code", "month", "figure", "category", "value"]
JAPANESE = ["代理店コード", "年月", "指標", "区分", "値"]


@pytest.fixture(autouse=True)
def in_june_2026():
    with time_machine.travel(dt.datetime(2026, 6, 15, 3, 0, tzinfo=dt.UTC), tick=True):
        yield


@pytest.fixture
def manager_client(client, account_manager):
    client.force_login(account_manager)
    return client


@pytest.fixture
def sakura(account_manager):
    return factories.DistributorFactory(code="sakura", account_manager=account_manager)


@pytest.fixture
def snacks():
    return factories.ProductCategoryFactory(name_en="Snacks", name_ja="スナック菓子")


def csv_bytes(rows, encoding="utf-8"):
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def upload(client, content, name="figures.csv"):
    response = client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)}, follow=True)
    assert response.status_code == 200
    return response


def confirm(client, response):
    figure_import = response.context["import"]
    return client.post(reverse("figures:import_confirm", args=[figure_import.pk]), follow=True)


def values():
    return {
        (f.distributor.code, f.kind.code, f"{f.month:%Y-%m}", f.category_id): f.value
        for f in PerformanceFigure.objects.select_related("distributor", "kind")
    }


def test_preview_shows_each_row_and_saves_nothing_until_confirmed(manager_client, sakura, snacks):
    content = csv_bytes(
        [
            ENGLISH,
            ["sakura", "2026-04", "sell_in_amount", "", "1200000"],
            ["sakura", "2026-04", "Sell-in amount", "Snacks", "300000"],
            ["sakura", "2026-05", "On-time delivery", "", "97.5"],
        ]
    )
    preview = upload(manager_client, content)
    page = preview.content.decode()
    assert "3 new, 0 changed, 0 unchanged" in page
    assert page.count("<td>New</td>") == 3
    assert PerformanceFigure.objects.count() == 0

    done = confirm(manager_client, preview)
    assert "Saved: 3 new, 0 changed, 0 unchanged." in done.content.decode()
    assert values() == {
        ("sakura", "sell_in_amount", "2026-04", None): 1200000,
        ("sakura", "sell_in_amount", "2026-04", snacks.pk): 300000,
        ("sakura", "on_time_delivery", "2026-05", None): 97.5,
    }
    revision = FigureRevision.objects.filter(new_value=300000).get()
    assert revision.old_value is None
    assert revision.source == "import"
    assert revision.changed_by == preview.context["user"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
@pytest.mark.parametrize("header", [ENGLISH, JAPANESE], ids=["english", "japanese"])
def test_each_encoding_and_header_language(manager_client, sakura, snacks, encoding, header):
    content = csv_bytes(
        [header, ["sakura", "2026年5月", "仕入金額（セルイン）", "スナック菓子", "450000"]],
        encoding,
    )
    confirm(manager_client, upload(manager_client, content))
    assert values() == {("sakura", "sell_in_amount", "2026-05", snacks.pk): 450000}


def test_full_width_digits_thousands_separators_and_yen_signs(manager_client, sakura):
    content = csv_bytes(
        [
            JAPANESE,
            ["ＳＡＫＵＲＡ", "２０２６／０３", "sell_in_amount", "", "１，２３４，５６７"],
            ["sakura", "2026-04", "sell_in_amount", "", "￥12,000円"],
            ["sakura", "202605", "on_time_delivery", "", "９８．５％"],
        ],
        "cp932",
    )
    confirm(manager_client, upload(manager_client, content))
    assert values() == {
        ("sakura", "sell_in_amount", "2026-03", None): 1234567,
        ("sakura", "sell_in_amount", "2026-04", None): 12000,
        ("sakura", "on_time_delivery", "2026-05", None): 98.5,
    }


def test_an_excel_workbook_with_dates_and_numbers_in_cells(manager_client, sakura):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["代理店コード", "年月", "指標", "値"])
    sheet.append(["sakura", dt.datetime(2026, 2, 1), "在庫週数", 5.5])
    sheet.append(["sakura", "2026-03", "new_retail_doors", 12])
    out = io.BytesIO()
    workbook.save(out)
    confirm(manager_client, upload(manager_client, out.getvalue(), "実績.xlsx"))
    assert values() == {
        ("sakura", "inventory_weeks", "2026-02", None): 5.5,
        ("sakura", "new_retail_doors", "2026-03", None): 12,
    }


GOOD = ["sakura", "2026-04", "sell_in_amount", "", "100"]


@pytest.mark.parametrize(
    "bad, column, message",
    [
        (
            ["tokyo-x", "2026-04", "sell_in_amount", "", "100"],
            "Distributor code",
            "No distributor has the code “tokyo-x”.",
        ),
        (
            ["sakura", "2026-04", "sell_in_amount", "", "about 100"],
            "Value",
            "“about 100” is not a number.",
        ),
        (["sakura", "2026-07", "sell_in_amount", "", "100"], "Month", "2026-07 is in the future."),
        (["sakura", "April", "sell_in_amount", "", "100"], "Month", "“April” is not a month"),
        (["sakura", "2026-04", "profit", "", "100"], "Figure", "“profit” is not a known figure."),
        (
            ["sakura", "2026-04", "sell_in_amount", "Toys", "100"],
            "Category",
            "“Toys” is not a known product category.",
        ),
        (
            ["sakura", "2026-04", "inventory_weeks", "Snacks", "4"],
            "Category",
            "This figure is not given per product category.",
        ),
        (
            ["sakura", "2026-04", "on_time_delivery", "", "120"],
            "Value",
            "A percentage is at most 100.",
        ),
        (
            ["sakura", "2026-04", "damage_claims", "", "-1"],
            "Value",
            "This figure cannot be negative.",
        ),
        (["sakura", "2026-04", "sell_in_amount", "", ""], "Value", "The value is missing."),
        (GOOD, "—", "The same distributor, figure, month and category as row 2."),
    ],
    ids=[
        "unknown-distributor",
        "not-a-number",
        "future-month",
        "not-a-month",
        "unknown-figure",
        "unknown-category",
        "category-not-allowed",
        "percent-over-100",
        "negative-count",
        "missing-value",
        "duplicate-row",
    ],
)
def test_each_bad_row_gets_its_message_and_nothing_is_saved(
    manager_client, sakura, snacks, bad, column, message
):
    content = csv_bytes([ENGLISH, GOOD, ["sakura", "2026-03", "sell_in_amount", "", "5"], bad])
    preview = upload(manager_client, content)
    page = preview.content.decode()
    assert "The file has 1 error. Nothing was saved." in page
    errors = preview.context["errors"]
    assert [(e["line"], e["column"].split(" (")[0] if e["column"] else "—") for e in errors] == [
        (4, column)
    ]
    assert errors[0]["message"].startswith(message)
    assert escape(errors[0]["message"]) in page
    assert "import_confirm" not in page and "Save all" not in page

    confirm(manager_client, preview)
    assert PerformanceFigure.objects.count() == 0
    assert FigureImport.objects.get().status == FigureImport.Status.PREVIEW


def test_a_file_in_neither_encoding_is_refused_clearly(manager_client, sakura):
    preview = upload(
        manager_client, b"distributor code,month,figure,value\r\nsakura,2026-04,\x81 ,1\r\n"
    )
    assert "The file is neither UTF-8 nor Shift_JIS (cp932) text." in preview.content.decode()
    confirm(manager_client, preview)
    assert PerformanceFigure.objects.count() == 0


def test_excel_unicode_text_utf16_is_read_too(manager_client, sakura):
    content = "代理店コード\t年月\t指標\t値\r\nsakura\t2026-04\tsell_in_amount\t7\r\n"
    confirm(manager_client, upload(manager_client, content.encode("utf-16"), "figures.txt"))
    assert values() == {("sakura", "sell_in_amount", "2026-04", None): 7}


def test_a_missing_column_is_named(manager_client, sakura):
    preview = upload(
        manager_client,
        csv_bytes([["代理店コード", "年月", "指標"], ["sakura", "2026-04", "sell_in_amount"]]),
    )
    [error] = preview.context["errors"]
    assert error["line"] == 1
    assert error["column"] == "Value (値)"
    assert "This column is missing" in error["message"]


def test_a_broken_excel_file_is_refused_clearly(manager_client):
    preview = upload(manager_client, b"PK\x03\x04 not really a workbook", "figures.xlsx")
    assert "The Excel file cannot be read" in preview.content.decode()


def test_importing_the_same_file_again_changes_nothing(manager_client, sakura, snacks):
    content = csv_bytes([ENGLISH, GOOD, ["sakura", "2026-04", "sell_in_amount", "Snacks", "40"]])
    confirm(manager_client, upload(manager_client, content))
    before = (values(), FigureRevision.objects.count())

    again = upload(manager_client, content)
    assert "0 new, 0 changed, 2 unchanged" in again.content.decode()
    done = confirm(manager_client, again)
    assert "Saved: 0 new, 0 changed, 2 unchanged." in done.content.decode()
    assert (values(), FigureRevision.objects.count()) == before


def test_a_changed_value_shows_what_it_was_and_keeps_it_in_the_history(
    manager_client, sakura, account_manager
):
    confirm(manager_client, upload(manager_client, csv_bytes([ENGLISH, GOOD])))
    preview = upload(
        manager_client, csv_bytes([ENGLISH, ["sakura", "2026-04", "sell_in_amount", "", "150"]])
    )
    assert "Changed from 100" in preview.content.decode()
    confirm(manager_client, preview)
    latest = FigureRevision.objects.first()
    assert (latest.old_value, latest.new_value, latest.changed_by) == (100, 150, account_manager)
    assert FigureRevision.objects.count() == 2


def test_all_or_nothing_when_saving_fails_halfway(manager_client, sakura, monkeypatch):
    def fail(*args, **kwargs):
        raise IntegrityError("someone else saved the same month")

    monkeypatch.setattr(FigureRevision.objects, "bulk_create", fail)
    content = csv_bytes([ENGLISH, GOOD, ["sakura", "2026-03", "sell_in_amount", "", "5"]])
    done = confirm(manager_client, upload(manager_client, content))
    assert "Nothing was saved" in done.content.decode()
    assert PerformanceFigure.objects.count() == 0
    assert FigureImport.objects.get().status == FigureImport.Status.FAILED


def _big_file(distributors, months):
    kinds = list(FigureKind.objects.values_list("code", flat=True))
    rows = [ENGLISH]
    for distributor in distributors:
        for kind in kinds:
            for back in range(months):
                month = dt.date(2026, 6, 1) - dt.timedelta(days=31 * back)
                rows.append([distributor.code, f"{month:%Y-%m}", kind, "", f"{back + 1:,}"])
    return csv_bytes(rows)


def test_a_large_file_is_saved_by_a_task_with_a_progress_display(
    manager_client, sakura, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(tasks.save_figure_import, "delay", queued.append)
    others = factories.DistributorFactory.create_batch(9)
    content = _big_file([sakura, *others], 21)  # 10 × 10 kinds × 21 months = 2,100 rows
    preview = upload(manager_client, content)
    assert "2100 new" in preview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        page = confirm(manager_client, preview).content.decode()
    figure_import = FigureImport.objects.get()
    assert queued == [figure_import.pk]
    assert 'hx-trigger="every 1s"' in page
    assert PerformanceFigure.objects.count() == 0

    assert tasks.save_figure_import(figure_import.pk) is True
    assert tasks.save_figure_import(figure_import.pk) is False  # a second run does nothing
    progress = manager_client.get(reverse("figures:import_progress", args=[figure_import.pk]))
    assert "Saved: 2100 new, 0 changed, 0 unchanged." in progress.content.decode()
    assert "hx-trigger" not in progress.content.decode()
    assert PerformanceFigure.objects.count() == FigureRevision.objects.count() == 2100


def test_ten_thousand_rows_are_read_and_saved(account_manager):
    # How long it takes is measured by `make bench` (docs/BENCHMARKS.md), not here.
    distributors = factories.DistributorFactory.create_batch(50)
    content = _big_file(distributors, 20)  # 50 × 10 kinds × 20 months
    parsed = read_figure_file("big.csv", content, today=TODAY)
    services.do_save_figures(entries_of(parsed.rows), user=account_manager, source="import")
    assert parsed.errors == []
    assert PerformanceFigure.objects.count() == 10_000


def test_only_account_managers_import_and_only_their_own_imports(
    client, manager_client, executive, partner_user, sakura
):
    preview = upload(manager_client, csv_bytes([ENGLISH, GOOD]))
    figure_import = preview.context["import"]
    urls = [
        reverse("figures:import_detail", args=[figure_import.pk]),
        reverse("figures:import_progress", args=[figure_import.pk]),
    ]
    other_manager = factories.AccountManagerFactory()
    client.force_login(other_manager)
    for url in urls:
        assert client.get(url).status_code == 404
    assert (
        client.post(reverse("figures:import_confirm", args=[figure_import.pk])).status_code == 404
    )
    for user in (executive, partner_user):
        client.force_login(user)
        assert client.get(UPLOAD).status_code == 403
        assert client.get(urls[0]).status_code == 403
    assert PerformanceFigure.objects.count() == 0


def test_an_expired_preview_cannot_be_confirmed(manager_client, sakura):
    preview = upload(manager_client, csv_bytes([ENGLISH, GOOD]))
    FigureImport.objects.update(
        created_at=F("created_at") - FigureImport.LIFETIME - dt.timedelta(minutes=1)
    )
    done = confirm(manager_client, preview)
    assert "can no longer be confirmed" in done.content.decode()
    assert PerformanceFigure.objects.count() == 0
