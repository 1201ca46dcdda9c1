"""A hand-built organisation for the statistics tests, written through the services, with the numbers it must
give for February 2026 (FIRST to LAST). Org A has a day team ("Jour") and a night team ("Nuit", noon to noon).

- Alice (day): woman, born 1990-02-28, followed since 2025-02-01, in the street since 2020-01-01, very vulnerable,
  nationality "UE" (renamed "Union européenne" after the fact), resources RSA + AAH, with an animal, 2 children,
  arrived 2019-05-01; passages at 2026-02-01 00:00 and 2026-02-28 23:59 (in), 2026-01-31 23:59 and
  2026-03-01 00:00 (out); one comment in February (and one deleted); an action of both teams due 2026-02-05;
  she absorbed a merged duplicate whose February comment now is hers.
- Bruno (night): man, no birth date, followed since 2026-02-15 (created in the period), resources RSA, 3 children;
  night passages at 2026-02-01 12:00 and 2026-03-01 11:59 (in), 2026-02-01 11:59 and 2026-03-01 12:00 (out);
  a rencontre 2026-02-14 22:00; an action done 2026-03-01 05:00 (the night of the 28th).
- Chloé (day): no gender, born 2010-06-01, followed since 2024-01-01, out of the day team's active list since
  2026-01-15; an action due 2026-02-20.
- Denis (day): deleted, with a February passage: counted nowhere.
- One anonymous passage (day team) on 2026-02-10.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import time_machine
from django.utils import timezone

from mano.agenda.models import Action
from mano.agenda.services import action_set_status, actions_create
from mano.persons.filters import PersonFilters
from mano.persons.models import Person
from mano.persons.selectors.fields import config_version
from mano.persons.services.comments import comment_create, comment_delete
from mano.persons.services.fields import field_add, field_choice_rename
from mano.persons.services.lifecycle import person_delete, person_leave_active_list
from mano.persons.services.passages import encounters_create
from mano.persons.services.persons import person_create
from mano.stats import selectors
from mano.stats.context import StatsContext
from mano.stats.filters import Filters
from mano.testing import Org, merge_persons

FIRST, LAST = date(2026, 2, 1), date(2026, 2, 28)
PERIOD = {"periode": "personnalisee", "du": FIRST.isoformat(), "au": LAST.isoformat()}


def at(text: str) -> datetime:
    """A local wall-clock moment, "2026-02-01 12:00"."""
    return timezone.make_aware(datetime.fromisoformat(text))


@dataclass
class World:
    org: Org
    persons: dict[str, Person]
    children: str  # the number field's key
    arrival: str  # the date field's key


def _fields(org: Org) -> tuple[str, str]:
    admin = org["admin"]
    keys = []
    for label, type_ in (("Nombre d’enfants", "number"), ("Arrivée en France", "date")):
        org.organisation.refresh_from_db()
        version = config_version(org.organisation, "groups")
        keys.append(
            field_add(
                user=admin.user,
                group_index=0,
                config_version=version,
                label=label,
                type=type_,
                options=[],
                enabled_teams=[],
                enabled=True,
                show_in_stats=True,
            )
        )
    return keys[0], keys[1]


def _person(org: Org, name: str, team: Any, when: str, custom: dict[str, Any], **fields: Any) -> Person:
    admin = org["admin"]
    with time_machine.travel(at(when), tick=False):
        return person_create(user=admin.user, keyring=admin.keyring, teams=[team], name=name, custom=custom, **fields)


def _passages(org: Org, person: Person | None, team: Any, moments: list[str]) -> None:
    admin = org["admin"]
    for moment in moments:
        persons = [person] if person else []
        encounters_create(
            user=admin.user,
            keyring=admin.keyring,
            kind="passage",
            team=team,
            date=at(moment),
            persons=persons,
            anonymous_count=None if person else 1,
        )


def _comment(org: Org, person: Person, when: str) -> Any:
    admin = org["admin"]
    with time_machine.travel(at(when), tick=False):
        return comment_create(user=admin.user, keyring=admin.keyring, person=person, text="Vu", team=org.day)


def build(org: Org) -> World:
    admin, day, night = org["admin"], org.day, org.night
    children, arrival = _fields(org)
    alice = _person(
        org,
        "Alice",
        day,
        "2025-02-01 10:00",
        {
            "nationality_situation": "UE",
            "resources": ["RSA", "AAH"],
            "has_animal": "Oui",
            children: 2,
            arrival: "2019-05-01",
        },
        gender="Femme",
        birth_date=date(1990, 2, 28),
        followed_since=date(2025, 2, 1),
        in_street_since=date(2020, 1, 1),
        vulnerable=True,
    )
    bruno = _person(
        org,
        "Bruno",
        night,
        "2026-02-15 09:00",
        {"nationality_situation": "Française", "resources": ["RSA"], children: 3},
        gender="Homme",
        followed_since=date(2026, 2, 15),
    )
    chloe = _person(
        org, "Chloé", day, "2024-01-01 09:00", {}, birth_date=date(2010, 6, 1), followed_since=date(2024, 1, 1)
    )
    denis = _person(org, "Denis", day, "2025-06-01 09:00", {}, gender="Homme", followed_since=date(2025, 6, 1))
    double = _person(org, "Alice bis", day, "2025-03-01 09:00", {}, gender="Femme", followed_since=date(2025, 3, 1))

    _passages(org, alice, day, ["2026-01-31 23:59", "2026-02-01 00:00", "2026-02-28 23:59", "2026-03-01 00:00"])
    _passages(org, bruno, night, ["2026-02-01 11:59", "2026-02-01 12:00", "2026-03-01 11:59", "2026-03-01 12:00"])
    _passages(org, None, day, ["2026-02-10 10:00"])
    _passages(org, denis, day, ["2026-02-12 10:00"])
    encounters_create(
        user=admin.user,
        keyring=admin.keyring,
        kind="rencontre",
        team=night,
        date=at("2026-02-14 22:00"),
        persons=[bruno],
    )
    _comment(org, alice, "2026-02-10 09:00")
    gone = _comment(org, alice, "2026-02-11 09:00")
    comment_delete(user=admin.user, keyring=admin.keyring, comment=gone)
    _comment(org, double, "2026-02-12 09:00")

    actions_create(
        user=admin.user,
        keyring=admin.keyring,
        persons=[alice],
        name="RDV",
        teams=[day, night],
        due_at=at("2026-02-05 10:00"),
    )
    actions_create(
        user=admin.user, keyring=admin.keyring, persons=[chloe], name="CCAS", teams=[day], due_at=at("2026-02-20 10:00")
    )
    done = actions_create(
        user=admin.user,
        keyring=admin.keyring,
        persons=[bruno],
        name="115",
        teams=[night],
        due_at=at("2026-02-27 10:00"),
    )[0]
    action_set_status(
        user=admin.user,
        keyring=admin.keyring,
        action=done,
        status="done",
        expected_version=done.version,
        completed_at=at("2026-03-01 05:00"),
    )

    chloe.refresh_from_db()
    person_leave_active_list(
        user=admin.user,
        keyring=admin.keyring,
        person=chloe,
        team=day,
        reasons=["Hébergée"],
        day=date(2026, 1, 15),
        expected_version=chloe.version,
    )
    denis.refresh_from_db()
    person_delete(user=admin.user, keyring=admin.keyring, person=denis, expected_version=denis.version)
    merge_persons(admin, alice, double)
    org.organisation.refresh_from_db()
    field_choice_rename(
        user=admin.user,
        keyring=admin.keyring,
        key="nationality_situation",
        old="UE",
        new="Union européenne",
        config_version=config_version(org.organisation, "groups"),
    )
    assert Action.objects.filter(person=bruno, status="done").count() == 1
    return World(org, {"alice": alice, "bruno": bruno, "chloe": chloe}, children, arrival)


def context(member: Any, filters: Filters, person_filters: PersonFilters | None = None) -> StatsContext:
    """The statistics context a request of this member would build (its organisation reloaded, as a request
    loads it, with the fields added since)."""
    member.user.organisation.refresh_from_db()
    return StatsContext(
        user=member.user,
        keyring=member.keyring,
        filters=filters,
        scope=selectors.scope_of(user=member.user, filters=filters),
        person_filters=person_filters or PersonFilters(),
        teams=selectors.org_teams(member.user),
    )
