import os
from urllib.parse import urlsplit, urlunsplit

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make next to it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _redis_database_of_this_worker():
    """Give each pytest-xdist worker its own Redis database, as it has its own test database.

    One worker's Celery worker must not take the tasks another worker's test queued, and a
    test that clears the API throttle cache (FLUSHDB) must not empty another's queue. The
    settings are loaded before any conftest, so they are set here, before the first use of
    the cache or the Celery app, and in the environment that started processes inherit.
    """
    from django.conf import settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or not settings.REDIS_URL.startswith("redis://"):
        return
    index = int(worker.removeprefix("gw"))
    url = _moved(settings.REDIS_URL, index)
    if settings.CELERY_BROKER_URL.startswith("redis://"):
        broker = _moved(settings.CELERY_BROKER_URL, index)
        settings.CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"] = broker
        from prm.celery import app

        app.conf.broker_url = broker
    settings.CACHES = {
        **settings.CACHES,
        "api-throttle": {**settings.CACHES["api-throttle"], "LOCATION": url},
    }
    settings.REDIS_URL = os.environ["REDIS_URL"] = url


def _moved(url, index):
    """`url` with its Redis database number moved up by `index`."""
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) + index
    if database >= 15:
        # Redis has 16 databases by default; tests/test_production_layout.py takes the last.
        raise RuntimeError(f"{url}: too high a Redis database for test worker {index}")
    return urlunsplit(parts._replace(path=f"/{database}"))


_redis_database_of_this_worker()
