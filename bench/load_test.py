"""A bounded load test of the production layout (issue 10, point 9).

Creates a fresh PostgreSQL database (prm_load), migrates it and loads the demo data
(seed_demo), starts the production stack on it (scripts/production_stack.py: gunicorn,
Celery worker and beat, Redis as the broker), and lets Locust, headless and on the loopback
only, run N concurrent users for a fixed time (bench/locustfile.py: account managers
reading and logging touchpoints, distributor users reading the portal and sending
feedback). Then it checks that no request failed and that every write Locust counted as
saved is a row in the database, prints a summary, and exits 1 on any failure.

    python bench/load_test.py [--seconds 60] [--users 20]
"""

import argparse
import collections
import json
import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import psycopg2
import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: `scripts` and `bench` are found from here

from scripts.production_stack import ProductionStack, free_port  # noqa: E402

# The names of the writes in Locust's statistics (bench/locustfile.py posts them).
TOUCHPOINT_WRITE = "write: log a touchpoint"
FEEDBACK_WRITE = "write: send portal feedback"

# What Locust is told, and the rows its writes add to (printed by `manage.py shell`).
LOAD_DATA = """
import json
from distributors import demo
from distributors.models import Distributor, Feedback
from meetings.models import AlignmentMeeting, Touchpoint
from prm.models import User

manager = User.objects.get(username="manager")
mine = Distributor.objects.active().filter(account_manager=manager)
print(json.dumps({
    "password": demo.PASSWORD,
    "manager": manager.username,
    "manager_id": manager.pk,
    "partners": sorted(demo.PARTNER_PEOPLE),
    "distributors": sorted(mine.values_list("pk", flat=True)),
    "meetings": sorted(
        AlignmentMeeting.objects.filter(distributors__in=mine)
        .values_list("pk", flat=True)
        .distinct()
    ),
    "rows": {
        "touchpoints": Touchpoint.objects.count(),
        "feedback": Feedback.objects.count(),
    },
}))
"""
# The table each write adds a row to, as LOAD_DATA counts them.
WRITES = {TOUCHPOINT_WRITE: "touchpoints", FEEDBACK_WRITE: "feedback"}


def on_server(server_url, *statements):
    """Run `statements` outside a transaction (as DROP and CREATE DATABASE must be)."""
    connection = psycopg2.connect(server_url.rstrip("/") + "/postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        connection.close()


def load_data(stack):
    return json.loads(stack.manage("shell", "-c", LOAD_DATA).strip().splitlines()[-1])


def run_locust(stack, data, *, users, seconds, log_dir):
    """Run Locust; its final statistics, {name: {"requests", "failures", "times"}}.

    The statistics come from its JSON report, written once every user has stopped (its CSV
    files are written before the last answers arrive, which would miss writes).
    """
    env = {**os.environ, "PRM_LOAD_DATA": json.dumps(data)}
    report = log_dir / "locust.json"
    command = [
        *(sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py")),
        *("--headless", "--host", stack.base_url, "--users", str(users)),
        *("--spawn-rate", str(users), "--run-time", f"{seconds}s"),
        # Requests under way when the time is up finish, so that every write is answered.
        *("--stop-timeout", "60", "--json-file", str(report.with_suffix(""))),
        *("--only-summary", "--loglevel", "WARNING"),
    ]
    with open(log_dir / "locust.log", "wb") as log:
        subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    stats = {}
    for entry in json.loads(report.read_text()):
        row = stats.setdefault(
            entry["name"], {"requests": 0, "failures": 0, "times": collections.Counter()}
        )
        row["requests"] += entry["num_requests"]
        row["failures"] += entry["num_failures"]
        row["times"].update({int(ms): n for ms, n in entry["response_times"].items()})
    return stats


def percentile(times, share):
    """The response time (ms, as Locust rounds them) below which `share` of them fall."""
    needed, seen = share * sum(times.values()), 0
    for ms in sorted(times):
        seen += times[ms]
        if seen >= needed:
            return ms
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("PRM_LOAD_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="the PostgreSQL server, without a database name",
    )
    parser.add_argument("--database", default="prm_load")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--web-workers", type=int, default=3, help="as in docker-compose.yml")
    parser.add_argument("--log-dir", type=Path, default=ROOT / "var" / "load-test")
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args(argv)
    if urllib.parse.urlsplit(args.postgres).hostname not in ("127.0.0.1", "localhost"):
        parser.error("--postgres: the load test runs on the loopback only")

    args.log_dir.mkdir(parents=True, exist_ok=True)
    for old in args.log_dir.glob("*"):
        old.unlink()
    print(f"Creating {args.database}, migrating and loading the demo data...", flush=True)
    drop = f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)'
    on_server(args.postgres, drop, f'CREATE DATABASE "{args.database}"')
    redis.Redis.from_url(args.redis_url).flushdb()  # no task left from an earlier run
    env = {
        **os.environ,
        "DATABASE_URL": f"{args.postgres.rstrip('/')}/{args.database}",
        "REDIS_URL": args.redis_url,
        "SECRET_KEY": "",  # generated by the stack
    }
    stack = ProductionStack(
        env=env, port=free_port(), log_dir=args.log_dir, web_workers=args.web_workers
    )
    try:
        stack.start(timeout=120)
        stack.manage("seed_demo", "-v0")
        data = load_data(stack)
        before = data.pop("rows")
        print(
            f"Stack up at {stack.base_url} (PIDs {stack.pids}); {args.users} users "
            f"for {args.seconds} s...",
            flush=True,
        )
        started = time.monotonic()
        stats = run_locust(
            stack, data, users=args.users, seconds=args.seconds, log_dir=args.log_dir
        )
        elapsed = time.monotonic() - started
        after = load_data(stack)["rows"]
        exited = stack.exited()
        health = stack.health()[0]
    finally:
        stack.stop()
        if not args.keep_database:
            on_server(args.postgres, drop)

    total = {
        "requests": sum(row["requests"] for row in stats.values()),
        "failures": sum(row["failures"] for row in stats.values()),
        "times": sum((row["times"] for row in stats.values()), collections.Counter()),
    }
    print(f"\n{'request':<34} {'count':>6} {'errors':>6} {'p50 ms':>7} {'p99 ms':>7}")
    for name, row in [*sorted(stats.items()), ("all", total)]:
        print(
            f"{name:<34} {row['requests']:>6} {row['failures']:>6} "
            f"{percentile(row['times'], 0.5):>7} {percentile(row['times'], 0.99):>7}"
        )
    print(
        f"{total['requests'] / args.seconds:.1f} requests/s over {args.seconds} s "
        f"({elapsed:.0f} s with the last answers), {args.users} users"
    )
    ok = total["failures"] == 0 and total["requests"] > 0 and not exited and health == 200
    saved_in_all = 0
    for name, table in WRITES.items():
        row = stats.get(name, {"requests": 0, "failures": 0})
        saved = row["requests"] - row["failures"]
        found = after[table] - before[table]
        print(f"{name}: {saved} saved as Locust counts, {found} new rows in the database")
        ok = ok and saved == found
        saved_in_all += saved
    if not saved_in_all:
        ok = False
        print("FAILED: no write was made; a longer run is needed")
    if total["failures"]:
        print(f"FAILED: {total['failures']} request(s); errors in {args.log_dir}/locust.log")
    if exited:
        print(f"FAILED: {', '.join(exited)} ended during the run (logs in {args.log_dir})")
    if health != 200:
        print(f"FAILED: /healthz answered {health} after the run")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
