"""The Content-Security-Policy holds in real Chromium: My week, the dashboard and the
partner portal load without a single violation (no inline script or style, htmx's own
indicator style switched off), while the policy is really there to be violated."""

import pytest
from django.core.management import call_command

from tests.test_browser_workspace import LAPTOP

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("committed_db")]


def violations_of(page):
    found = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return found


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("prm-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")


@pytest.fixture
def demo(live_server, committed_db):
    call_command("seed_demo", verbosity=0)


@pytest.mark.parametrize(
    ("username", "paths"),
    [
        ("manager", ["/my-week/", "/distributors/"]),
        ("executive", ["/portfolio/", "/dashboard/trends/"]),
        ("partner", ["/portal/", "/portal/goals/"]),
    ],
)
def test_pages_load_without_a_csp_violation(page, live_server, demo, username, paths):
    page.set_viewport_size(LAPTOP)
    violations = violations_of(page)
    log_in(page, live_server, username)
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    assert violations == []

    # The listener hears a violation when there is one: an inline style is refused.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_timeout(200)
    assert any("style-src" in text for text in violations)
