"""The tabs of the domains on the page: every tab renders for an empty organisation, and a medical tab shows a
member without the health key the Général tab, never a medical number."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from mano.stats.tabs import TABS
from mano.stats.tests.tabs_world import TabsWorld, build
from mano.stats.tests.world import PERIOD
from mano.testing import Org, login_client

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
