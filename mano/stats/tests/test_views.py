"""The statistics page: who reaches it, what it shows of which organisation, and how it answers bad filters."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from mano.stats.tests.world import PERIOD, World, build
from mano.testing import Org, login_client

pytestmark = pytest.mark.django_db
URL = "/statistiques/"


@pytest.fixture
def world(org_a: Org) -> World:
    return build(org_a)


def _stat(html: str, key: str) -> int:
    found = re.search(rf'data-stat="{key}"><dt>[^<]*</dt><dd>(\d+)</dd>', html)
    assert found, key
    return int(found.group(1))


def test_it_shows_the_general_tab(world: World) -> None:
    html = login_client(world.org["normal"]).get(f"{URL}?{urlencode(PERIOD)}").content.decode()
    assert (_stat(html, "passages"), _stat(html, "actions"), _stat(html, "persons_followed")) == (5, 3, 3)
    assert "Du 01/02/2026 au 28/02/2026" in html


def test_the_stats_member_sees_the_page_and_its_link_only(world: World) -> None:
    client = login_client(world.org["stats"])
    home = client.get("/")
    assertContains(home, 'href="/statistiques/"')
    assertNotContains(home, 'href="/personnes/"')
    assert client.get(f"{URL}?onglet=personnes&{urlencode(PERIOD)}").status_code == 200
    assert client.get("/personnes/").status_code == 403


def test_restricted_members_have_no_statistics(org_a: Org) -> None:
    client = login_client(org_a["restricted"])
    assert client.get(URL).status_code == 404
    assertNotContains(client.get("/"), 'href="/statistiques/"')


def test_another_organisation_sees_only_its_own(world: World, org_b: Org) -> None:
    html = login_client(org_b["admin"]).get(f"{URL}?{urlencode(PERIOD)}").content.decode()
    assert _stat(html, "passages") == 0
    assert _stat(html, "persons_followed") == 0


def test_anonymous_goes_to_login_and_a_locked_session_to_unlock(org_a: Org) -> None:
    assert Client().get(URL).url.startswith("/connexion/")  # type: ignore[attr-defined]
    client = login_client(org_a["admin"])
    client.post("/verrouiller/")
    assert client.get(URL).url.startswith("/deverrouiller/")  # type: ignore[attr-defined]


def test_a_typed_person_filter_travels_sealed_and_narrows_every_count(world: World) -> None:
    client = login_client(world.org["admin"])
    query = urlencode({**PERIOD, "onglet": "personnes"})
    response = client.post(f"{URL}?{query}", {"fk": world.children, "fo": "gt", "fv": "2", "l": "and"})
    assert response.status_code == 303
    location = response["Location"]
    assert "gt~2" not in location and "fv=" not in location and "onglet=personnes" in location
    html = client.get(location).content.decode()
    assert _stat(html, "persons") == 1  # Bruno, the only one with 3 children
    general = client.get(location.replace("onglet=personnes", "onglet=general")).content.decode()
    assert (_stat(general, "passages"), _stat(general, "rencontres")) == (2, 1)  # Bruno's; no anonymous passage
    # Another session cannot open the sealed value: the filter is dropped, everyone counts again.
    other = login_client(world.org["normal"]).get(location).content.decode()
    assert _stat(other, "persons") == 3


def test_a_row_lists_its_persons_for_members_and_only_their_number_for_stats_members(world: World) -> None:
    query = urlencode({**PERIOD, "onglet": "personnes", "indicateur": "gender", "ligne": 1})  # Homme
    admin = login_client(world.org["admin"]).get(f"{URL}detail/?{query}")
    assertContains(admin, "1 personne")
    assertContains(admin, f'href="/personnes/{world.persons["bruno"].pk}/"')
    stats = login_client(world.org["stats"]).get(f"{URL}detail/?{query}")
    assertContains(stats, "1 personne")
    assertNotContains(stats, "Bruno")
    assertNotContains(stats, "/personnes/")
    assert login_client(world.org["admin"]).get(f"{URL}detail/?{query}&ligne=x").status_code == 404


def test_the_persons_tab_draws_charts_the_policy_allows(world: World) -> None:
    response = login_client(world.org["admin"]).get(f"{URL}?onglet=personnes&{urlencode(PERIOD)}")
    html = response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert _stat(html, "persons") == 3
    charts = re.findall(r'<svg class="stats__chart".*?</svg>', html, re.DOTALL)
    assert len(charts) >= 8
    for svg in charts:  # nothing the policy would block or that reaches out: attributes, no style, no script
        assert "<script" not in svg and "style" not in svg and "http" not in svg.replace("http://www.w3.org", "")
    # Each bar links to the persons behind its row, as the table's row does.
    gender = html.split('id="gender"', 1)[1].split("</section>", 1)[0]
    row = re.search(r'<th scope="row"><a href="([^"]+)">Homme</a>', gender)
    assert row is not None and f'<a href="{row.group(1)}" tabindex="-1">' in gender
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assertContains(response, '<th scope="row">Non renseigné</th>', html=False)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"periode": "personnalisee", "du": "2026-05-01", "au": "2026-01-01"}, "La fin de la période précède"),
        ({"periode": "personnalisee", "du": "1990-01-01", "au": "2026-01-01"}, "vingt ans au plus"),
        ({"periode": "personnalisee", "du": "2026-01-01"}, "Indiquez les dates"),
        ({"periode": "personnalisee", "du": "0202-01-01", "au": "2026-01-01"}, "Date hors limites"),
        ({"periode": "hier-soir"}, "Sélectionnez un choix valide"),
        ({"equipe": "pas-une-equipe"}, "Une équipe demandée n’existe pas"),
        ({"ages": "60,18"}, "Tranches d’âge"),
        ({"personnes": "toutes"}, "Sélectionnez un choix valide"),
        ({"filtre_ancien": "x"}, "Des filtres inconnus"),
    ],
)
def test_bad_filters_say_why_and_fall_back(org_a: Org, query: dict[str, str], message: str) -> None:
    response = login_client(org_a["admin"]).get(f"{URL}?onglet=personnes&{urlencode(query)}")
    assert response.status_code == 200
    assertContains(response, message)
    assertContains(response, 'data-stat="persons"')  # the page still shows its numbers, with the defaults


def test_a_person_filter_on_a_field_that_no_longer_exists_is_dropped_with_a_message(world: World) -> None:
    """An old bookmark's condition would match nobody and zero every count: it is set aside, the page says so,
    and the conditions still known keep narrowing."""
    client = login_client(world.org["admin"])
    query = urlencode({**PERIOD, "onglet": "personnes"})
    response = client.get(f"{URL}?{query}&f=oldkey~eq~x")
    assert response.status_code == 200
    assertContains(response, "porte sur un champ qui n’existe pas ou plus")
    assert _stat(response.content.decode(), "persons") == 3
    assertNotContains(response, "Personnes filtrées")
    both = client.get(f"{URL}?{query}&f=oldkey~eq~x&f={world.children}~gt~2").content.decode()
    assert _stat(both, "persons") == 1  # Bruno
    general = client.get(f"{URL}?{urlencode(PERIOD)}&f=oldkey~empty~").content.decode()
    assert (_stat(general, "passages"), _stat(general, "actions")) == (5, 3)


def test_person_filters_on_the_files_own_fields(world: World) -> None:
    """Alice is the one woman; Chloé the one person born after 2000 (Bruno has no birth date)."""
    client = login_client(world.org["admin"])
    query = urlencode({**PERIOD, "onglet": "personnes"})
    assert _stat(client.get(f"{URL}?{query}&f=gender~eq~Femme").content.decode(), "persons") == 1
    assert _stat(client.get(f"{URL}?{query}&f=birth_date~gt~2000-01-01").content.decode(), "persons") == 1


def test_person_filters_combined_with_or(world: World) -> None:
    """Alice has 2 children, Bruno 3, Chloé none: more than 2 OR fewer than 3 keeps Alice and Bruno; AND
    keeps nobody."""
    client = login_client(world.org["admin"])
    query = urlencode({**PERIOD, "onglet": "personnes"})
    conditions = {"fk": [world.children, world.children], "fo": ["gt", "lt"], "fv": ["2", "3"]}
    counts = {}
    for logic in ("or", "and"):
        location = client.post(f"{URL}?{query}", {**conditions, "l": logic})["Location"]
        assert ("l=or" in location) == (logic == "or")
        counts[logic] = _stat(client.get(location).content.decode(), "persons")
    assert counts == {"or": 2, "and": 0}


def test_a_tab_the_person_filters_do_not_narrow_says_so(world: World) -> None:
    client = login_client(world.org["admin"])
    for tab, noted in (("structures", True), ("personnes", False)):
        response = client.get(f"{URL}?{urlencode({**PERIOD, 'onglet': tab})}&vulnerable=1")
        assert ('data-note="person-filters"' in response.content.decode()) is noted, tab
    assertNotContains(client.get(f"{URL}?{urlencode({**PERIOD, 'onglet': 'structures'})}"), "person-filters")
