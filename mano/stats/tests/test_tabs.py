"""The tabs of the domains against the hand-built worlds (world.py and tabs_world.py) and their numbers."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from mano.agenda.services import action_set_status
from mano.persons.filters import PersonFilters
from mano.stats.filters import DEFAULT_AGES, Filters
from mano.stats.indicators import Indicator
from mano.stats.tabs import TABS, Section
from mano.stats.tests.tabs_world import TabsWorld, build
from mano.stats.tests.world import FIRST, LAST, at, context
from mano.structures.models import Structure
from mano.structures.referrals import referral_create
from mano.testing import Org

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a: Org) -> TabsWorld:
    return build(org_a)


def _filters(*, teams: tuple[Any, ...] = (), tab: str = "general", **extra: Any) -> Filters:
    values: dict[str, Any] = {
        "preset": "personnalisee",
        "first": FIRST,
        "last": LAST,
        "team_ids": tuple(str(t.pk) for t in teams),
        "tab": tab,
        "population": "activite",
        "ages": DEFAULT_AGES,
    }
    return Filters(**{**values, **extra})


def sections(org: Org, tab: str, member: str = "admin", **kw: Any) -> list[Section]:
    return TABS[tab].build(context(org[member], _filters(tab=tab, **kw)))


def indicators(org: Org, tab: str, member: str = "admin", **kw: Any) -> dict[str, Indicator]:
    return {i.key: i for s in sections(org, tab, member, **kw) for i in s.indicators}


def blocks(org: Org, tab: str, member: str = "admin", **kw: Any) -> dict[str, int | str]:
    return {b.key: b.count for s in sections(org, tab, member, **kw) for b in s.blocks}


def rows(indicator: Indicator) -> dict[str, int]:
    return {str(label): n for label, n in indicator.rows}


def test_actions_by_category_group_status_and_day(world: TabsWorld) -> None:
    """The deleted action is not counted; the category renamed after the fact shows its new name with the old
    counts; the category deleted from the list still counts, outside the list's groups."""
    found = indicators(world.org, "actions")
    assert blocks(world.org, "actions") == {"actions": 7, "actions_done": 2}
    assert rows(found["categories"]) == {
        "Soins infirmiers": 2,
        "Pharmacie": 1,
        "CCAS": 1,
        "Douche": 1,
        "Non renseigné": 3,
    }
    assert rows(found["groups"]) == {"Santé": 3, "Social": 1, "Hors de la liste": 1, "Non renseigné": 3}
    assert rows(found["status"]) == {"À faire": 5, "Faite": 2, "Annulée": 0}
    per_day = {k: n for k, n in rows(found["done"]).items() if n}
    assert per_day == {"01/02/2026": 1, "28/02/2026": 1}  # both done by the night team, before noon
    assert len(found["done"].rows) == 28


def test_actions_of_the_night_team(world: TabsWorld) -> None:
    assert blocks(world.org, "actions", teams=(world.org.night,)) == {"actions": 3, "actions_done": 2}
    assert rows(indicators(world.org, "actions", teams=(world.org.night,))["categories"])["Soins infirmiers"] == 1


def test_passages_named_anonymous_and_by_gender(world: TabsWorld) -> None:
    """Midnight bounds for the day team, noon bounds for the night team; the deleted person's passage is not
    counted."""
    assert blocks(world.org, "passages") == {
        "passages": 5,
        "passages_named": 4,
        "passages_anonymous": 1,
        "persons": 2,
    }
    found = indicators(world.org, "passages")
    assert rows(found["kinds"]) == {"Nominatifs": 4, "Anonymes": 1}
    assert {k: n for k, n in rows(found["gender"]).items() if n} == {"Homme": 2, "Femme": 2}
    assert rows(found["gender"])["Non renseigné"] == 0
    persons = found["persons_gender"]
    assert {k: n for k, n in rows(persons).items() if n} == {"Homme": 1, "Femme": 1}
    femme = [label for label, _ in persons.rows].index("Femme")
    assert persons.members[femme] == [str(world.world.persons["alice"].pk)]


def test_passages_of_the_night_team(world: TabsWorld) -> None:
    assert blocks(world.org, "passages", teams=(world.org.night,))["passages"] == 2


