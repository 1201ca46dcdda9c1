"""The period presets' bounds, on the page, at a few moments chosen for their edges (a Sunday, the first of
January, a leap year's February)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from pytest_django.asserts import assertContains

from mano.stats.filters import PRESETS, preset_period
from mano.stats.tests.world import at
from mano.testing import Org, login_client

pytestmark = pytest.mark.django_db

# today → preset → (first, last)
CASES = {
    "2026-03-11 09:00": {  # a Wednesday
        "aujourdhui": ("11/03/2026", "11/03/2026"),
        "semaine": ("09/03/2026", "15/03/2026"),
        "mois-dernier": ("01/02/2026", "28/02/2026"),
        "annee": ("01/01/2026", "31/12/2026"),
        "annee-derniere": ("01/01/2025", "31/12/2025"),
    },
    "2026-01-01 00:30": {  # a Thursday, just after midnight: last month is last year's December
        "aujourdhui": ("01/01/2026", "01/01/2026"),
        "semaine": ("29/12/2025", "04/01/2026"),
        "mois-dernier": ("01/12/2025", "31/12/2025"),
        "annee": ("01/01/2026", "31/12/2026"),
        "annee-derniere": ("01/01/2025", "31/12/2025"),
    },
    "2028-03-05 23:30": {  # a Sunday, late: the week started on Monday the 28th of a leap February
        "aujourdhui": ("05/03/2028", "05/03/2028"),
        "semaine": ("28/02/2028", "05/03/2028"),
        "mois-dernier": ("01/02/2028", "29/02/2028"),
        "annee": ("01/01/2028", "31/12/2028"),
        "annee-derniere": ("01/01/2027", "31/12/2027"),
    },
}


@pytest.mark.parametrize("moment", list(CASES))
def test_each_preset_shows_its_bounds(org_a: Org, moment: str) -> None:
    with time_machine.travel(at(moment), tick=False):
        client = login_client(org_a["normal"])
        for preset, (first, last) in CASES[moment].items():
            response = client.get(f"/statistiques/?periode={preset}")
            assertContains(response, f"Du {first} au {last}")


def test_no_preset_is_the_current_year(org_a: Org) -> None:
    with time_machine.travel(at("2026-07-14 12:00"), tick=False):
        assertContains(login_client(org_a["normal"]).get("/statistiques/"), "Du 01/01/2026 au 31/12/2026")


def test_every_preset_but_the_custom_one_is_covered() -> None:
    assert set(PRESETS) - {"personnalisee"} == set(CASES["2026-03-11 09:00"])
    assert preset_period("semaine", date(2026, 3, 15)) == (date(2026, 3, 9), date(2026, 3, 15))  # a Sunday
