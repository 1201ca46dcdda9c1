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


def test_no_template_puts_a_variable_in_its_title_but_staff_and_organisation_names():
    """Every page, including those the test above does not open: a title holds fixed words only (members',
    teams' and the organisation's names are not about the persons followed)."""
    from pathlib import Path

    from django.conf import settings

    allowed = {"{{ team.name }}", "{{ member }}", "{{ organisation.name }}", "{{ spec.title }}"}
    found = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for title in re.findall(r"\{% block title %\}(.*?)\{% endblock %\}", template.read_text()):
            found += [(template.name, v) for v in re.findall(r"\{\{.*?\}\}", title) if v not in allowed]
    assert found == []
