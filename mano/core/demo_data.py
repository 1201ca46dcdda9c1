"""Plausible French values for the demo organisation (no Faker at run time)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

FIRST_NAMES = [
    "Éloïse",
    "Karim",
    "Mélanie",
    "Jean-Pierre",
    "Fatou",
    "Mohamed",
    "Sandrine",
    "Thierry",
    "Aïcha",
    "Rémi",
    "Nadia",
    "Grégory",
    "Zoé",
    "Sébastien",
    "Inès",
    "Mamadou",
    "Céline",
    "Yannick",
    "Leïla",
    "Bruno",
    "Hélène",
    "Ousmane",
    "Sylvie",
    "Dimitri",
    "Amandine",
    "Patrice",
    "Chloé",
    "Rachid",
    "Océane",
    "Gaëtan",
]
LAST_NAMES = [
    "Dupont",
    "Martin",
    "Benali",
    "Lefèvre",
    "Diallo",
    "Moreau",
    "Traoré",
    "Girard",
    "Nguyen",
    "Fontaine",
    "Haddad",
    "Roussel",
    "Camara",
    "Mercier",
    "Petitjean",
    "Bouchard",
    "Kone",
    "Lemoine",
    "Rivière",
    "Boyer",
]
NICKNAMES = ["Le Grand", "Titi", "Momo", "La Rousse", "Capitaine", "Pépé", "Mimi", "Le Chti", "Zaza", "Bébert"]
GENDERS = ["Homme", "Femme", "Homme", "Femme", "Non binaire", "Aucun"]
DESCRIPTIONS = [
    "Rencontré près de la gare, dort sous le pont avec son chien.",
    "Demande d'aide pour refaire ses papiers d'identité.",
    "Orientée vers l'accueil de jour pour une douche et un repas.",
    "Suivi CSAPA en cours, vient chercher du matériel de réduction des risques.",
    "Souhaite une domiciliation au CCAS.",
    "Hébergement 115 refusé hier soir, à revoir lors de la prochaine maraude.",
    "",
]


def demo_person(rng: random.Random, today: date) -> dict[str, Any]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    name = f"{first} {last}" if rng.random() > 0.15 else rng.choice(NICKNAMES)
    followed = today - timedelta(days=rng.randint(1, 1500))
    return {
        "name": name,
        "other_names": rng.choice(NICKNAMES) if rng.random() < 0.3 else "",
        "gender": rng.choice(GENDERS),
        "birth_date": date(rng.randint(1950, 2006), rng.randint(1, 12), rng.randint(1, 28)),
        "phone": f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
        if rng.random() < 0.5
        else "",
        "email": "",
        "description": rng.choice(DESCRIPTIONS),
        "vulnerable": rng.random() < 0.1,
        "in_street_since": followed - timedelta(days=rng.randint(0, 2000)),
        "followed_since": followed,
    }
