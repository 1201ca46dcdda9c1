"""The drill-down of every tab (the persons behind a row), against the hand-built worlds: a member who may open
the persons' files sees their names, a stats-only member their number only, another organisation never sees
them; the medical ones only for health professionals."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import time_machine
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from mano.persons.models import Person
from mano.persons.services.persons import person_update
from mano.stats.tests.tabs_world import TabsWorld, build
from mano.stats.tests.world import PERIOD, at
from mano.testing import Org, login_client

pytestmark = pytest.mark.django_db
URL = "/statistiques/"
NAMES = ("Alice", "Bruno", "Chloé")
CHAMP = {"champ": "nationality_situation"}
# (tab, indicator, extra query): each row with persons links to its drill-down.
DRILLDOWNS = [
    ("personnes", "gender", {}),
    ("passages", "persons_gender", {}),
    ("rencontres", "persons_gender", {}),
    ("actions", "categories", {}),
    ("actions", "groups", {}),
    ("actions", "status", {}),
    ("sorties", "reasons", {}),
    ("sorties", "reasons-by-month", {}),
    ("evolution", "evolution-moves", CHAMP),
    ("resultats", "to-first-action", {}),
    ("resultats", "to-first-referral", {}),
    ("resultats", "seen-again", {}),
]


@pytest.fixture
def world(org_a: Org) -> TabsWorld:
    found = build(org_a)
    # Chloé gets a nationality on 10 February: the Évolution tab has a move.
    admin, chloe = found.org["admin"], Person.objects.get(pk=found.world.persons["chloe"].pk)
    with time_machine.travel(at("2026-02-10 12:00"), tick=False):
        person_update(
            user=admin.user,
            keyring=admin.keyring,
            person=chloe,
            expected_version=chloe.version,
            custom={"nationality_situation": "Française"},
        )
    return found


def _links(client: Client, tab: str, key: str, extra: dict[str, str]) -> list[str]:
    """The drill-down links of one indicator's rows on the page."""
    page = client.get(f"{URL}?{urlencode({'onglet': tab, **PERIOD, **extra})}").content.decode()
    found = []
    for href in re.findall(r'href="(/statistiques/detail/\?[^"]+)"', page):
        url = html.unescape(href)
        if parse_qs(urlsplit(url).query).get("indicateur") == [key]:
            found.append(url)
    return list(dict.fromkeys(found))


@pytest.mark.parametrize(("tab", "key", "extra"), DRILLDOWNS)
def test_a_row_lists_names_for_members_and_a_number_for_stats_members(
    world: TabsWorld, org_b: Org, tab: str, key: str, extra: dict[str, str]
) -> None:
    links = _links(login_client(world.org["normal"]), tab, key, extra)
    assert links, f"{tab}/{key}: no row links to its persons"
    pks = {str(p.pk) for p in world.world.persons.values()}
    for url in links:
        normal = login_client(world.org["normal"]).get(url).content.decode()
        shown = set(re.findall(r'href="/personnes/([0-9a-f-]+)/"', normal))
        count = int(re.search(r'data-stat="detail">(\d+) personne', normal).group(1))  # type: ignore[union-attr]
        assert shown and shown <= pks and len(shown) == count, url
        stats = login_client(world.org["stats"]).get(url)
        assertContains(stats, f'data-stat="detail">{count} personne')
        assertNotContains(stats, "/personnes/")
        for name in NAMES:
            assertNotContains(stats, name)
        other = login_client(org_b["admin"]).get(url)
        assert other.status_code == 404 or 'data-stat="detail">0 personne' in other.content.decode(), url
        assert not any(pk in other.content.decode() for pk in pks)


def test_an_actions_row_says_its_persons_and_its_actions(world: TabsWorld) -> None:
    """Non renseigné: three actions without a category, of Alice, Chloé and Bruno."""
    query = urlencode({"onglet": "actions", **PERIOD, "indicateur": "categories", "ligne": 4})
    response = login_client(world.org["admin"]).get(f"{URL}detail/?{query}")
    assertContains(response, 'data-stat="detail">3 personnes')
    assertContains(response, 'data-stat="detail-items">Actions : 3')
    status = urlencode({"onglet": "actions", **PERIOD, "indicateur": "status", "ligne": 0})  # À faire: 5 actions
    response = login_client(world.org["admin"]).get(f"{URL}detail/?{status}")
    assertContains(response, 'data-stat="detail">2 personnes')  # Alice and Chloé
    assertContains(response, 'data-stat="detail-items">Actions : 5')
    gender = urlencode({"onglet": "personnes", **PERIOD, "indicateur": "gender", "ligne": 1})
    assertNotContains(login_client(world.org["admin"]).get(f"{URL}detail/?{gender}"), "detail-items")


@pytest.mark.parametrize("member", ["admin_health", "normal_health"])
def test_the_medical_file_rows_list_names_for_health_professionals(world: TabsWorld, member: str) -> None:
    query = urlencode({"onglet": "dossier-medical", **PERIOD, "indicateur": "custom-couverture", "ligne": 1})
    response = login_client(world.org[member]).get(f"{URL}detail/?{query}")  # AME: Alice
    assertContains(response, f'href="/personnes/{world.world.persons["alice"].pk}/"')


@pytest.mark.parametrize("member", ["admin", "normal", "stats"])
def test_the_medical_file_rows_are_not_found_without_the_health_flag(world: TabsWorld, member: str) -> None:
    query = urlencode({"onglet": "dossier-medical", **PERIOD, "indicateur": "custom-couverture", "ligne": 1})
    assert login_client(world.org[member]).get(f"{URL}detail/?{query}").status_code == 404
