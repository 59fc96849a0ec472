"""API tokens come from the admin, rate limits answer with a JSON 429, and the OpenAPI schema
and its documentation page are valid and served without a CDN."""

import pytest
import yaml
from django.core.cache import caches
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def throttle_counts():
    caches["api-throttle"].clear()
    yield
    caches["api-throttle"].clear()


def with_token(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_created_in_the_admin_works_until_it_is_deleted(
    admin_client, partner_user, distributor
):
    created = admin_client.post(
        reverse("admin:authtoken_tokenproxy_add"), {"user": partner_user.pk}
    )
    assert created.status_code == 302
    key = Token.objects.get(user=partner_user).key
    api = with_token(key)

    before = api.get(reverse("api:distributor-list"))
    deleted = admin_client.post(
        reverse("admin:authtoken_tokenproxy_delete", args=[partner_user.pk]), {"post": "yes"}
    )
    after = api.get(reverse("api:distributor-list"))

    assert before.status_code == 200
    assert [row["id"] for row in before.json()["results"]] == [distributor.pk]
    assert deleted.status_code == 302
    assert not Token.objects.exists()
    assert after.status_code == 401
    assert after.json()["detail"]


def test_an_unknown_token_is_refused():
    response = with_token("0" * 40).get(reverse("api:distributor-list"))

    assert response.status_code == 401
    assert response.json()["detail"]


def test_user_rate_limit_answers_429_in_json(settings, account_manager, throttle_counts):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "3/minute", "anon": "2/minute"},
    }
    api = with_token(Token.objects.create(user=account_manager).key)

    statuses = [api.get(reverse("api:distributor-list")).status_code for _ in range(4)]
    limited = api.get(reverse("api:distributor-list"))

    assert statuses == [200, 200, 200, 429]
    assert limited.status_code == 429
    assert limited["Content-Type"] == "application/json"
    assert "throttled" in limited.json()["detail"]
    assert int(limited["Retry-After"]) > 0


def test_anonymous_rate_limit_on_the_schema(settings, throttle_counts):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "3/minute", "anon": "2/minute"},
    }

    statuses = [APIClient().get(reverse("api:schema")).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_generated_schema_validates_without_warnings(tmp_path):
    # --fail-on-warn turns any warning of drf-spectacular into a failure of the command.
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    for path in ("distributors", "contacts", "touchpoints", "meetings", "goals", "milestones"):
        assert f"/api/v1/{path}/" in schema["paths"]
        assert f"/api/v1/{path}/{{id}}/" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/meetings/"]
    assert "post" not in schema["paths"]["/api/v1/goals/"]


def test_schema_is_served_to_integrators(throttle_counts):
    response = APIClient().get(reverse("api:schema"), {"format": "json"})

    assert response.status_code == 200
    assert "/api/v1/distributors/" in response.json()["paths"]


def test_documentation_page_uses_local_files_only(client, throttle_counts):
    page = client.get(reverse("api:docs"))
    script = client.get(reverse("api:docs"), {"script": ""})

    html = page.content.decode()
    assert page.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()
    assert script.status_code == 200
    assert reverse("api:schema") in script.content.decode()
