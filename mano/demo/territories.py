"""Territories of the demo organisation and what the street teams observed there over the last weeks, written
through the territories services (encrypted like real data); a few observations name persons met."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from mano.accounts.models import Team
from mano.persons.models import Person
from mano.territories.services.observations import ObservationInput, observation_create
from mano.territories.services.territories import territory_archive, territory_create

# (name, types, perimeter, description)
DEMO_TERRITORIES: list[tuple[str, list[str], str, str]] = [
    (
        "Campement du quai Perrache",
        ["Campement", "Lieu de vie"],
        "Quai Perrache, sous le pont",
        "Une dizaine de tentes.",
    ),
    ("Gare Part-Dieu", ["Carrefour de passage", "Errance", "Mendicité"], "Parvis et galerie", ""),
    ("Square Sathonay", ["Lieu de conso", "Rassemblement communautaire"], "Square et escaliers", ""),
    ("Squat rue Garibaldi", ["Lieu de vie"], "Immeuble vide du 12", "Accès par la cour."),
    ("Berges du Rhône", ["Loisir", "Errance"], "Entre les ponts Wilson et Lafayette", ""),
    ("Ancien campement Gerland", ["Campement", "Historique"], "Rue de Gerland", "Évacué au printemps."),
]
ATMOSPHERES = ["RAS", "RAS", "RAS", "Tensions", "Violences"]
OBSERVATIONS = 30


def _custom(rng: random.Random) -> dict[str, Any]:
    custom: dict[str, Any] = {
        "personsMale": rng.randint(0, 8),
        "personsFemale": rng.randint(0, 4),
        "atmosphere": rng.choice(ATMOSPHERES),
        "police": rng.choice(["Oui", "Non", "Non"]),
    }
    if rng.random() < 0.3:
        custom["material"] = rng.randint(1, 20)
    if rng.random() < 0.3:
        custom["comment"] = rng.choice(["Distribution de café.", "Nouvelles tentes.", "Calme ce soir."])
    return custom


def seed_territories(admin: Any, teams: list[Team], persons: list[Person], rng: random.Random) -> None:
    """DEMO_TERRITORIES (the last one archived) and OBSERVATIONS observations by the street teams over the last
    30 days on the others; one in four names one or two persons met (a rencontre each)."""
    user, keyring = admin.user, admin.keyring
    territories = [
        territory_create(user=user, keyring=keyring, data={"name": n, "types": t, "perimeter": p, "description": d})
        for n, t, p, d in DEMO_TERRITORIES
    ]
    now = timezone.now()
    street = teams[:2]
    for _ in range(OBSERVATIONS):
        met = rng.sample(persons, min(len(persons), rng.randint(1, 2))) if rng.random() < 0.25 else []
        values = ObservationInput(
            territory=rng.choice(territories),
            team=rng.choice(street),
            observed_at=now - timedelta(days=rng.randint(0, 29), hours=rng.randint(0, 23), minutes=rng.randint(0, 59)),
            custom=_custom(rng),
            persons=met,
        )
        observation_create(user=user, keyring=keyring, values=values)
    territory_archive(user=user, territory=territories[-1], archived=True)
