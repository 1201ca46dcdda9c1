"""The statistics as an Excel workbook and as a printable page: the same numbers as the page, every tab."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook
from pytest_django.asserts import assertContains, assertNotContains

from mano.persons.selectors.fields import config_version
from mano.persons.services.fields import field_choice_rename
from mano.stats import tabs
from mano.stats.tests.tabs_world import build as build_tabs
from mano.stats.tests.world import PERIOD, World, build
from mano.testing import Org, login_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a: Org) -> World:
    return build(org_a)


def _sheets(content: bytes) -> dict[str, list[list[object]]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def test_the_workbook_has_a_sheet_per_tab_with_the_page_numbers(world: World) -> None:
    response = login_client(world.org["admin"]).get(f"/statistiques/export.xlsx?{urlencode(PERIOD)}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="statistiques-2026-02-01-2026-02-28')
    assert response["Cache-Control"] == "no-store"
    sheets = _sheets(response.content)
    assert list(sheets)[:2] == ["Général", "Personnes"]
    general = {row[0]: row[1] for row in sheets["Général"] if row and row[0]}
    assert (general["Passages"], general["Actions"], general["Personnes suivies"]) == (5, 3, 3)
    assert general["Période"] == "01/02/2026 – 28/02/2026"
    persons = sheets["Personnes"]
    gender = persons.index(["Genre", None, None])
    assert persons[gender + 1] == ["Valeur", "Personnes", "Part (%)"]
    assert ["Femme", 1, 33.3] in persons[gender + 2 : gender + 8]


def test_a_label_a_spreadsheet_would_run_is_written_as_text(world: World) -> None:
    """An option renamed to a formula stays text in the workbook."""
    admin = world.org["admin"]
    world.org.organisation.refresh_from_db()
    version = config_version(world.org.organisation, "groups")
    field_choice_rename(
        user=admin.user,
        keyring=admin.keyring,
        key="nationality_situation",
        old="Union européenne",
        new="=1+1",
        config_version=version,
    )
    sheets = _sheets(login_client(admin).get(f"/statistiques/export.xlsx?{urlencode(PERIOD)}").content)
    cells = [cell for row in sheets["Personnes"] for cell in row]
    assert "'=1+1" in cells and "=1+1" not in cells


def test_the_print_page_shows_every_tab_without_links_to_persons(world: World) -> None:
    response = login_client(world.org["normal"]).get(f"/statistiques/imprimer/?{urlencode(PERIOD)}")
    for tab in tabs.TABS.values():
        if not tab.health and not tab.switch:
            assertContains(response, f'<h2 class="stats__print-tab">{tab.label}</h2>', html=False)
    assertNotContains(response, "/statistiques/detail/")
    assertContains(response, 'class="print"')


def test_a_stats_member_workbook_names_nobody(org_a: Org) -> None:
    """Every tab the stats-only member sees, with counts only: no person's name nor id in any cell."""
    world = build_tabs(org_a).world
    response = login_client(world.org["stats"]).get(f"/statistiques/export.xlsx?{urlencode(PERIOD)}")
    assert response.status_code == 200
    sheets = _sheets(response.content)
    assert {"Général", "Personnes", "Actions", "Sorties", "Structures"} <= set(sheets)
    assert not {"Consultations", "Dossier médical"} & set(sheets)
    cells = " ".join(str(cell) for rows in sheets.values() for row in rows for cell in row if cell is not None)
    for person in world.persons.values():
        assert person.pk and str(person.pk) not in cells
    for name in ("Alice", "Bruno", "Chloé", "Denis"):
        assert name not in cells
    assert "Hébergée" in cells  # the workbook does hold the tabs' rows
