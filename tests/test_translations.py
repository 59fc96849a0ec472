"""The Japanese catalogue is complete, and no string a person reads is missing from it."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = Path("locale") / "ja" / "LC_MESSAGES" / "django.po"


def msgids(po_file):
    """The msgids of a catalogue, one line each (msgcat --no-wrap joins wrapped ones)."""
    flat = subprocess.run(
        ["msgcat", "--no-wrap", "--no-location", str(po_file)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(re.findall(r'^msgid(?:_plural)? "(.+)"$', flat, re.MULTILINE))


def entries(po_file, *flags):
    out = subprocess.run(
        ["msgattrib", "--no-wrap", "--no-obsolete", *flags, str(po_file)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return re.findall(r'^msgid "(.+)"$', out, re.MULTILINE)


def test_every_japanese_entry_is_translated_and_none_is_fuzzy():
    po = ROOT / CATALOGUE
    assert entries(po, "--untranslated") == []
    assert entries(po, "--only-fuzzy") == []


def test_makemessages_finds_no_string_the_catalogue_lacks(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv",
            "node_modules",
            "staticfiles",
            "var",
            ".git",
            "docs",
            "*.sqlite3",
            "__pycache__",
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ja", "-v0"],
        cwd=copy,
        check=True,
        env={"SECRET_KEY": "x", "PATH": "/usr/bin:/bin"},
    )
    missing = msgids(copy / CATALOGUE) - msgids(ROOT / CATALOGUE)
    assert not missing, f"run makemessages and translate: {sorted(missing)}"


@pytest.mark.django_db
def test_a_japanese_reader_sees_japanese(client, account_manager):
    client.force_login(account_manager)
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    page = client.get(reverse("distributors:list")).content.decode()
    assert '<html lang="ja">' in page
    assert "代理店" in page
