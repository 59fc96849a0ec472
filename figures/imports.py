"""Reading a file of monthly figures as people in Japan keep them, into rows and errors.

CSV in UTF-8 (with or without BOM) or Shift_JIS (cp932), or an Excel workbook (.xlsx, its
first sheet); headers in Japanese or English; full-width digits, thousands separators and
yen signs in values. Nothing is saved here: `read_figure_file` returns every row as it
would be saved and every error by row and column, for the preview.
"""

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from distributors.models import Distributor, ProductCategory
from prm.imports import ParsedFile, column_index, normalise, read_table

from .models import FigureKind, FigureUnit

MAX_ROWS = 50_000

# The column a header names, from its normalised spelling (NFKC, lower case, single spaces).
HEADER_ALIASES = {
    "distributor": (
        "distributor code",
        "distributor",
        "partner code",
        "code",
        "代理店コード",
        "代理店",
        "取引先コード",
        "販売店コード",
    ),
    "month": ("month", "year month", "年月", "対象月", "月"),
    "kind": ("figure", "figure kind", "kind", "指標", "項目", "指標コード"),
    "category": ("category", "product category", "区分", "カテゴリ", "カテゴリー", "商品カテゴリ"),
    "value": ("value", "amount", "値", "数値", "実績"),
}
COLUMN_BY_HEADER = column_index(HEADER_ALIASES)
REQUIRED_COLUMNS = ("distributor", "month", "kind", "value")


def column_label(column):
    return {
        "distributor": _("Distributor code (代理店コード)"),
        "month": _("Month (年月)"),
        "kind": _("Figure (指標)"),
        "category": _("Category (区分)"),
        "value": _("Value (値)"),
    }[column]


MONTH_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:月|[-/.]\s*\d{1,2}\s*日?)?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
)


def parse_month(cell):
    """The first day of the month a cell names (2026-04, 2026/4/1, 2026年4月, 202604, a date)."""
    if isinstance(cell, dt.datetime):
        return cell.date().replace(day=1)
    if isinstance(cell, dt.date):
        return cell.replace(day=1)
    text = unicodedata.normalize("NFKC", str(cell)).strip()
    for pattern in MONTH_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month = int(match[1]), int(match[2])
            if 1 <= month <= 12 and year >= 1900:
                return dt.date(year, month, 1)
    return None


VALUE_LIMIT = Decimal(10) ** 14
NON_NEGATIVE_UNITS = {FigureUnit.WEEKS, FigureUnit.COUNT, FigureUnit.PERCENT, FigureUnit.DAYS}


def parse_value(cell):
    """A Decimal from a number or a text such as "１，２３４", "¥12,000" or "98.5%"; else None."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        text = repr(cell)
    else:
        text = unicodedata.normalize("NFKC", str(cell)).strip()
        text = re.sub(r"[,\s¥円%]", "", text).replace("−", "-").replace("▲", "-")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def value_problem(value, kind):
    if abs(value) >= VALUE_LIMIT:
        return _("The value is too large.")
    if value != value.quantize(Decimal("0.01")):
        return _("Give the value with at most two decimals.")
    if value < 0 and kind.unit in NON_NEGATIVE_UNITS:
        return _("This figure cannot be negative.")
    if kind.unit == FigureUnit.PERCENT and value > 100:
        return _("A percentage is at most 100.")
    return None


class _References:
    """The distributors, figure kinds and categories a file may name, each read once."""

    def __init__(self, codes):
        # Codes are slugs, kept in lower case: "SAKURA-01" in a file means "sakura-01".
        spellings = set(codes) | {normalise(code) for code in codes}
        self.distributors = {
            normalise(distributor.code): distributor
            for distributor in Distributor.objects.filter(code__in=spellings).only("pk", "code")
        }
        self.kinds = {}
        for kind in FigureKind.objects.all():
            for name in (kind.code, kind.name_en, kind.name_ja):
                self.kinds.setdefault(normalise(name), kind)
        self.categories = {}
        for category in ProductCategory.objects.all():
            for name in (category.name_en, category.name_ja):
                if name:
                    self.categories.setdefault(normalise(name), category)


def read_figure_file(file_name, content, *, today):
    """The file's rows as they would be saved, and its errors by row (line) and column.

    Line numbers are those a spreadsheet shows: the header is line 1.
    """
    parsed = ParsedFile(column_label)
    table = read_table(
        parsed,
        file_name,
        content,
        headers=COLUMN_BY_HEADER,
        required=REQUIRED_COLUMNS,
        max_rows=MAX_ROWS,
    )
    if table is None:
        return parsed

    cell_of = table.cell

    codes = {
        str(cell_of(row, "distributor")).strip()
        for _line, row in table.rows
        if cell_of(row, "distributor")
    }
    references = _References(codes)
    this_month = today.replace(day=1)
    seen = {}
    for line, row in table.rows:
        errors_before = len(parsed.errors)
        code = cell_of(row, "distributor")
        distributor = None
        if code is None:
            parsed.error(line, "distributor", _("The distributor code is missing."))
        else:
            distributor = references.distributors.get(normalise(code))
            if distributor is None:
                parsed.error(
                    line,
                    "distributor",
                    _("No distributor has the code “%(code)s”.") % {"code": code},
                )
        month_cell = cell_of(row, "month")
        month = None if month_cell is None else parse_month(month_cell)
        if month_cell is None:
            parsed.error(line, "month", _("The month is missing."))
        elif month is None:
            parsed.error(
                line,
                "month",
                _("“%(month)s” is not a month: write it as 2026-04 or 2026年4月.")
                % {"month": month_cell},
            )
        elif month > this_month:
            parsed.error(
                line, "month", _("%(month)s is in the future.") % {"month": f"{month:%Y-%m}"}
            )
        kind_cell = cell_of(row, "kind")
        kind = None if kind_cell is None else references.kinds.get(normalise(kind_cell))
        if kind_cell is None:
            parsed.error(line, "kind", _("The figure is missing."))
        elif kind is None:
            parsed.error(line, "kind", _("“%(kind)s” is not a known figure.") % {"kind": kind_cell})
        category_cell = cell_of(row, "category")
        category = None
        if category_cell is not None:
            category = references.categories.get(normalise(category_cell))
            if category is None:
                parsed.error(
                    line,
                    "category",
                    _("“%(category)s” is not a known product category.")
                    % {"category": category_cell},
                )
            elif kind is not None and not kind.by_category:
                parsed.error(line, "category", _("This figure is not given per product category."))
        value_cell = cell_of(row, "value")
        value = None if value_cell is None else parse_value(value_cell)
        if value_cell is None:
            parsed.error(line, "value", _("The value is missing."))
        elif value is None:
            parsed.error(line, "value", _("“%(value)s” is not a number.") % {"value": value_cell})
        elif kind is not None and (problem := value_problem(value, kind)):
            parsed.error(line, "value", problem)
        if len(parsed.errors) > errors_before:
            continue
        key = (distributor.pk, kind.pk, month, category.pk if category else None)
        if key in seen:
            parsed.error(
                line,
                None,
                _("The same distributor, figure, month and category as row %(line)d.")
                % {"line": seen[key]},
            )
            continue
        seen[key] = line
        parsed.rows.append(
            {
                "line": line,
                "distributor_id": distributor.pk,
                "distributor": distributor.code,
                "kind_id": kind.pk,
                "kind": kind.code,
                "month": month.isoformat(),
                "category_id": category.pk if category else None,
                "category": category.name_en if category else "",
                "value": str(value.quantize(Decimal("0.01"))),
            }
        )
    return parsed
