"""The tabs of the domains on the page: every tab renders for an empty organisation, and a medical tab shows a
member without the health key the Général tab, never a medical number."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from mano.accounts.services.bootstrap import member_add_active
from mano.stats.tabs import TABS
from mano.stats.tests.tabs_world import TabsWorld, build
from mano.stats.tests.world import PERIOD
from mano.testing import PASSWORD, Org, Persona, login_client

pytestmark = pytest.mark.django_db
URL = "/statistiques/"


def test_every_tab_renders_for_an_empty_organisation(org_a: Org) -> None:
    org_a.organisation.reception_enabled = True
    org_a.organisation.save(update_fields=["reception_enabled"])
    client = login_client(org_a["admin_health"])
    for key in TABS:
        for period in ({}, PERIOD, {"periode": "annee"}):
            response = client.get(f"{URL}?{urlencode({'onglet': key, **period})}")
            assert response.status_code == 200, key


def test_a_medical_tab_falls_back_to_general_without_the_health_key(org_a: Org) -> None:
    world: TabsWorld = build(org_a)
    for key in ("consultations", "dossier-medical"):
        html = login_client(world.org["normal"]).get(f"{URL}?{urlencode({'onglet': key, **PERIOD})}")
        assertContains(html, 'data-stat="persons_followed"')
        assertNotContains(html, 'data-stat="consultations"')
        assertNotContains(html, "Consultations par type")
        assertNotContains(html, "Dossier médical des personnes")
    health = login_client(world.org["normal_health"])
    html = health.get(f"{URL}?{urlencode({'onglet': 'consultations', **PERIOD})}")
    assertContains(html, "Consultations par type")
    assertContains(html, 'data-stat="consultations"')


def test_the_actions_tab_shows_the_renamed_category(org_a: Org) -> None:
    world = build(org_a)
    html = login_client(world.org["normal"]).get(f"{URL}?{urlencode({'onglet': 'actions', **PERIOD})}")
    assertContains(html, "Soins infirmiers")
    assertNotContains(html, ">Soins<")


def _stats_member(org: Org, *, health: bool) -> Persona:
    return member_add_active(
        admin=org["admin_health"],
        email=f"stats-{health}@example.test",
        name="Statistiques",
        role="stats",
        password=PASSWORD,
        teams=[org.day],
        is_health_professional=health,
    )


@pytest.mark.parametrize("health", [True, False])
def test_a_stats_member_sees_the_medical_tabs_only_with_the_health_flag(org_a: Org, health: bool) -> None:
    world = build(org_a)
    client = login_client(_stats_member(world.org, health=health))
    page = client.get(f"{URL}?{urlencode({'onglet': 'dossier-medical', **PERIOD})}")
    for label in ("Consultations", "Dossier médical"):
        assert (f">{label}</a>" in page.content.decode()) is health, label
    assert ("Dossier médical des personnes" in page.content.decode()) is health
    consultations = client.get(f"{URL}?{urlencode({'onglet': 'consultations', **PERIOD})}")
    assert ('data-stat="consultations"' in consultations.content.decode()) is health
    query = urlencode({"onglet": "dossier-medical", **PERIOD, "indicateur": "custom-couverture", "ligne": 1})
    detail = client.get(f"{URL}detail/?{query}")
    assert detail.status_code == (200 if health else 404)
    if health:  # a number, never a name
        assertContains(detail, 'data-stat="detail">1 personne')
        assertNotContains(detail, "/personnes/")
        assertNotContains(detail, "Alice")
