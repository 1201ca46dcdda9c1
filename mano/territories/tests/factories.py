"""Territories, observations and persons for the tests, written through the real services (so encrypted)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from mano.accounts.models import Team
from mano.persons.models import Person
from mano.persons.services import person_create
from mano.territories.models import Observation, Territory
from mano.territories.services.observations import ObservationInput, observation_create
from mano.territories.services.territories import territory_create
from mano.testing import Persona


def make_territory(persona: Persona, name: str = "Campement du canal", **data: Any) -> Territory:
    return territory_create(user=persona.user, keyring=persona.keyring, data={"name": name, **data})


def make_observation(
    persona: Persona,
    territory: Territory,
    team: Team,
    *,
    at: datetime | None = None,
    persons: list[Person] | None = None,
    **custom: Any,
) -> Observation:
    values = ObservationInput(
        territory=territory, team=team, observed_at=at or timezone.now(), custom=custom, persons=persons or []
    )
    return observation_create(user=persona.user, keyring=persona.keyring, values=values)


def make_person(persona: Persona, team: Team, name: str) -> Person:
    return person_create(user=persona.user, keyring=persona.keyring, teams=[team], name=name)
