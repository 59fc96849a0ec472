"""PRM's production process layout on this machine, without Docker.

The processes of docker-compose.yml, started the same way: `migrate`, then gunicorn
(prm.wsgi), a Celery worker and Celery beat (django-celery-beat's DatabaseScheduler),
against a PostgreSQL and a Redis that are already running, with production settings.
Each process runs in its own process group and is stopped by its PID with everything it
started. Used by tests/test_production_layout.py and bench/load_test.py, or by hand:

    python scripts/production_stack.py --database-url postgres://postgres@127.0.0.1/prm_stack \\
        --redis-url redis://127.0.0.1:6379/3 --port 8000

runs until Ctrl-C or SIGTERM. Only the standard library here: the processes import Django.
"""

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC_MANIFEST = ROOT / "staticfiles" / "staticfiles.json"
PROCESSES = ("web", "worker", "beat")


class Process:
    """A child process in its own process group, stopped with everything it started."""

    def __init__(self, args, env, log_path):
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self.popen = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self):
        return self.popen.pid

    def output(self):
        return Path(self.log_path).read_text(errors="replace")

    def wait_for_output(self, text, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return True
            if self.popen.poll() is not None:
                break
            time.sleep(0.2)
        return text in self.output()

    def stop(self, timeout=30):
        """SIGTERM the whole group, wait until every process in it is gone, then SIGKILL."""
        group = self.popen.pid
        _signal_group(group, signal.SIGTERM)
        if not wait_until(lambda: not _group_alive(group, self.popen), timeout):
            _signal_group(group, signal.SIGKILL)
            wait_until(lambda: not _group_alive(group, self.popen), 10)
        self._log.close()


def _signal_group(group, sig):
    try:
        os.killpg(group, sig)
    except ProcessLookupError:
        pass


def _group_alive(group, popen):
    popen.poll()  # reap the leader, or the group looks alive through its zombie
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def group_members(group):
    """The PIDs of the processes in process group `group` (Linux /proc), zombies included."""
    members = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name, in parentheses, may hold spaces: the fields follow its end.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[2]) == group:
            members.add(int(stat.parent.name))
    return members


def free_port():
    """A TCP port on the loopback that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def production_env(env, base_url):
    """`env` with the settings of docker-compose.yml's services, for plain http on loopback."""
    env = dict(env)
    if not env.get("SECRET_KEY"):
        env["SECRET_KEY"] = secrets.token_urlsafe(50)
    if env.get("REDIS_URL"):
        # As in docker-compose.yml: the broker is REDIS_URL, not a CELERY_BROKER_URL that the
        # calling shell may hold for another Redis database.
        env["CELERY_BROKER_URL"] = env["REDIS_URL"]
    env.update(
        {
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "CONN_MAX_AGE": env.get("CONN_MAX_AGE") or "60",
            # In production a TLS proxy sits in front (docs/DEPLOYMENT.md); here clients speak
            # plain http to gunicorn on the loopback. Cookies marked Secure would never be
            # sent back over http, so nobody could log in, and a redirect to https would
            # lead nowhere. Every other production setting stays as it is.
            "SECURE_COOKIES": "false",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_PROXY_SSL": "false",
            "PRM_SITE_URL": env.get("PRM_SITE_URL") or base_url,
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


class ProductionStack:
    """web (gunicorn), worker and beat, as docker-compose.yml runs them.

    `env` is the whole environment of the processes (DATABASE_URL and REDIS_URL at least);
    production_env() adds the production settings. Logs go to `log_dir`, one file each.
    """

    def __init__(self, *, env, port, log_dir, processes=PROCESSES, web_workers=2):
        unknown = set(processes) - set(PROCESSES)
        if unknown:
            raise ValueError(f"Unknown process(es): {', '.join(sorted(unknown))}")
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self.log_dir = Path(log_dir)
        self.processes = tuple(processes)
        self.web_workers = web_workers
        self.env = production_env(env, self.base_url)
        self._started = {}

    @property
    def pids(self):
        """{name: PID} of the processes started, also after they were stopped."""
        return {name: process.pid for name, process in self._started.items()}

    def _command(self, name):
        python = sys.executable
        return {
            "web": [
                *(python, "-m", "gunicorn", "prm.wsgi:application"),
                *("--bind", f"127.0.0.1:{self.port}", "--workers", str(self.web_workers)),
                *("--access-logfile", "-"),
            ],
            "worker": [python, "-m", "celery", "-A", "prm", "worker", "--loglevel", "INFO"],
            "beat": [python, "-m", "celery", "-A", "prm", "beat", "--loglevel", "INFO"],
        }[name]

    def manage(self, *args, timeout=600):
        """Run a manage.py command in the stack's environment; its output, or an error."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        with open(self.log_dir / "manage.log", "a") as log:
            log.write(f"$ manage.py {' '.join(args)}\n{result.stdout}{result.stderr}\n")
        if result.returncode:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-4000:]}"
            )
        return result.stdout

    def start(self, timeout=60):
        """Migrate, start the processes, and return once each is ready (web: /healthz 200)."""
        self.manage("migrate", "--noinput")
        if "web" in self.processes and not STATIC_MANIFEST.exists():
            # The image's build step; without the manifest every page would fail with DEBUG off.
            self.manage("collectstatic", "--noinput", "-v0")
        try:
            for name in self.processes:
                self._started[name] = Process(
                    self._command(name), self.env, self.log_dir / f"{name}.log"
                )
            deadline = time.monotonic() + timeout
            for name in self.processes:
                self._wait_ready(name, max(1.0, deadline - time.monotonic()))
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, name, timeout):
        process = self._started[name]
        if name == "web":
            ready = wait_until(lambda: self.health()[0] == 200 or _exited(process), timeout)
            ready = ready and not _exited(process)
        else:
            ready = process.wait_for_output(
                "ready." if name == "worker" else "beat: Starting", timeout
            )
        if not ready:
            raise RuntimeError(f"{name} did not become ready:\n{process.output()[-4000:]}")

    def health(self):
        """(status, JSON body) of /healthz, or (None, None) while nothing answers."""
        try:
            with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=5) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, None
        except OSError:
            return None, None

    def exited(self):
        """The names of the processes that ended on their own."""
        return [name for name, process in self._started.items() if _exited(process)]

    def stop(self):
        """Stop every process started, beat first (no new tasks), the worker last."""
        for name in reversed(list(self._started)):
            self._started[name].stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


def _exited(process):
    return process.popen.poll() is not None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="postgres://... (must exist)")
    parser.add_argument("--redis-url", required=True, help="redis://127.0.0.1:6379/N")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--log-dir", type=Path, default=ROOT / "var" / "production-stack")
    args = parser.parse_args(argv)

    env = {**os.environ, "DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url}
    stack = ProductionStack(
        env=env, port=args.port, log_dir=args.log_dir, web_workers=args.web_workers
    )

    def shut_down(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, shut_down)
    try:
        stack.start()
        print(f"PRM is up at {stack.base_url}; logs in {args.log_dir}; Ctrl-C stops it.")
        for name, pid in stack.pids.items():
            print(f"  {name:<7} PID {pid}")
        while not (ended := stack.exited()):
            time.sleep(1)
        print(f"Stopping: {', '.join(ended)} ended on its own.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
