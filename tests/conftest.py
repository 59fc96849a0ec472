import pytest

from tests import factories

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium; Playwright's own browser download cannot work on this network.
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


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
