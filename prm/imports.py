"""What every file import shares: reading a table as people in Japan keep one, and the
stored upload between preview and confirmation.

CSV in UTF-8 (with or without BOM), Shift_JIS (cp932) or Excel's "Unicode text" (UTF-16),
or an Excel workbook (.xlsx, its first sheet); headers in Japanese or English. Each import
(figures, distributors, contacts) names its columns and checks its own rows; nothing is
saved while a file is read. `StoredImport` keeps the checked rows, so that confirming saves
exactly what the preview showed.
"""

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import timedelta

import openpyxl
from django import forms
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# A workbook of 50,000 rows is well under this; anything larger is not an import file.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class UnreadableFile(ValueError):
    """The file as a whole cannot be read: no row can be checked."""


@dataclass
class ParsedFile:
    """The rows of a file as they would be saved, and its errors by line and column.

    `column_label` names a column for people (it is given the column's key).
    """

    column_label: object = None
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def error(self, line, column, message):
        label = self.column_label(column) if column else ""
        self.errors.append({"line": line, "column": label, "message": message})


def normalise(text):
    """A cell or header as compared: NFKC (full-width to half-width), single spaces, any case."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(text)).strip()).casefold()


def blank(cell):
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _decode(content):
    # Excel's "Unicode text" is UTF-16 with a byte order mark, which cp932 would misread.
    utf16 = content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "cp932"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(
        _(
            "The file is neither UTF-8 nor Shift_JIS (cp932) text. "
            "Save it as CSV UTF-8 and try again."
        )
    )


def _csv_rows(content):
    text = _decode(content)
    if "\x00" in text:
        # No spreadsheet writes NUL into text, and PostgreSQL stores none in text or JSON.
        raise UnreadableFile(_("The file contains NUL characters: it is not a CSV text file."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096].split("\n", 1)[0], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as error:
        # A cell longer than the csv module's limit (128 KB): not a table anyone meant.
        raise UnreadableFile(_("The file cannot be read as CSV text.")) from error


def _xlsx_rows(content):
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise UnreadableFile(
            _("The Excel file cannot be read: is it an .xlsx workbook?")
        ) from error
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def table_of(file_name, content):
    """The cells of the file, header first: from .xlsx (a zip) or from CSV text."""
    if content.startswith(b"PK\x03\x04") or file_name.lower().endswith(".xlsx"):
        return _xlsx_rows(content)
    return _csv_rows(content)


def column_index(aliases):
    """{normalised header: column key} from {column key: (spellings of its header, ...)}."""
    return {normalise(alias): column for column, aliases in aliases.items() for alias in aliases}


@dataclass
class Table:
    """A file's rows under their header: `rows` are (line, cells), lines as a spreadsheet
    numbers them (the header is line 1), blank lines left out but counted."""

    columns: dict
    rows: list

    def cell(self, cells, column):
        """The row's cell of `column`, or None when the column is absent or the cell blank."""
        position = self.columns.get(column)
        if position is None or position >= len(cells):
            return None
        value = cells[position]
        return None if blank(value) else value


def read_table(parsed, file_name, content, *, headers, required, max_rows):
    """The table of an uploaded file, or None after adding to `parsed` why it cannot be read.

    `headers` maps a normalised header to its column key (see `column_index`); each column
    of `required` must be there.
    """
    try:
        cells = table_of(file_name, content)
    except UnreadableFile as error:
        parsed.error(None, None, str(error))
        return None
    numbered = [
        (line, row)
        for line, row in enumerate(cells, start=1)
        if not all(blank(cell) for cell in row)
    ]
    if not numbered:
        parsed.error(None, None, _("The file is empty."))
        return None
    (header_line, header), *body = numbered
    columns = {}
    for position, cell in enumerate(header):
        column = headers.get(normalise(cell)) if not blank(cell) else None
        if column and column not in columns:
            columns[column] = position
    missing = [column for column in required if column not in columns]
    for column in missing:
        parsed.error(
            header_line, column, _("This column is missing from the first row of the file.")
        )
    if missing:
        return None
    if not body:
        parsed.error(None, None, _("The file has a header but no rows."))
        return None
    if len(body) > max_rows:
        parsed.error(
            None, None, _("The file has more than %(limit)d rows: split it.") % {"limit": max_rows}
        )
        return None
    return Table(columns, body)


