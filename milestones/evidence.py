"""Evidence files: which ones a distributor may upload, where they are kept, how they are served.

An upload is accepted only when both its extension and its content are one of the business
documents or images below: a renamed program is refused. It is stored under a generated
name in PRM_PRIVATE_MEDIA_ROOT, which no web server serves, and read back only through
views that check who asks (`file_response`), always as a download.
"""

import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePath

import filetype
from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _

# Extension → the Content-Type it is served with.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "csv": "text/csv",
    "txt": "text/plain",
}
ALLOWED_LABEL = "PDF, PNG, JPEG, XLSX, DOCX, PPTX, CSV, TXT"

# Office Open XML files are ZIP archives: the part each one cannot lack.
OFFICE_MAIN_PARTS = {
    "xlsx": "xl/workbook.xml",
    "docx": "word/document.xml",
    "pptx": "ppt/presentation.xml",
}
# Plain text as Japanese offices write it: UTF-8, or Shift_JIS from Excel's CSV export.
TEXT_ENCODINGS = ("utf-8-sig", "cp932")

# Long enough for real names, short enough for a page and a Content-Disposition header.
MAX_NAME_LENGTH = 150

NOT_ALLOWED = _("Only these file types can be added: %(types)s.")
NOT_WHAT_IT_SAYS = _(
    "The content of “%(name)s” is not a %(type)s file (renamed or damaged?). "
    "Only these file types can be added: %(types)s."
)
TOO_LARGE = _("“%(name)s” is %(size)s; a file can be at most %(limit)s.")
TOO_LARGE_ON_ARRIVAL = _("“%(name)s” is larger than %(limit)s, the most a file can be.")
BAD_NAME = _(
    "The file name must not contain folders or control characters: "
    "rename the file and choose it again."
)


class PrivateStorage(FileSystemStorage):
    """The folder of PRM_PRIVATE_MEDIA_ROOT, read when used so that tests can point it elsewhere.

    Its files have no URL: they are served by views that check access, never by a web server.
    """

    @property
    def base_location(self):
        return settings.PRM_PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    def url(self, name):
        raise ValueError("Private files have no URL; serve them through a view that checks access.")


_storage = PrivateStorage()


def private_storage():
    return _storage


def stored_name(instance, filename):
    """A generated name: nothing the uploader chose reaches the file system."""
    return f"evidence/{uuid.uuid4().hex}"


def content_type(file_name):
    extension = PurePath(file_name).suffix.lower().lstrip(".")
    return CONTENT_TYPES.get(extension, "application/octet-stream")


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed `check_upload`, with the name to show for it."""

    file: object
    name: str
    size: int


def check_upload(upload):
    """The upload if its name, size, extension and content are acceptable; else ValidationError."""
    name = clean_file_name(upload.name or "")
    limit = settings.PRM_EVIDENCE_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            TOO_LARGE,
            code="too_large",
            params={
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            },
        )
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in CONTENT_TYPES:
        raise ValidationError(NOT_ALLOWED, code="type", params={"types": ALLOWED_LABEL})
    if not _content_matches(upload, extension):
        raise ValidationError(
            NOT_WHAT_IT_SAYS,
            code="content",
            params={"name": name, "type": extension.upper(), "types": ALLOWED_LABEL},
        )
    upload.seek(0)
    return CheckedUpload(file=upload, name=name, size=upload.size)


def clean_file_name(name):
    """The name to show: the uploader's own, refused if it tries to name a path.

    Django's upload parser already keeps only the last part of a path and drops
    unprintable characters; this refuses what is left of such tricks when a name arrives
    another way, and shortens a long name while keeping its extension.
    """
    name = unicodedata.normalize("NFC", name).strip()
    if (
        not name
        or name in {".", ".."}
        or any(sep in name for sep in ("/", "\\"))
        or any(unicodedata.category(char).startswith("C") for char in name)
    ):
        raise ValidationError(BAD_NAME, code="name")
    if len(name) > MAX_NAME_LENGTH:
        path = PurePath(name)
        suffix = path.suffix[:10]
        name = path.stem[: MAX_NAME_LENGTH - len(suffix)] + suffix
    return name


def _content_matches(upload, extension):
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    if extension in OFFICE_MAIN_PARTS:
        return (
            kind is not None
            and kind.extension in {"zip", extension}
            and _office(upload, OFFICE_MAIN_PARTS[extension])
        )
    if extension in {"csv", "txt"}:
        return kind is None and _plain_text(upload)
    return kind is not None and kind.mime == CONTENT_TYPES[extension]


def _office(upload, main_part):
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return {"[Content_Types].xml", main_part} <= names


def _plain_text(upload):
    upload.seek(0)
    data = upload.read()
    if b"\x00" in data:
        return False
    for encoding in TEXT_ENCODINGS:
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def file_response(evidence):
    """The evidence's file as a download that no browser renders or guesses the type of."""
    if not evidence.file:
        raise Http404
    try:
        handle = private_storage().open(evidence.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.file_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, private=True, no_store=True)
    return response


def check_private_root(app_configs=None, **kwargs):
    """PRM_PRIVATE_MEDIA_ROOT must not be a folder that is served as static or media files."""
    private = Path(settings.PRM_PRIVATE_MEDIA_ROOT).resolve()
    served = [settings.STATIC_ROOT, settings.MEDIA_ROOT]
    served += [
        entry[1] if isinstance(entry, tuple) else entry for entry in settings.STATICFILES_DIRS
    ]
    errors = []
    for folder in filter(None, served):
        folder = Path(folder).resolve()
        if private == folder or folder in private.parents or private in folder.parents:
            errors.append(
                checks.Error(
                    f"PRM_PRIVATE_MEDIA_ROOT ({private}) overlaps a served folder ({folder}).",
                    hint="Keep milestone evidence in a folder of its own, outside the web root.",
                    id="milestones.E001",
                )
            )
    return errors
