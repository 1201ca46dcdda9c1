"""Every indicator of the Général and Personnes tabs against the hand-built world (see world.py) and its numbers."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from mano.persons.selectors.fields import config_version
from mano.persons.services.fields import field_update
from mano.stats.filters import DEFAULT_AGES, Filters
from mano.stats.indicators import Indicator
from mano.stats.tabs import persons
from mano.stats.tabs.general import general_blocks
from mano.stats.tests.world import FIRST, LAST, World, build, context
from mano.testing import Org

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a: Org) -> World:
    return build(org_a)


def _filters(world: World, *, teams: tuple[Any, ...] = (), population: str = "activite", **extra: Any) -> Filters:
    values: dict[str, Any] = {
        "preset": "personnalisee",
        "first": FIRST,
        "last": LAST,
        "team_ids": tuple(str(t.pk) for t in teams),
        "tab": "personnes",
        "population": population,
        "ages": DEFAULT_AGES,
    }
    return Filters(**{**values, **extra})


def _general(world: World, **kw: Any) -> dict[str, int | str]:
    ctx = context(world.org["admin"], _filters(world, **kw))
    return {b.key: b.count for b in general_blocks(ctx)}


def _persons(world: World, **kw: Any) -> tuple[int | str, dict[str, Indicator]]:
    (section,) = persons.build(context(world.org["admin"], _filters(world, **kw)))
    return section.blocks[0].count, {i.key: i for i in section.indicators}


def _rows(indicator: Indicator) -> dict[str, int]:
    return {str(label): n for label, n in indicator.rows if n}


def test_general_counts_the_whole_organisation(world: World) -> None:
    """Midnight bounds for the day team, noon bounds for the night team; the deleted person's passage, the
    deleted comment and the merged duplicate (whose comment moved to Alice) are not counted twice or at all."""
    assert _general(world) == {
        "persons_created": 1,  # Bruno
        "persons_followed": 3,  # Alice, Bruno, Chloé
        "persons_with_actions": 3,
        "comments": 2,  # Alice's and the one she took over in the merge
        "passages": 5,  # 2 day + 2 night + 1 anonymous
        "rencontres": 1,
        "actions": 3,  # the action of both teams once; the one done at 05:00 on 1 March belongs to the 28th's night
        "observations": 0,
        "referrals": 0,
    }


def test_general_counts_the_night_team_from_noon_to_noon(world: World) -> None:
    assert _general(world, teams=(world.org.night,)) == {
        "persons_created": 1,
        "persons_followed": 2,  # Bruno, and Alice through the action both teams share
        "persons_with_actions": 2,
        "comments": 0,
        "passages": 2,
        "rencontres": 1,
        "actions": 2,
        "observations": 0,
        "referrals": 0,
    }


def test_general_counts_the_day_team(world: World) -> None:
    counts = _general(world, teams=(world.org.day,))
    assert counts["passages"] == 3  # Alice's two and the anonymous one
    assert counts["actions"] == 2
    assert counts["comments"] == 2
    assert counts["persons_created"] == 0


def test_a_one_day_period_at_the_boundaries(world: World) -> None:
    one = {"first": date(2026, 2, 28), "last": date(2026, 2, 28)}
    assert _general(world, **one)["passages"] == 2  # Alice at 23:59, Bruno at 11:59 the next morning
    first_day = {"first": date(2026, 2, 1), "last": date(2026, 2, 1)}
    assert _general(world, **first_day)["passages"] == 2  # Alice at 00:00, Bruno at 12:00


def test_followed_persons_indicators(world: World) -> None:
    count, found = _persons(world)
    assert count == 3
    assert _rows(found["gender"]) == {"Femme": 1, "Homme": 1, "Non renseigné": 1}
    # Alice is 36 on the 28th (born on the 28th), Bruno has no birth date, Chloé is 15.
    assert _rows(found["age"]) == {"Moins de 18 ans": 1, "25 à 39 ans": 1, "Non renseigné": 1}
    assert found["age"].rows[-1] == ("Non renseigné", 1)
    assert _rows(found["followed"]) == {"Moins de 6 mois": 1, "1 à 2 ans": 1, "2 à 5 ans": 1}
    assert _rows(found["street"]) == {"5 à 10 ans": 1, "Non renseigné": 2}
    assert _rows(found["vulnerable"]) == {"Oui": 1, "Non": 2}


def test_custom_fields_follow_a_renamed_choice(world: World) -> None:
    _count, found = _persons(world)
    assert _rows(found["custom-nationality_situation"]) == {
        "Union européenne": 1,
        "Française": 1,
        "Non renseigné": 1,
    }
    assert _rows(found["custom-resources"]) == {"RSA": 2, "AAH": 1, "Non renseigné": 1}
    assert _rows(found["custom-has_animal"]) == {"Oui": 1, "Non renseigné": 2}
    assert found["custom-has_animal"].chart == "pie"


def test_a_field_renamed_after_the_fact_keeps_its_values_under_its_new_label(world: World) -> None:
    admin = world.org["admin"]
    world.org.organisation.refresh_from_db()
    field_update(
        user=admin.user,
        keyring=admin.keyring,
        key="nationality_situation",
        config_version=config_version(world.org.organisation, "groups"),
        label="Situation administrative",
        type="enum",
        options=["Hors UE", "Union européenne", "Française", "Apatride"],
        enabled_teams=[],
        enabled=True,
        show_in_stats=True,
    )
    _count, found = _persons(world)
    renamed = found["custom-nationality_situation"]
    assert str(renamed.label) == "Situation administrative"
    assert _rows(renamed) == {"Union européenne": 1, "Française": 1, "Non renseigné": 1}


def test_number_and_date_fields(world: World) -> None:
    _count, found = _persons(world)
    number = found[f"custom-{world.children}"]
    assert _rows(number) == {"Renseigné": 2, "Non renseigné": 1}
    assert dict(number.summary) == {"Total": "5,00", "Moyenne": "2,50", "Médiane": "2,50"}
    assert _rows(found[f"custom-{world.arrival}"]) == {"2019": 1, "Non renseigné": 2}


def test_configurable_age_ranges(world: World) -> None:
    _count, found = _persons(world, ages=(30, 40))
    assert _rows(found["age"]) == {"Moins de 30 ans": 1, "30 à 39 ans": 1, "Non renseigné": 1}


@pytest.mark.parametrize(
    ("population", "teams", "expected"),
    [
        ("creees", (), 1),  # Bruno
        ("activite", (), 3),
        ("assignees", (), 3),
        ("file-active", (), 2),  # Chloé left the day team's active list before February
        ("assignees", ("night",), 1),
        ("activite", ("day",), 2),  # Alice and Chloé (Bruno's items are all the night team's)
    ],
)
def test_population_definitions(world: World, population: str, teams: tuple[str, ...], expected: int) -> None:
    chosen = tuple(getattr(world.org, t) for t in teams)
    assert _persons(world, population=population, teams=chosen)[0] == expected
