"""The backup of docs/BACKUPS.md, done for real: a dump restored into a new database holds
the same rows, and PRM reads it.

It runs against the machine's PostgreSQL whatever database the suite itself uses, because
pg_dump and pg_restore are what an operator runs in production.
"""

import subprocess
import sys
import uuid

import psycopg2
import pytest
from psycopg2 import sql

from tests.processes import ROOT, project_env

pytestmark = pytest.mark.services

SERVER = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def url(database):
    return f"postgres://{SERVER['user']}@{SERVER['host']}:{SERVER['port']}/{database}"


def run(args, **env):
    result = subprocess.run(
        args, cwd=ROOT, env=project_env(**env), capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"{args[:3]} failed:\n{result.stdout[-3000:]}{result.stderr}"
    return result.stdout


def manage(database, *args):
    return run([sys.executable, "manage.py", *args], DATABASE_URL=url(database))


def row_counts(database):
    with psycopg2.connect(dbname=database, **SERVER) as connection:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
            tables = [name for (name,) in cursor.fetchall()]
            counts = {}
            for table in tables:
                cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
                counts[table] = cursor.fetchone()[0]
    connection.close()
    return counts


@pytest.fixture
def databases():
    """Two empty databases of this test's own, dropped afterwards."""
    suffix = uuid.uuid4().hex[:8]
    names = (f"prm_backup_{suffix}", f"prm_restored_{suffix}")
    admin = psycopg2.connect(dbname="postgres", **SERVER)
    admin.autocommit = True
    with admin.cursor() as cursor:
        for name in names:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield names
    with admin.cursor() as cursor:
        for name in names:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
    admin.close()


def test_a_dump_restored_into_a_new_database_has_the_same_rows(databases, tmp_path):
    original, restored = databases
    manage(original, "migrate", "--noinput")
    manage(original, "seed_demo")
    dump = tmp_path / "prm.dump"

    run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--dbname={url(original)}",
            f"--file={dump}",
        ]
    )
    run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            f"--dbname={url(restored)}",
            str(dump),
        ]
    )

    before, after = row_counts(original), row_counts(restored)
    assert after == before
    # The demo data is in it, not only empty tables: distributors, their touchpoints and
    # meetings, goals, and the reminders' beat schedules.
    for table in (
        "distributors_distributor",
        "meetings_touchpoint",
        "django_celery_beat_periodictask",
        "meetings_alignmentmeeting",
        "milestones_goal",
    ):
        assert after[table] > 0, table

    # PRM reads the restored database: nothing left to migrate, and the demo logins are there.
    manage(restored, "migrate", "--check")
    users = manage(
        restored,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; "
        "print(sorted(get_user_model().objects.values_list('username', flat=True)))",
    )
    assert "'partner'" in users and "'manager'" in users
