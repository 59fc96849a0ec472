"""The portfolio table as files: CSV (UTF-8 with a BOM, which Excel needs to read Japanese)
and Excel's own .xlsx (openpyxl)."""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .signals import SignalKey

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What a spreadsheet reads as the start of a formula: a name typed as "=HYPERLINK(…)"
# must open as text, not run (OWASP's "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table(rows):
    """The header and one line per relationship: who it is, then each signal's level,
    figure and reason."""
    header = [
        _("Partner code"),
        _("Name (English)"),
        _("Name (Japanese)"),
        _("Role in the network"),
        _("Lifecycle status"),
        _("Prefectures"),
        _("Account manager"),
        _("Red signals"),
        _("Amber signals"),
    ]
    for key in SignalKey:
        header += [
            _("%(signal)s: level") % {"signal": key.label},
            _("%(signal)s: figure") % {"signal": key.label},
            _("%(signal)s: reason") % {"signal": key.label},
        ]
    lines = []
    for row in rows:
        distributor = row.distributor
        line = [
            distributor.code,
            distributor.name_en,
            distributor.name_ja,
            str(distributor.get_role_display()),
            str(distributor.get_status_display()),
            ", ".join(p.name_en for p in distributor.prefectures.all()),
            str(distributor.account_manager or ""),
            row.reds,
            row.ambers,
        ]
        for key in SignalKey:
            signal = row.signals[key]
            line += [str(signal.label), signal.summary, signal.reason]
        lines.append([as_text(value) for value in line])
    return header, lines


def _filename(extension):
    return f"portfolio-{timezone.localdate():%Y-%m-%d}.{extension}"


def csv_response(rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    response.write("\ufeff")  # the BOM: Excel then reads the file as UTF-8
    writer = csv.writer(response)
    header, lines = table(rows)
    writer.writerow(header)
    writer.writerows(lines)
    return response


def xlsx_response(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Portfolio")[:31]
    header, lines = table(rows)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in lines:
        sheet.append(line)
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response