class UploadForm(forms.Form):
    """The file of an import; an import's form gives the field its label and help text."""

    file = forms.FileField(
        label=gettext_lazy("CSV or Excel file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(gettext_lazy("The file is larger than 10 MB."))
        return upload


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", gettext_lazy("Waiting for confirmation")
    QUEUED = "queued", gettext_lazy("Queued")
    RUNNING = "running", gettext_lazy("Saving")
    DONE = "done", gettext_lazy("Saved")
    FAILED = "failed", gettext_lazy("Failed")


class StoredImport(models.Model):
    """An uploaded file between preview and confirmation, kept on the server.

    The checked rows are stored so that confirming saves exactly what the preview showed;
    an import that was not confirmed within `LIFETIME` can no longer be. A concrete import
    adds who uploaded it (`uploaded_by`) and its own Meta.
    """

    Status = ImportStatus

    LIFETIME = timedelta(hours=24)

    file_name = models.CharField(gettext_lazy("file name"), max_length=255)
    rows = models.JSONField(gettext_lazy("parsed rows"), default=list)
    errors = models.JSONField(gettext_lazy("errors"), default=list)
    status = models.CharField(
        gettext_lazy("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW
    )
    progress = models.PositiveIntegerField(gettext_lazy("rows saved"), default=0)
    created_count = models.PositiveIntegerField(gettext_lazy("new values"), default=0)
    changed_count = models.PositiveIntegerField(gettext_lazy("changed values"), default=0)
    unchanged_count = models.PositiveIntegerField(gettext_lazy("unchanged values"), default=0)
    failure = models.TextField(gettext_lazy("why it failed"), blank=True)
    created_at = models.DateTimeField(gettext_lazy("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(gettext_lazy("finished at"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.file_name

    @property
    def row_count(self):
        return len(self.rows)

    @property
    def is_expired(self):
        return timezone.now() > self.created_at + self.LIFETIME

    @property
    def can_confirm(self):
        return self.status == self.Status.PREVIEW and not self.errors and not self.is_expired

    @classmethod
    def store(cls, user, file_name, parsed, **fields):
        """A new preview of `parsed` for `user`; their previews too old to confirm are dropped."""
        cls.objects.filter(
            uploaded_by=user,
            status=cls.Status.PREVIEW,
            created_at__lt=timezone.now() - cls.LIFETIME,
        ).delete()
        return cls.objects.create(
            uploaded_by=user,
            file_name=file_name.replace("\x00", "")[:255],
            rows=parsed.rows,
            errors=parsed.errors,
            **fields,
        )

    def claim(self, to_status, from_status=ImportStatus.PREVIEW):
        """Move the import on from `from_status`; False when another request did first."""
        claimed = type(self).objects.filter(pk=self.pk, status=from_status).update(status=to_status)
        if claimed:
            self.status = to_status
        return bool(claimed)


def confirm_import(stored_import, *, save, queue, async_rows):
    """Save a previewed import: at once when it has at most `async_rows` rows, else
    through a Celery task, queued (`queue(import id)`) once this transaction commits.

    `save(import id)` saves a claimed import, all rows or none, and records the outcome.
    Returns False when the import cannot be confirmed (errors, expired, already confirmed).
    """
    if not stored_import.can_confirm:
        return False
    if stored_import.row_count <= async_rows:
        claimed = stored_import.claim(ImportStatus.RUNNING)
        if claimed:
            save(stored_import.pk)
        return claimed
    with transaction.atomic():
        claimed = stored_import.claim(ImportStatus.QUEUED)
        if claimed:
            transaction.on_commit(lambda: queue(stored_import.pk))
    return claimed


def run_queued_import(model, import_id, save):
    """A Celery task's work: save a queued import. Safe to run twice: one run claims it."""
    claimed = model.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING
    )
    if claimed:
        save(import_id)
    return bool(claimed)
