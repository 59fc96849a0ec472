import importlib

import pytest
from django.apps import apps
from django.utils import translation

from meetings.forms import _drawn_blank_fields
from prm import signal_inputs
from tests import factories

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def plain_static_files_for_the_live_server(request, settings):
    # The live server finds static files through the finders, which know the files by
    # their plain names, not by the hashed names of the production manifest.
    if "live_server" in request.fixturenames:
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium; Playwright's own browser download cannot work on this network.
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(autouse=True)
def default_language():
    # A request in Japanese leaves the test thread in Japanese; each test starts in English.
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def nothing_kept_from_another_test():
    # Each test rolls the database back to the same token, and may give its users the ids
    # of an earlier test's: what that test kept would match.
    signal_inputs.forget()
    _drawn_blank_fields.cache_clear()
    yield
    signal_inputs.forget()
    _drawn_blank_fields.cache_clear()


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # Real hashing costs a quarter of a second per user; the tests check roles, not hashes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def account_manager(db):
    return factories.AccountManagerFactory()


@pytest.fixture
def executive(db):
    return factories.ExecutiveFactory()


@pytest.fixture
def distributor(db, account_manager):
    return factories.DistributorFactory(account_manager=account_manager)


@pytest.fixture
def partner_user(db, distributor):
    return factories.PortalUserFactory(portal_contact__distributor=distributor)


@pytest.fixture
def committed_db(transactional_db):
    """Committed writes, for a live server or a worker process, with the reference data.

    The flush after each transactional test also removes what data migrations loaded
    (roles, prefectures). Django's serialized rollback would restore it, but not in the
    context in which Playwright's sync API runs the test, so it is loaded again here.
    """
    importlib.import_module("prm.migrations.0002_roles").create_roles(apps, None)
    importlib.import_module("distributors.migrations.0003_prefectures").load(apps, None)
