"""`make bench`: PRM's key pages at scale, measured on this machine, into docs/BENCHMARKS.md.

1. Builds the large data set (`seed_demo --scale 50`: about 2,000 distributors) in its own
   PostgreSQL database, prm_bench, or reuses it when it already holds the data the current
   seed would build (the database's comment records what was seeded and how long it took),
   then vacuums and analyzes it.
2. Counts each page's SQL queries with Django's test client in this process, and runs
   EXPLAIN (ANALYZE, BUFFERS) on the three slowest SELECTs among them.
3. Starts gunicorn with production settings on the loopback (scripts/production_stack.py)
   and measures each page with wrk as a signed-in user (a session from a real login),
   against the floor: a short template without database access (/bench/floor/).
4. Times the nightly jobs over every distributor: the cadence scan and the signal
   snapshot, each in a transaction rolled back afterwards.
5. Runs bench/load_test.py when it is there, and writes the report.

Every process started here is stopped by its PID, also after a failure or Ctrl-C.
"""

import argparse
import hashlib
import http.cookiejar
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.production_stack import ProductionStack, group_members  # noqa: E402

POSTGRES = "postgres://postgres@127.0.0.1:5432"
PASSWORD = "prm-demo"  # distributors/demo.py's, read here without importing Django yet
# Whatever changes the data set the seed builds: a change to one of these seeds afresh.
SEED_SOURCES = ("distributors/demo.py", "figures/demo.py")
# The targets (#11 point 4), at 8 concurrent connections.
MIN_FLOOR_RATIO = 0.25
MAX_P99_MS = 300
NIGHTLY_MAX_SECONDS = 2
SEED_MAX_SECONDS = 300
BENCH_NOTE = "make bench: a touchpoint logged by the load tool, deleted afterwards."
WRK_INSTALL = "wrk is missing: apt-get install -y wrk"
# gunicorn's own timeout is 30 s: a slower request is cut off there anyway.
WRK_TIMEOUT_SECONDS = 30


@dataclass
class Page:
    key: str
    label: str
    user: str | None  # who is signed in; None: nobody (the floor)
    path: str
    method: str = "GET"
    body: dict | None = None
    queries: int | None = None
    alone_ms: float | None = None  # one request through the test client, nothing else running
    first_ms: float | None = None  # the first such request: what a process keeps is computed
    result: dict = field(default_factory=dict)


@dataclass
class Seed:
    reused: bool
    seconds: float
    peak_rss_kb: int
    counts: dict


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="prm_bench", help="must start with prm_bench")
    parser.add_argument("--scale", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=10, help="wrk's duration per page")
    parser.add_argument("--warm-up", type=int, default=2, help="seconds per page not measured")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--web-workers", type=int, default=3, help="as docker-compose.yml")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--reseed", action="store_true", help="drop and build the data again")
    parser.add_argument("--no-load-test", action="store_true")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    if not args.database.startswith("prm_bench"):
        parser.error("--database must start with prm_bench: it is dropped when stale.")
    return args


def say(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


def check_services(args):
    """PostgreSQL and Redis must answer on the loopback; say how to start them otherwise."""
    import psycopg2
    import redis

    try:
        admin_sql("SELECT 1")
        redis.Redis.from_url(args.redis_url, socket_timeout=5).ping()
    except (psycopg2.Error, redis.RedisError) as error:
        sys.exit(
            f"bench: PostgreSQL (postgres@127.0.0.1:5432) and Redis ({args.redis_url}) must "
            f"answer; `bash .ci/run` starts both. {type(error).__name__}: {error}"
        )


# -- the database ------------------------------------------------------------------------------


def admin_sql(query, params=None, database="postgres"):
    """Run one statement outside a transaction (CREATE DATABASE needs that); its rows."""
    import psycopg2

    conn = psycopg2.connect(f"{POSTGRES}/{database}")
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall() if cursor.description else []
    finally:
        conn.close()


def seed_fingerprint(scale):
    digest = hashlib.sha256(f"scale={scale}".encode())
    for name in SEED_SOURCES:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:16]


def database_comment(name):
    """(what the database's comment records, whether the database exists)."""
    rows = admin_sql(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        (name,),
    )
    if not rows:
        return {}, False
    try:
        return json.loads(rows[0][0] or "{}"), True
    except ValueError:
        return {}, True


