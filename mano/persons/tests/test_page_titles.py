"""Browsers keep page titles in their history (and may sync it): no title names a person or an action."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from mano.agenda.services import actions_create
from mano.persons.services import person_create

pytestmark = pytest.mark.django_db
NAME = "Zébulon Canari"


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


def test_no_page_title_carries_a_name(bob, org_a, unlocked_client):
    person = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name=NAME)
    (action,) = actions_create(
        user=bob.user, keyring=bob.keyring, persons=[person], name=NAME, teams=[org_a.day], due_at=timezone.now()
    )
    client = unlocked_client(bob)
    pages = [
        f"/personnes/{person.pk}/",
        f"/personnes/{person.pk}/modifier/",
        f"/personnes/{person.pk}/historique/",
        f"/personnes/{person.pk}/imprimer/",
        f"/agenda/{action.pk}/",
        f"/agenda/{action.pk}/repeter/",
        f"/agenda/{action.pk}/commentaires/ajouter/",
        "/agenda/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert NAME in response.content.decode(), url  # the page shows it...
        assert "Zébulon" not in _title(response) and "Canari" not in _title(response), url  # ...its title does not
