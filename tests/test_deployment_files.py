"""The Docker deployment files agree with the project (plain file reading, no Docker).

What is checked is what would break `docker compose up`: a missing service, an app
service without its database or broker, a command that does not start this project's
WSGI application or Celery app, an image without collected static files or Bootstrap.
"""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("migrate", "web", "worker", "beat")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile():
    text = (ROOT / "Dockerfile").read_text()
    # Join continuation lines so that one instruction is one line.
    return re.sub(r"\\\n\s*", " ", text)


def command_words(service):
    command = service["command"]
    return command.split() if isinstance(command, str) else [str(word) for word in command]


def test_compose_has_every_service(services):
    assert {"postgres", "redis", "migrate", "web", "worker", "beat"} <= set(services)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_reach_postgres_and_redis(services, name):
    environment = services[name]["environment"]
    assert isinstance(environment, dict), "environment as a mapping, so the keys can be checked"
    assert re.fullmatch(r"postgres(ql)?://[^@]+@postgres:5432/\w+", environment["DATABASE_URL"])
    assert re.fullmatch(r"redis://redis:6379/\d+", environment["REDIS_URL"])
    # The settings refuse to start without SECRET_KEY when DEBUG is false.
    assert "SECRET_KEY" in environment
    assert environment["DEBUG"] == "false"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_environment_values_are_strings_and_known_to_settings(services, name):
    # Compose rejects unquoted booleans in `environment`; a misspelt key is silently ignored.
    settings_source = (ROOT / "prm" / "settings.py").read_text()
    read_by_settings = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z0-9_]+)"', settings_source))
    for key, value in services[name]["environment"].items():
        assert isinstance(value, str), f"{name}: {key} must be a quoted string"
        assert key in read_by_settings, f"{name}: prm/settings.py never reads {key}"


def test_app_services_run_one_image(services):
    builds = {(services[name].get("image"), services[name].get("build")) for name in APP_SERVICES}
    assert len(builds) == 1
    ((image, build),) = builds
    assert build in (".", {"context": "."}) and image


def test_web_runs_gunicorn_on_the_wsgi_application(services):
    words = command_words(services["web"])
    assert words[0] == "gunicorn"
    assert "prm.wsgi:application" in words
    assert "0.0.0.0:8000" in words
    assert any(str(port).endswith(":8000") for port in services["web"]["ports"])
    wsgi = (ROOT / "prm" / "wsgi.py").read_text()
    assert re.search(r"^application\s*=", wsgi, re.MULTILINE)


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_celery_services_use_the_prm_app(services, name):
    words = command_words(services[name])
    assert words[:3] == ["celery", "-A", "prm"]
    assert words[3] == name
    assert 'Celery("prm")' in (ROOT / "prm" / "celery.py").read_text()


def test_migrations_run_once_before_web_worker_and_beat(services):
    migrate = services["migrate"]
    assert command_words(migrate)[:3] == ["python", "manage.py", "migrate"]
    assert "--noinput" in command_words(migrate)
    assert str(migrate["restart"]) == "no", "a one-shot service must not be restarted"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        depends_on = services[name]["depends_on"]
        assert depends_on["migrate"]["condition"] == "service_completed_successfully"
        assert depends_on["postgres"]["condition"] == "service_healthy"
        assert depends_on["redis"]["condition"] == "service_healthy"
        assert "migrate" not in command_words(services[name])


def test_backing_services_have_healthchecks(services):
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "redis-cli ping" in " ".join(services["redis"]["healthcheck"]["test"])


def test_media_and_evidence_files_are_on_volumes(compose, services):
    # Recreating a container must not lose an uploaded file.
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        targets = {volume.split(":")[1] for volume in services[name]["volumes"]}
        assert environment["MEDIA_ROOT"] in targets
        assert environment["PRM_PRIVATE_MEDIA_ROOT"] in targets
    assert {"media", "private-media"} <= set(compose["volumes"])


def test_dockerfile_installs_bootstrap_with_npm_ci(dockerfile):
    assert (ROOT / "package-lock.json").exists(), "npm ci needs the lock file"
    assert re.search(r"^FROM node:\S+ AS (\w+)", dockerfile, re.MULTILINE)
    assert re.search(r"^COPY package\.json package-lock\.json", dockerfile, re.MULTILINE)
    assert re.search(r"^RUN npm ci\b", dockerfile, re.MULTILINE)
    # STATICFILES_DIRS reads node_modules/bootstrap/dist next to manage.py.
    assert re.search(r"^COPY --from=\w+ /app/node_modules \./node_modules$", dockerfile, re.M)


def test_dockerfile_builds_a_runnable_image(dockerfile):
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    python = re.search(r"^FROM python:(\d+)\.(\d+)", dockerfile, re.MULTILINE)
    assert python and requires == ">=3.11" and (int(python[1]), int(python[2])) >= (3, 11)
    # The runtime dependencies of pyproject.toml, and the checkout itself on the path.
    assert "['project']['dependencies']" in dockerfile
    assert re.search(r"pip install --no-cache-dir -r ", dockerfile)
    assert re.search(r"PYTHONPATH=/app\b", dockerfile)
    collectstatic = re.search(r"^RUN .*manage\.py collectstatic --noinput", dockerfile, re.M)
    assert collectstatic and "SECRET_KEY=" in collectstatic[0]
    user = re.search(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert user and user[1] not in ("root", "0")
    assert re.search(r"^EXPOSE 8000$", dockerfile, re.MULTILINE)
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE)
    assert cmd and yaml.safe_load(cmd[1])[:2] == ["gunicorn", "prm.wsgi:application"]


def test_dockerignore_keeps_local_state_and_secrets_out():
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".venv", "node_modules", "var", "db.sqlite3*", "staticfiles", ".env", ".git"} <= ignored
    # Nothing the build reads is ignored.
    for needed in (
        "manage.py",
        "pyproject.toml",
        "package.json",
        "package-lock.json",
        "static",
        "templates",
        "prm",
    ):
        assert needed not in ignored