def recreate_database(name, exists):
    from psycopg2 import sql

    if exists:
        admin_sql(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
    admin_sql(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def record_seed(name, comment):
    from psycopg2 import sql

    admin_sql(
        sql.SQL("COMMENT ON DATABASE {} IS {}").format(
            sql.Identifier(name), sql.Literal(json.dumps(comment))
        )
    )


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def run_measured(command, env):
    """Run `command`, its output passed through; (wall seconds, peak RSS in kB) of it."""
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        _pid, status, usage = os.wait4(process.pid, 0)
    except BaseException:
        process.kill()
        process.wait()
        raise
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return time.monotonic() - started, usage.ru_maxrss  # kB on Linux


def prepare_database(args, env):
    """Migrate and, unless this seed's data is there already, seed; the seed's figures."""
    fingerprint = seed_fingerprint(args.scale)
    comment, exists = database_comment(args.database)
    reuse = exists and not args.reseed and comment.get("fingerprint") == fingerprint
    if not reuse:
        say(f"creating the database {args.database}")
        recreate_database(args.database, exists)
    manage(env, "migrate", "--noinput", "-v0")
    if reuse:
        say(f"reusing the data of scale {args.scale} in {args.database}")
        return Seed(True, comment["seconds"], comment["peak_rss_kb"], comment["counts"])
    say(f"seeding scale {args.scale}")
    command = [sys.executable, "manage.py", "seed_demo", "--scale", str(args.scale), "-v1"]
    seconds, rss = run_measured(command, env)
    counts = table_counts(args.database)
    record_seed(
        args.database,
        {"fingerprint": fingerprint, "seconds": seconds, "peak_rss_kb": rss, "counts": counts},
    )
    return Seed(False, seconds, rss, counts)


COUNTED_TABLES = {
    "distributors": "distributors_distributor",
    "contacts": "distributors_contact",
    "touchpoints": "meetings_touchpoint",
    "meetings": "meetings_alignmentmeeting",
    "agenda items": "meetings_agendaitem",
    "action items": "meetings_actionitem",
    "goals": "milestones_goal",
    "milestones": "milestones_milestone",
    "milestone evaluations": "milestones_milestoneevaluation",
    "feedback": "distributors_feedback",
}


def table_counts(database):
    return {
        label: admin_sql(f"SELECT count(*) FROM {table}", database=database)[0][0]  # noqa: S608
        for label, table in COUNTED_TABLES.items()
    }


# -- Django in this process: targets, query counts, plans, nightly jobs ----------------------


def setup_django(env):
    os.environ.update(env)
    # The test client's host; the server started below does not get it.
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "prm.settings"
    import django

    django.setup()


def choose_pages():
    """The pages of the issue, on objects that make them work hard (the busiest ones)."""
    from django.db.models import Count, Q

    from distributors.models import Distributor, Prefecture
    from meetings.models import AlignmentMeeting
    from prm.models import User

    manager = User.objects.get(username="manager")
    distributor = (
        Distributor.objects.filter(account_manager=manager, status=Distributor.Status.ACTIVE)
        .annotate(n=Count("touchpoints"))
        .order_by("-n", "pk")
        .first()
    )
    meeting = (
        AlignmentMeeting.objects.filter(
            distributors=distributor, status=AlignmentMeeting.Status.HELD
        )
        .annotate(items=Count("agenda_items", distinct=True) + Count("action_items", distinct=True))
        .order_by("-items", "-starts_at")
        .first()
    )
    # The prefecture most distributors cover: the longest filtered list.
    prefecture = (
        Prefecture.objects.annotate(
            n=Count("distributors", filter=Q(distributors__archived_at=None))
        )
        .order_by("-n", "pk")
        .first()
    )
    contact = distributor.contacts.order_by("pk").first()
    from django.utils import timezone

    post = {
        "distributor": distributor.pk,
        "kind": "call",
        "occurred_on": timezone.localdate().isoformat(),
        "contacts": contact.pk,
        "staff": manager.pk,
        "mood": "neutral",
        "notes": BENCH_NOTE,
        "unspoken_concerns": "",
        "follow_up": "",
        "follow_up_owner_side": "ours",
        "follow_up_due_on": "",
    }
    d = distributor.pk
    pages = [
        Page("floor", "Floor: short template, no database", None, "/bench/floor/"),
        # Not a target: what any signed-in page costs before its own work (its session,
        # user and roles read by the middleware), against which the pages compare.
        Page("floor_signed_in", "Floor, signed in", "manager", "/bench/floor/"),
        Page("home", "Home (My week)", "manager", "/my-week/"),
        Page("list", "Distributor list", "manager", "/distributors/"),
        Page(
            "list_prefecture",
            f"Distributor list, {prefecture.name_en}",
            "manager",
            f"/distributors/?prefecture={prefecture.pk}",
        ),
        Page("distributor", "Distributor page", "manager", f"/distributors/{d}/"),
        Page("timeline", "Timeline, page 10", "manager", f"/distributors/{d}/timeline/?page=10"),
        Page("meeting", "Meeting page", "manager", f"/meetings/{meeting.pk}/"),
        Page("portfolio", "Executive portfolio", "executive", "/portfolio/"),
        Page("trends", "Trends", "executive", "/dashboard/trends/"),
        Page("portal", "Portal home", "partner", "/portal/"),
        Page(
            "touchpoint_post",
            "Log a touchpoint (POST)",
            "manager",
            "/touchpoints/new/",
            method="POST",
            body=post,
        ),  # fmt: skip
    ]
    subject = {
        "distributor": f"{distributor} (pk {d}, {distributor.n} touchpoints)",
        "meeting": f"{meeting} (pk {meeting.pk})",
        "prefecture": f"{prefecture.name_en} ({prefecture.n} distributors)",
    }
    return pages, subject


def count_queries(pages):
    """Each page's query count, from one request after a first one; the SELECTs seen."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from prm.models import User

    selects = {}
    for page in pages:
        client = Client()
        if page.user:
            client.force_login(User.objects.get(username=page.user))
        headers = {"HX-Request": "true"} if page.method == "POST" else {}
        send = client.post if page.method == "POST" else client.get
        started = time.perf_counter()
        send(page.path, page.body, headers=headers)  # caches and connection warm
        page.first_ms = (time.perf_counter() - started) * 1000
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = send(page.path, page.body, headers=headers)
            page.alone_ms = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{page.path} answered {response.status_code} to the test client")
        page.queries = len(captured.captured_queries)
        say(
            f"{page.label:<42} {page.queries:3d} queries, {page.alone_ms:7.0f} ms alone, "
            f"{page.first_ms:7.0f} ms the first time"
        )
        for query in captured.captured_queries:
            sql = query["sql"]
            if sql.lstrip().upper().startswith("SELECT"):
                seconds = float(query["time"])
                if seconds > selects.get(sql, (0, None))[0]:
                    selects[sql] = (seconds, page.label)
    delete_bench_touchpoints()
    return selects


def explain_heaviest(selects, n=3):
    """EXPLAIN (ANALYZE, BUFFERS) of the `n` slowest distinct SELECTs: (page, sql, plan)."""
    from django.db import connection

    plans = []
    heaviest = sorted(selects.items(), key=lambda item: item[1][0], reverse=True)[:n]
    for sql, (_seconds, label) in heaviest:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        plans.append((label, sql, plan))
    return plans


def delete_bench_touchpoints():
    from meetings.models import Touchpoint

    Touchpoint.objects.filter(notes=BENCH_NOTE).delete()
    # Deleting records history too: none of it belongs in the data set.
    Touchpoint.history.filter(notes=BENCH_NOTE).delete()


def nightly_jobs():
    """(name, distributors, queries, seconds, rows) of the cadence scan and the snapshot,
    each as a first run of the day, rolled back afterwards."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from dashboard.services import do_snapshot_signals
    from distributors.models import Distributor
    from meetings.reminders import do_scan_cadences
    from prm import japan_calendar

    today = japan_calendar.today()
    active = Distributor.objects.active().count()
    results = []
    for name, job in (
        ("Cadence scan (do_scan_cadences)", lambda: len(do_scan_cadences(today))),
        ("Nightly signal snapshot (do_snapshot_signals)", lambda: do_snapshot_signals(today)),
    ):
        with transaction.atomic():
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                rows = job()
                seconds = time.perf_counter() - started
            transaction.set_rollback(True)
        results.append((name, active, len(captured.captured_queries), seconds, rows))
    return results


FIGURE_IMPORT_ROWS = 10_000
FIGURE_IMPORT_MAX_SECONDS = 10  # issue #8


def figure_import():
    """(rows, errors, read seconds, save seconds, SaveResult) of a 10,000-row figures file
    read and saved through the import's own services, as the import page does, rolled back
    afterwards."""
    import csv
    import io

    from django.db import transaction

    from distributors.models import Distributor
    from figures import services
    from figures.imports import read_figure_file
    from figures.models import FigureKind
    from figures.selectors import entries_of
    from prm import japan_calendar
    from prm.models import User

    today = japan_calendar.today()
    kinds = list(FigureKind.objects.order_by("code").values_list("code", flat=True))
    months = 20
    per_distributor = len(kinds) * months
    codes = Distributor.objects.order_by("code").values_list("code", flat=True)
    codes = codes[: -(-FIGURE_IMPORT_ROWS // per_distributor)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["distributor code", "month", "figure", "category", "value"])
    first_month = today.replace(day=1)
    for code in codes:
        for kind in kinds:
            for back in range(months):
                year, month = divmod(first_month.year * 12 + first_month.month - 1 - back, 12)
                writer.writerow([code, f"{year}-{month + 1:02d}", kind, "", f"{back + 1:,}"])
    content = out.getvalue().encode()
    manager = User.objects.filter(managed_distributors__isnull=False).first()
    with transaction.atomic():
        started = time.perf_counter()
        parsed = read_figure_file("bench.csv", content, today=today)
        read = time.perf_counter() - started
        started = time.perf_counter()
        saved = services.do_save_figures(entries_of(parsed.rows), user=manager, source="import")
        save = time.perf_counter() - started
        transaction.set_rollback(True)
    return len(parsed.rows), len(parsed.errors), read, save, saved


# -- the server and wrk ---------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def login(base_url, username):
    """The cookies of a real login through the login form: {name: value}."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base_url}/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    request = urllib.request.Request(
        f"{base_url}/login/",
        data=urllib.parse.urlencode(form).encode(),
        headers={"Origin": base_url, "Referer": f"{base_url}/login/"},
    )
    opener.open(request, timeout=30)
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise RuntimeError(f"Logging in as {username} failed.")
    return cookies


def request_headers(base_url, page, cookies):
    headers = {}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if page.method == "POST":
        headers.update(
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": cookies["csrftoken"],
                "Origin": base_url,
                "Referer": f"{base_url}/my-week/",
                # The quick form on Home posts with htmx: the answer is the form again.
                "HX-Request": "true",
            }
        )
    return headers


def check_page(base_url, page, headers):
    """One request as wrk will send it: it must answer 200, not a redirect to the login."""
    data = urllib.parse.urlencode(page.body).encode() if page.body else None
    request = urllib.request.Request(
        base_url + page.path, data=data, headers=headers, method=page.method
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=WRK_TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 200:
        raise RuntimeError(f"{page.method} {page.path} as {page.user} answered {status}")


WRK_SCRIPT = """
wrk.method = %(method)s
wrk.body = %(body)s
%(headers)s
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH-JSON {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"errors\\": %%d, " ..
    "\\"status_errors\\": %%d, \\"timeouts\\": %%d, \\"p50_us\\": %%d, \\"p99_us\\": %%d, " ..
    "\\"max_us\\": %%d}\\n",
    summary.requests, summary.duration, e.connect + e.read + e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def lua_string(text):
    return json.dumps(text)  # a JSON string is a valid Lua string literal for this text


def run_wrk(url, page, headers, args, work_dir, seconds=None):
    if seconds is None:
        seconds = args.seconds
    script = Path(work_dir) / f"{page.key}.lua"
    body = urllib.parse.urlencode(page.body) if page.body else ""
    script.write_text(
        WRK_SCRIPT
        % {
            "method": lua_string(page.method),
            "body": lua_string(body) if body else "nil",
            "headers": "\n".join(
                f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items()
            ),
        }
    )
    command = ["wrk", "-t1", f"-c{args.connections}", f"-d{seconds}s"]
    command += ["--timeout", f"{WRK_TIMEOUT_SECONDS}s"]
    command += ["--latency", "-s", str(script), url]
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    found = re.search(r"^BENCH-JSON (.*)$", output, re.MULTILINE)
    if not found:
        raise RuntimeError(f"wrk printed no summary:\n{output}")
    result = json.loads(found.group(1))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    if not result["requests"]:  # wrk's percentiles of nothing are 0
        result["p50_us"] = result["p99_us"] = None
        result["note"] = f"no request answered within {WRK_TIMEOUT_SECONDS} s"
    return result


def unmeasured(reason):
    return {"rps": 0.0, "p50_us": None, "p99_us": None, "requests": 0, "errors": 0,
            "status_errors": 0, "timeouts": 0, "note": reason}  # fmt: skip


def wait_until_idle(timeout=120):
    """Wait until no gunicorn worker is inside a request, so that the requests a page left
    running (wrk stops, the server finishes them) do not slow the next page down.

    A request holds a database connection from its first query to its end (each view runs
    in a transaction): the workers are idle when no connection but this process's is busy.
    """
    from django.db import connection

    quiet, deadline = 0, time.monotonic() + timeout
    while quiet < 3 and time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
                "AND state <> 'idle'"
            )
            busy = cursor.fetchone()[0]
        quiet = 0 if busy else quiet + 1
        time.sleep(0.3)
    return quiet >= 3


def worker_peak_rss_kb(master_pid):
    """The largest VmHWM (peak RSS) among gunicorn's workers: the master's group but it."""
    peak = 0
    for pid in group_members(master_pid) - {master_pid}:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        if found:
            peak = max(peak, int(found.group(1)))
    return peak


def measure_pages(args, env, pages, log_dir):
    stack = ProductionStack(
        env=env, port=free_port(), log_dir=log_dir, processes=("web",),
        web_workers=args.web_workers,
    )  # fmt: skip
    rss = 0
    with stack, tempfile.TemporaryDirectory(prefix="prm-bench-") as work_dir:
        base = stack.base_url
        master = stack.pids["web"]
        say(f"gunicorn ({args.web_workers} workers) at {base}, PID {master}")
        sessions = {user: login(base, user) for user in {p.user for p in pages if p.user}}
        try:
            for page in pages:
                headers = request_headers(base, page, sessions.get(page.user))
                try:
                    check_page(base, page, headers)
                except (RuntimeError, OSError) as error:
                    # A page too slow for gunicorn's timeout is a figure too, not the end.
                    page.result = unmeasured(f"not measured: {error}")
                else:
                    # Not measured: every worker's connection opened and what it keeps
                    # computed, whose cost the "first ms" column reports.
                    if args.warm_up:
                        run_wrk(base + page.path, page, headers, args, work_dir, args.warm_up)
                    page.result = run_wrk(base + page.path, page, headers, args, work_dir)
                if not wait_until_idle():
                    page.result["note"] = (
                        page.result.get("note", "") + " requests still running 2 min after"
                    ).strip()
                if page.key == "floor" and not page.result["requests"]:
                    raise RuntimeError(f"The floor failed ({page.result['note']}).")
                rss = max(rss, worker_peak_rss_kb(master))
                r = page.result
                say(
                    f"{page.label:<42} {r['rps']:8.1f} req/s  p50 {ms(r['p50_us'])}  "
                    f"p99 {ms(r['p99_us'])}  {r.get('note', '')}"
                )
        finally:
            delete_bench_touchpoints()
    return rss


# -- the load test, the machine, the report ------------------------------------------------


def run_load_test():
    script = ROOT / "bench" / "load_test.py"
    if not script.exists():
        return None
    say("running bench/load_test.py --seconds 60 --users 20")
    result = subprocess.run(
        [sys.executable, str(script), "--seconds", "60", "--users", "20"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return result.returncode, (result.stdout + result.stderr).strip()


def machine():
    from django.db import connection

    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    import django

    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory": f"{int(memory.group(1)) / 1024 / 1024:.1f} GiB" if memory else "unknown",
        "postgres": postgres,
        "python": platform.python_version(),
        "django": django.get_version(),
        "wrk": wrk_version(),
    }


def wrk_version():
    """wrk's version ("wrk debian/4.1.0-3+b2"), without the copyright on the same line."""
    output = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    return output.split("[", 1)[0].strip()


def git_revision():
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout

    revision = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    return revision + (" with uncommitted changes" if git("status", "--porcelain").strip() else "")


def ms(us):
    return "—" if us is None else f"{us / 1000:.1f}"


def page_rows(pages):
    floor = pages[0].result["rps"]
    rows = []
    for page in pages:
        r = page.result
        ratio = r["rps"] / floor
        is_floor = page.key.startswith("floor")
        fast = r["p99_us"] is not None and r["p99_us"] < MAX_P99_MS * 1000
        passed = is_floor or (ratio >= MIN_FLOOR_RATIO and fast)
        failures = r["errors"] + r["status_errors"] + r["timeouts"]
        rows.append((page, r, ratio, "—" if is_floor else ("pass" if passed else "FAIL"), failures))
    return rows


def why_slow(page, ratio, connections, floor, cores):
    """Where a page that misses its targets loses its time, from the figures measured.

    `floor`: the floor's page and the floor asked for by a signed-in user (Page, Page).
    """
    reasons = []
    p99_us = page.result["p99_us"]
    if p99_us is None or p99_us >= MAX_P99_MS * 1000:
        if page.alone_ms >= MAX_P99_MS:
            reasons.append(
                f"one request takes {page.alone_ms:.0f} ms with nothing else running: the "
                f"page's own work ({page.queries} queries and their rendering) is over the "
                "p99 budget."
            )
        else:
            # Little's law: with every connection always waiting on a request, a request
            # takes connections / throughput, most of it queued behind the others.
            queued_ms = connections * 1000 / page.result["rps"] if page.result["rps"] else 0
            reasons.append(
                f"p99 {ms(p99_us)} ms: one request alone takes {page.alone_ms:.0f} ms "
                f"({page.queries} queries and their rendering), and {connections} connections "
                "queue for the workers and the database on the same cores: at "
                f"{page.result['rps']:.0f} req/s a request takes {queued_ms:.0f} ms on average, "
                "waiting included."
            )
    if ratio < MIN_FLOOR_RATIO:
        empty, signed_in = floor
        target_rps = MIN_FLOOR_RATIO * empty.result["rps"]
        # The cores' time per request that the target leaves, everything included: the
        # web worker's, PostgreSQL's and wrk's.
        budget_ms = cores * 1000 / target_rps
        used_ms = cores * 1000 / signed_in.result["rps"] if signed_in.result["rps"] else None
        reasons.append(
            f"{ratio:.0%} of the floor's throughput. {MIN_FLOOR_RATIO:.0%} of the floor is "
            f"{target_rps:.0f} req/s: {budget_ms:.1f} ms of the {cores} cores per request, "
            "the database's and wrk's share included"
            + (
                f", of which an empty page asked for by a signed-in user (its session, user "
                f"and roles read) already takes {used_ms:.1f} ms"
                if used_ms is not None
                else ""
            )
            + f"; this page alone takes {page.alone_ms:.0f} ms."
        )
    return " ".join(reasons)


def print_table(pages):
    print(f"\n{'page':<42} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'floor':>6} "
          f"{'SQL':>4} {'alone ms':>9} {'first ms':>9}  target")  # fmt: skip
    for page, r, ratio, verdict, _failures in page_rows(pages):
        print(
            f"{page.label:<42} {r['rps']:8.1f} {ms(r['p50_us']):>8} {ms(r['p99_us']):>8} "
            f"{ratio:6.0%} {page.queries:>4} {page.alone_ms:9.0f} {page.first_ms:9.0f}  {verdict}"
        )


def write_report(path, ctx):
    args, pages, seed = ctx["args"], ctx["pages"], ctx["seed"]
    m = ctx["machine"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (bench/run.py); run it again to refresh every figure. It",
        f"builds (or reuses) `seed_demo --scale {args.scale}` in the PostgreSQL database "
        f"`{args.database}`, starts",
        "gunicorn with production settings on the loopback (scripts/production_stack.py,",
        f"{args.web_workers} sync workers, as docker-compose.yml) and loads each page with wrk: "
        f"{args.connections} connections",
        f"for {args.seconds} s per page, after {args.warm_up} s not measured, signed in "
        "through the login form. The",
        "floor is `/bench/floor/`, a short template through every middleware without a "
        "query, asked for",
        "without a session.",
        "",
        f"Run of {ctx['started']:%Y-%m-%d %H:%M} UTC on {git_revision()}; the whole run took "
        f"{ctx['total_seconds'] / 60:.1f} minutes.",
        "",
        "## Machine",
        "",
        f"- {m['cores']} cores ({m['cpu']}), {m['memory']} memory",
        f"- PostgreSQL {m['postgres']}, Python {m['python']}, Django {m['django']}, {m['wrk']}",
        f"- Load average before the run: {ctx['load_before']}; after: {ctx['load_after']}. "
        "wrk, gunicorn and",
        "  PostgreSQL share these cores; other work on the machine lowers every figure.",
        "",
        "## Data set",
        "",
        f"`seed_demo --scale {args.scale}`: "
        + ", ".join(f"{n:,} {label}" for label, n in seed.counts.items())
        + ".",
        "",
        f"- Seed wall time: {seed.seconds:.0f} s (target: under {SEED_MAX_SECONDS} s: "
        f"{'pass' if seed.seconds < SEED_MAX_SECONDS else 'FAIL'}); peak RSS of the seed "
        f"process: {seed.peak_rss_kb / 1024:.0f} MB"
        + (" (measured when it was built; this run reused it)." if seed.reused else "."),
        "- Vacuumed and analyzed before the pages are measured, as autovacuum keeps a",
        "  database in service (it may be off on a developer's PostgreSQL).",
        "",
        "## Pages",
        "",
        f"Targets (issue #11): throughput at least {MIN_FLOOR_RATIO:.0%} of the floor's and p99 "
        f"under {MAX_P99_MS} ms at {args.connections} connections. SQL: the queries of one "
        "request",
        "(Django's test client on the same data, after a first request), session and user "
        "included;",
        "alone: that request's time, with no other request running; first: the page's first "
        "request there, which",
        "for Home, the portfolio and the trends computes what a process then keeps until a "
        "change commits",
        "(prm/signal_inputs.py): every web process pays it once after each change. A dash: "
        "no request of the",
        "run answered. Floor, signed in: the floor's page asked",
        "for as a signed-in user, whose session, user and roles the middleware reads, as for "
        "every other page:",
        "what a signed-in page costs before its own work.",
        "",
        "| page | address | req/s | p50 ms | p99 ms | of floor | SQL | alone ms | first ms "
        "| target |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    bad = []
    for page, r, ratio, verdict, failures in page_rows(pages):
        lines.append(
            f"| {page.label} | `{page.method} {page.path}` | {r['rps']:.1f} | "
            f"{ms(r['p50_us'])} | {ms(r['p99_us'])} | {ratio:.0%} | {page.queries} | "
            f"{page.alone_ms:.0f} | {page.first_ms:.0f} | {verdict} |"
        )
        if failures:
            bad.append(f"{page.label}: {failures} failed request(s) of {r['requests']}")
        if r.get("note"):
            bad.append(f"{page.label}: {r['note']}")
    lines += [
        "",
        "Objects: distributor "
        + ctx["subject"]["distributor"]
        + "; meeting "
        + ctx["subject"]["meeting"]
        + "; prefecture "
        + ctx["subject"]["prefecture"]
        + ". Home and the lists as `manager`, the portfolio and trends as `executive`, the"
        " portal as `partner`. The touchpoint POST is the quick form of Home (htmx); the"
        " touchpoints it adds are deleted afterwards.",
        "",
        f"Peak RSS of a gunicorn worker during the run: {ctx['worker_rss_kb'] / 1024:.0f} MB.",
        "",
    ]
    rows = page_rows(pages)
    failing = [(p, ratio) for p, _r, ratio, verdict, _f in rows if verdict == "FAIL"]
    floor = (pages[0], next(p for p in pages if p.key == "floor_signed_in"))
    if failing:
        lines += ["**Targets not met**, and where the time goes:", ""]
        lines += [
            f"- {page.label}: {why_slow(page, ratio, args.connections, floor, m['cores'])}"
            for page, ratio in failing
        ]
    else:
        lines.append("All pages meet both targets.")
    busy = float(ctx["load_before"].split()[0])
    if busy > m["cores"]:
        lines += [
            "",
            f"The machine was busy with other work during this run (load average {busy:.1f} "
            f"on {m['cores']} cores): every figure, the floor's included, is lower than on an "
            "idle machine, and the ratios to the floor are the figures to compare between runs.",
        ]
    if bad:
        lines += ["", "**Failed or unmeasured:** " + "; ".join(bad) + "."]
    lines += [
        "",
        "## Nightly jobs",
        "",
        f"Target: a fixed number of queries and under {NIGHTLY_MAX_SECONDS} s each. Each ran "
        "once as the first run of the",
        "day would, in a transaction rolled back afterwards.",
        "",
        "| job | active distributors | SQL | seconds | rows written | target |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, active, queries, seconds, rows in ctx["nightly"]:
        verdict = "pass" if seconds < NIGHTLY_MAX_SECONDS else "FAIL"
        lines.append(f"| {name} | {active:,} | {queries} | {seconds:.2f} | {rows:,} | {verdict} |")
    rows, errors, read, save, saved = ctx["figure_import"]
    verdict = "pass" if read + save < FIGURE_IMPORT_MAX_SECONDS and not errors else "FAIL"
    lines += [
        "",
        "## Import of 10,000 figures (issue #8)",
        "",
        f"Target: under {FIGURE_IMPORT_MAX_SECONDS} s. A file of {rows:,} rows (one per "
        "distributor, figure kind and month) read and checked, then saved, through the "
        "import's own services, in a transaction rolled back afterwards.",
        "",
        "| rows | errors | read s | save s | total s | new | changed | unchanged | target |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        f"| {rows:,} | {errors} | {read:.2f} | {save:.2f} | {read + save:.2f} "
        f"| {saved.created:,} | {saved.changed:,} | {saved.unchanged:,} | {verdict} |",
    ]
    lines += [
        "",
        "## The three heaviest queries",
        "",
        "The slowest SELECTs among those of the pages above (by their time in the counted "
        "request),",
        "with `EXPLAIN (ANALYZE, BUFFERS)` on the same data.",
    ]
    for i, (label, sql, plan) in enumerate(ctx["plans"], start=1):
        lines += ["", f"### {i}. {label}", "", "```sql", sql, "```", "", "```", plan, "```"]
    load = ctx["load_test"]
    lines += ["", "## Load test (issue #10 point 9)", ""]
    if load is None:
        lines.append("bench/load_test.py is not there yet: not run.")
    else:
        code, output = load
        lines += [
            "`python bench/load_test.py --seconds 60 --users 20`"
            + ("" if code == 0 else f", which exited with status {code}")
            + ":",
            "",
            "```",
            output[-6000:],
            "```",
        ]
    path.write_text("\n".join(lines) + "\n")


# -- main ------------------------------------------------------------------------------------


def main(argv=None):
    args = parse_args(argv)
    if not shutil.which("wrk"):
        sys.exit(WRK_INSTALL)

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    check_services(args)
    started, clock = datetime.now(UTC), time.monotonic()
    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    env = {
        **os.environ,
        "DATABASE_URL": f"{POSTGRES}/{args.database}",
        "REDIS_URL": args.redis_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    seed = prepare_database(args, env)
    # What autovacuum does to a database in service: without it (it is off on some machines,
    # this one among them) the bulk-loaded tables have no visibility map, and every
    # index-only scan reads the table as well.
    say(f"vacuuming {args.database}")
    admin_sql("VACUUM (ANALYZE)", database=args.database)
    setup_django(env)
    pages, subject = choose_pages()
    say("counting each page's queries")
    selects = count_queries(pages)
    plans = explain_heaviest(selects)
    say("timing the cadence scan and the signal snapshot")
    nightly = nightly_jobs()
    say("timing an import of 10,000 figures")
    imported = figure_import()
    say(f"loading each page for {args.seconds} s with {args.connections} connections")
    worker_rss = measure_pages(args, env, pages, ROOT / "var" / "bench")
    load_test = None if args.no_load_test else run_load_test()
    print_table(pages)
    for name, _active, queries, seconds, rows in nightly:
        print(f"{name}: {queries} queries, {seconds:.2f} s, {rows} rows")
    rows, errors, read, save, saved = imported
    print(f"Figures import: {rows} rows, {errors} errors, read {read:.2f} s, saved {save:.2f} s")
    print(
        f"Peak RSS: gunicorn worker {worker_rss / 1024:.0f} MB, "
        f"seed {seed.peak_rss_kb / 1024:.0f} MB"
    )
    write_report(
        args.output,
        {
            "args": args,
            "pages": pages,
            "seed": seed,
            "subject": subject,
            "machine": machine(),
            "started": started,
            "total_seconds": time.monotonic() - clock,
            "load_before": load_before,
            "load_after": " ".join(f"{x:.1f}" for x in os.getloadavg()),
            "nightly": nightly,
            "figure_import": imported,
            "plans": plans,
            "worker_rss_kb": worker_rss,
            "load_test": load_test,
        },
    )
    say(f"wrote {args.output} in {(time.monotonic() - clock) / 60:.1f} minutes")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
