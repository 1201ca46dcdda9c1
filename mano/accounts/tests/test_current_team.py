"""The current team: the one chosen in the session, else the first of the member's teams by name; the user's
teams are read once per page (the current team and the team switcher share them)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mano.accounts.services.bootstrap import teams_create
from mano.testing import login_client

pytestmark = pytest.mark.django_db


def test_the_chosen_team_is_current_else_the_first_by_name(org_a):
    admin = org_a["admin_health"]
    client = login_client(admin)
    page = client.get(reverse("persons:list"))
    assert page.context["current_team"] == org_a.day  # "Jour" before "Nuit"
    assert [t.name for t in page.context["switchable_teams"]] == ["Jour", "Nuit"]

    client.post(reverse("accounts:team-switch"), {"team": str(org_a.night.pk)})
    assert client.get(reverse("persons:list")).context["current_team"] == org_a.night


def test_a_team_of_another_organisation_is_never_chosen(org_a, org_b):
    client = login_client(org_a["normal"])
    client.post(reverse("accounts:team-switch"), {"team": str(org_b.day.pk)})
    page = client.get(reverse("persons:list"))
    assert page.context["current_team"] == org_a.day
    assert page.context["switchable_teams"] == [org_a.day]


def test_a_page_reads_the_users_teams_once(org_a):
    (aube,) = teams_create(admin=org_a["admin_health"], names=[("Aube", False)])
    client = login_client(org_a["admin_health"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("persons:list"))
    team_reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "accounts_team"')]
    assert len(team_reads) == 1
    assert page.context["current_team"] == aube
