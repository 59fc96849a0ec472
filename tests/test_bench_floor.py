"""/bench/floor/: the page `make bench` compares every other page's throughput with."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_floor_renders_a_short_page_without_a_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("bench_floor"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"<p>PRM</p>" in response.content
    assert len(response.content) < 300


def test_floor_answers_get_only(client):
    assert client.post(reverse("bench_floor")).status_code == 405