def test_rencontres_by_gender(world: TabsWorld) -> None:
    assert blocks(world.org, "rencontres") == {"rencontres": 1, "persons": 1}
    assert rows(indicators(world.org, "rencontres")["gender"])["Homme"] == 1


def test_exits_by_reason_and_team(world: TabsWorld) -> None:
    """Chloé left before the period."""
    assert blocks(world.org, "sorties") == {"exits": 2}
    found = indicators(world.org, "sorties")
    reasons = rows(found["reasons"])
    assert {k: n for k, n in reasons.items() if n} == {"Hébergée": 2, "Incarcération": 1}
    assert reasons["Non renseigné"] == 0  # shown, even empty
    hebergee = [str(label) for label, _ in found["reasons"].rows].index("Hébergée")
    persons = world.world.persons
    assert sorted(found["reasons"].members[hebergee]) == sorted(str(persons[k].pk) for k in ("alice", "bruno"))
    assert {k: n for k, n in rows(found["teams"]).items() if n} == {"Jour": 1, "Nuit": 1}
    assert blocks(world.org, "sorties", teams=(world.org.night,)) == {"exits": 1}


def test_services_per_service(world: TabsWorld) -> None:
    found = indicators(world.org, "services")
    assert rows(found["services"]) == {"Douche": 3, "Repas": 2, "Café": 0}
    assert rows(found["groups"]) == {"Hygiène": 3, "Alimentation": 2}
    assert blocks(world.org, "services", teams=(world.org.night,)) == {"services": 2}


def test_referrals_by_structure_and_category(world: TabsWorld) -> None:
    found = indicators(world.org, "structures")
    assert rows(found["structures"]) == {"Resto": 1, "Samu social": 1}
    assert {k: n for k, n in rows(found["categories"]).items() if n} == {
        "Hébergement d’urgence": 1,
        "Non renseigné": 1,
    }
    assert blocks(world.org, "structures", teams=(world.org.night,)) == {"referrals": 1}
    assert blocks(world.org, "general")["referrals"] == 2


def test_observations_fields(world: TabsWorld) -> None:
    """Midnight and noon bounds; the deleted observation and the one moved out of the period are not counted."""
    assert blocks(world.org, "observations") == {"observations": 2}
    found = indicators(world.org, "observations")
    assert rows(found["custom-police"]) == {"Oui": 1, "Non": 1, "Non renseigné": 0}
    assert rows(found["custom-atmosphere"]) == {"Violences": 0, "Tensions": 0, "RAS": 1, "Non renseigné": 1}
    assert dict((str(k), v) for k, v in found["custom-personsMale"].summary)["Total"] == "5,00"
    assert all(not i.members and str(i.unit) == "Observations" for i in found.values())
    assert blocks(world.org, "observations", teams=(world.org.night,)) == {"observations": 1}
    assert blocks(world.org, "general")["observations"] == 2


def test_reports_co_interventions(world: TabsWorld) -> None:
    """The co-intervention renamed after the fact shows its new name with the old counts."""
    assert blocks(world.org, "comptes-rendus") == {"reports": 3, "collaborations": 3}
    found = indicators(world.org, "comptes-rendus")
    assert rows(found["collaborations"]) == {"Samu social": 2, "Police": 1, "Non renseigné": 1}
    assert blocks(world.org, "comptes-rendus", teams=(world.org.night,)) == {"reports": 1, "collaborations": 1}


def test_consultations_for_health_professionals(world: TabsWorld) -> None:
    assert blocks(world.org, "consultations", "admin_health") == {"consultations": 2, "persons": 2}
    found = indicators(world.org, "consultations", "admin_health")
    assert rows(found["types"]) == {"Médicale": 2, "Psychologique": 0, "Non renseigné": 0}
    assert rows(found["status"]) == {"À faire": 1, "Faite": 1, "Annulée": 0}
    assert rows(found["persons_types"])["Médicale"] == 2
    assert blocks(world.org, "consultations", "admin_health", teams=(world.org.night,))["consultations"] == 1
    assert blocks(world.org, "general", "admin_health")["consultations"] == 2


def test_medical_file_fields_for_health_professionals(world: TabsWorld) -> None:
    """Chloé and Bruno have no medical file value: Non renseigné, counted and shown."""
    assert blocks(world.org, "dossier-medical", "admin_health") == {"persons": 3, "files": 1}
    couverture = indicators(world.org, "dossier-medical", "admin_health")["custom-couverture"]
    assert rows(couverture) == {"CMU": 0, "AME": 1, "Non renseigné": 2}
    assert couverture.members[1] == [str(world.world.persons["alice"].pk)]


