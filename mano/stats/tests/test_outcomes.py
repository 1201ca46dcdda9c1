"""The Évolution and Résultats tabs against the hand-built world (world.py), with a few changes made here."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from mano.agenda.services import action_set_status, actions_create
from mano.persons.models import Person
from mano.persons.selectors.fields import config_version
from mano.persons.services.fields import field_choice_rename
from mano.persons.services.persons import person_update
from mano.stats.filters import DEFAULT_AGES, Filters
from mano.stats.indicators import Indicator
from mano.stats.tabs import evolution, outcomes
from mano.stats.tests.world import FIRST, LAST, World, at, build, context
from mano.stats.tests.world import _passages as world_passages
from mano.stats.tests.world import _person as world_person
from mano.structures.referrals import referral_create
from mano.structures.services import structure_create
from mano.testing import Org, login_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a: Org) -> World:
    return build(org_a)


def _filters(**extra: Any) -> Filters:
    values: dict[str, Any] = {
        "preset": "personnalisee",
        "first": FIRST,
        "last": LAST,
        "team_ids": (),
        "tab": "evolution",
        "population": "activite",
        "ages": DEFAULT_AGES,
    }
    return Filters(**{**values, **extra})


def _update(world: World, name: str, when: str, custom: dict[str, Any]) -> None:
    admin = world.org["admin"]
    person = Person.objects.get(pk=world.persons[name].pk)
    with time_machine.travel(at(when), tick=False):
        person_update(
            user=admin.user, keyring=admin.keyring, person=person, expected_version=person.version, custom=custom
        )


def _rename(world: World, key: str, old: str, new: str) -> None:
    admin = world.org["admin"]
    world.org.organisation.refresh_from_db()
    version = config_version(world.org.organisation, "groups")
    field_choice_rename(user=admin.user, keyring=admin.keyring, key=key, old=old, new=new, config_version=version)


def _rows(indicator: Indicator) -> dict[str, int]:
    return {str(label): n for label, n in indicator.rows if n}


def _indicators(world: World, module: Any, **filters: Any) -> tuple[Any, dict[str, Indicator]]:
    (section,) = module.build(context(world.org["admin"], _filters(**filters)))
    return section, {i.key: i for i in section.indicators}


def test_evolution_sets_the_values_of_the_two_dates_side_by_side(world: World) -> None:
    """Chloé gets a nationality on 10 February; the option is renamed afterwards; Alice's "UE" was renamed before
    the period and never changed: she moves nowhere. Bruno, created on the 15th, is not counted."""
    _update(world, "chloe", "2026-02-10 12:00", {"nationality_situation": "Française"})
    _rename(world, "nationality_situation", "Française", "Nationalité française")
    section, found = _indicators(world, evolution, field_key="nationality_situation")
    assert {b.key: b.count for b in section.blocks} == {"evolution_persons": 2, "evolution_changed": 1}
    assert _rows(found["evolution-before"]) == {"Union européenne": 1, "Non renseigné": 1}
    assert _rows(found["evolution-after"]) == {"Union européenne": 1, "Nationalité française": 1}
    moves = found["evolution-moves"]
    assert _rows(moves) == {"Non renseigné → Nationalité française": 1}
    assert moves.members == [[str(world.persons["chloe"].pk)]]


def test_an_unknown_field_falls_back_to_the_first_with_a_notice(world: World) -> None:
    section, _found = _indicators(world, evolution, field_key="no-such-field")
    assert "n’existe pas" in str(section.notice)
    assert "Situation personnelle" in str(section.title)


def test_outcomes_measure_the_time_to_the_first_action_done_and_to_leaving_the_street(world: World) -> None:
    """Bruno, the one person created in February (the 15th), has his action done in the night of the 28th
    (1 March, 05:00) and gets "Hébergement: Oui" on the 20th."""
    _update(world, "bruno", "2026-02-20 10:00", {"address": "Oui"})
    section, found = _indicators(world, outcomes, tab="resultats", field_key="address", field_value="Oui")
    assert section.blocks[0].count == 1
    assert _rows(found["to-first-action"]) == {"8 à 30 jours": 1}
    assert _rows(found["to-leaving-street"]) == {"1 à 7 jours": 1}
    assert found["to-leaving-street"].summary[0][1] == "5 jours"


def test_outcomes_measure_the_time_to_the_first_referral_not_an_action_merely_named_so(world: World) -> None:
    """Bruno (created 15 February) is referred to a structure on 3 March, after a cancelled referral on the
    17th; an action merely categorised "Orientation" on the 16th is not a referral."""
    admin = world.org["admin"]
    bruno, night = world.persons["bruno"], world.org.night
    shelter = structure_create(user=admin.user, data={"name": "Accueil de jour"})
    with time_machine.travel(at("2026-02-16 10:00"), tick=False):
        actions_create(
            user=admin.user, keyring=admin.keyring, persons=[bruno], name="À orienter", teams=[night],
            due_at=at("2026-02-16 10:00"), categories=["Orientation"],
        )  # fmt: skip
    with time_machine.travel(at("2026-02-17 10:00"), tick=False):
        [cancelled] = referral_create(
            user=admin.user, keyring=admin.keyring, structure=shelter, persons=[bruno], team=night
        )
    cancelled.refresh_from_db()
    action_set_status(
        user=admin.user, keyring=admin.keyring, action=cancelled, status="cancelled",
        expected_version=cancelled.version, completed_at=at("2026-02-17 10:00"),
    )  # fmt: skip
    _section, found = _indicators(world, outcomes, tab="resultats")
    assert _rows(found["to-first-referral"]) == {"Pas encore": 1}
    with time_machine.travel(at("2026-03-03 10:00"), tick=False):
        referral_create(user=admin.user, keyring=admin.keyring, structure=shelter, persons=[bruno], team=night)
    _section, found = _indicators(world, outcomes, tab="resultats")
    assert _rows(found["to-first-referral"]) == {"8 à 30 jours": 1}
    assert found["to-first-referral"].members[2] == [str(bruno.pk)]
    assert found["to-first-referral"].summary[0][1] == "16 jours"


def test_without_the_value_the_time_to_leave_the_street_is_explained_not_guessed(world: World) -> None:
    section, found = _indicators(world, outcomes, tab="resultats")
    assert "to-leaving-street" not in found
    assert "sorti·e de la rue" in str(section.note)


def test_seen_again_counts_meetings_not_planned_actions(world: World) -> None:
    """Alice: passage on 1 February, comment on the 10th → yes. Bruno: night passage on 1 February at noon,
    rencontre on the 14th → yes. Chloé has only a planned action: not a meeting, not counted."""
    _section, found = _indicators(world, outcomes, tab="resultats")
    assert _rows(found["seen-again"]) == {"Oui": 2}


def test_seen_again_means_within_30_days_of_the_first_meeting_of_the_period(world: World) -> None:
    """Émile, first met on 27 February, is met again 30 days later (29 March): yes. Fanny, first met on the 27th
    too, only 31 days later: no. Gaston, met on 31 January and 1 March, was not met in the period: not counted."""
    org = world.org
    emile = world_person(org, "Émile", org.day, "2026-01-01 09:00", {})
    fanny = world_person(org, "Fanny", org.day, "2026-01-01 09:00", {})
    gaston = world_person(org, "Gaston", org.day, "2026-01-01 09:00", {})
    world_passages(org, emile, org.day, ["2026-02-27 10:00", "2026-03-29 23:00"])
    world_passages(org, fanny, org.day, ["2026-02-27 10:00", "2026-03-30 09:00"])
    world_passages(org, gaston, org.day, ["2026-01-31 10:00", "2026-03-01 09:00"])
    _section, found = _indicators(world, outcomes, tab="resultats")
    yes, no = found["seen-again"].members
    assert str(emile.pk) in yes
    assert no == [str(fanny.pk)]
    assert str(gaston.pk) not in yes + no


def test_exits_are_counted_month_by_month(world: World) -> None:
    """Chloé left the day team's active list on 15 January: nothing in February, one in January."""
    _section, february = _indicators(world, outcomes, tab="resultats")
    assert _rows(february["exits-by-month"]) == {}
    _section, january = _indicators(world, outcomes, tab="resultats", first=date(2026, 1, 1), last=date(2026, 1, 31))
    assert _rows(january["exits-by-month"]) == {"janvier 2026": 1}


@pytest.mark.parametrize("tab", ["evolution", "resultats"])
def test_the_tabs_render_with_their_field_choice_even_for_an_empty_organisation(
    world: World, org_b: Org, tab: str
) -> None:
    query = f"onglet={tab}&champ=address&valeur=Oui&periode=annee"
    page = login_client(world.org["admin"]).get(f"/statistiques/?{query}")
    html = page.content.decode()
    assert page.status_code == 200 and '<select id="champ" name="champ">' in html
    assert '<option value="address" selected>' in html
    assert login_client(org_b["stats"]).get(f"/statistiques/?{query}").status_code == 200
