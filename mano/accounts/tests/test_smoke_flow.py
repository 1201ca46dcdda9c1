from __future__ import annotations

import pytest
from pytest_django.asserts import assertContains

pytestmark = pytest.mark.django_db


def test_it_logs_in_and_shows_home(bob, unlocked_client):
    client = unlocked_client(bob)
    response = client.get("/")
    assertContains(response, "Bonjour")


def test_it_creates_and_shows_a_person(bob, unlocked_client, org_a):
    client = unlocked_client(bob)
    response = client.post("/personnes/nouvelle/", {"name": "Éloïse Dupont", "teams": [str(org_a.day.pk)]})
    assert response.status_code == 302
    detail = client.get(response["Location"])
    assertContains(detail, "Éloïse Dupont")
    listing = client.get("/personnes/")
    assertContains(listing, "Éloïse Dupont")