def test_no_medical_number_without_the_health_key(world: TabsWorld) -> None:
    assert "consultations" not in blocks(world.org, "general", "admin")
    assert blocks(world.org, "consultations", "admin") == {"consultations": 0, "persons": 0}
    assert blocks(world.org, "dossier-medical", "normal")["files"] == 0


def _members(indicator: Indicator, world: TabsWorld) -> dict[str, set[str]]:
    names = {str(p.pk): key for key, p in world.world.persons.items()}
    pairs = zip(indicator.rows, indicator.members, strict=True)
    return {str(label): {names[m] for m in members} for (label, _n), members in pairs}


def test_actions_rows_list_the_persons_behind_them(world: TabsWorld) -> None:
    """Each row of categories, groups and statuses has its persons (not its actions) for the drill-down; the
    actions without a category are Alice's, Chloé's and Bruno's (world.py)."""
    found = indicators(world.org, "actions")
    assert _members(found["categories"], world) == {
        "Soins infirmiers": {"alice", "bruno"},
        "Pharmacie": {"chloe"},
        "CCAS": {"alice"},
        "Douche": {"alice"},
        "Non renseigné": {"alice", "bruno", "chloe"},
    }
    assert _members(found["groups"], world) == {
        "Santé": {"alice", "bruno", "chloe"},
        "Social": {"alice"},
        "Hors de la liste": {"alice"},
        "Non renseigné": {"alice", "bruno", "chloe"},
    }
    assert _members(found["status"], world) == {"À faire": {"alice", "chloe"}, "Faite": {"bruno"}, "Annulée": set()}
    night = indicators(world.org, "actions", teams=(world.org.night,))
    assert _members(night["status"], world) == {"À faire": {"alice"}, "Faite": {"bruno"}, "Annulée": set()}


def test_exits_by_month_and_reason(world: TabsWorld) -> None:
    """January and February: Chloé left in January (Hébergée), Alice and Bruno in February; Bruno for two
    reasons. Only the pairs met are rows, months in order."""
    found = indicators(world.org, "sorties", first=date(2026, 1, 1))["reasons-by-month"]
    assert [(str(label), n) for label, n in found.rows] == [
        ("janvier 2026 — Hébergée", 1),
        ("février 2026 — Hébergée", 2),
        ("février 2026 — Incarcération", 1),
    ]
    assert _members(found, world)["février 2026 — Incarcération"] == {"bruno"}
    assert found.total == 3


def test_a_referral_whose_action_is_cancelled_is_not_counted(world: TabsWorld) -> None:
    """As in the Résultats tab's delays; a referral done then kept still counts."""
    admin, alice = world.org["admin"], world.world.persons["alice"]
    samu = Structure.objects.get(organisation=world.org.organisation, name="Samu social")
    with time_machine.travel(at("2026-02-10 10:00"), tick=False):
        kept, cancelled = (
            referral_create(user=admin.user, keyring=admin.keyring, structure=samu, persons=[alice], team=day)[0]
            for day in (world.org.day, world.org.day)
        )
    assert blocks(world.org, "structures") == {"referrals": 4}
    cancelled.refresh_from_db()
    action_set_status(
        user=admin.user, keyring=admin.keyring, action=cancelled, status="cancelled", expected_version=cancelled.version
    )
    assert blocks(world.org, "structures") == {"referrals": 3}
    assert rows(indicators(world.org, "structures")["structures"]) == {"Resto": 1, "Samu social": 2}
    assert blocks(world.org, "general")["referrals"] == 3
    assert "annulée" in str(sections(world.org, "structures")[0].note)


def test_the_general_referral_count_says_it_ignores_person_filters(world: TabsWorld) -> None:
    filtered = context(world.org["admin"], _filters(), PersonFilters(vulnerable=True))
    (section,) = TABS["general"].build(filtered)
    referrals = next(b for b in section.blocks if b.key == "referrals")
    assert (str(referrals.label), referrals.count) == ("Orientations (sans les filtres sur les personnes)", 2)
    assert str(next(b for b in sections(world.org, "general")[0].blocks if b.key == "referrals").label) == (
        "Orientations"
    )
