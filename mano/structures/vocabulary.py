"""The fixed vocabularies of the directory and the default category groups of a new organisation.

Stored values are these French labels as typed here: they are public directory information, shown as they are.
"""

from __future__ import annotations

from typing import Any

PUBLICS = [
    "Hommes",
    "Femmes",
    "Familles",
    "Couples",
    "Mineurs",
    "Jeunes (18-25 ans)",
    "Personnes âgées",
    "Personnes en situation de handicap",
    "Personnes LGBTQIA+",
    "Personnes exilées",
    "Animaux acceptés",
]

ACCESS_CONDITIONS = [
    "Sans rendez-vous",
    "Sur rendez-vous",
    "Sur orientation",
    "Accueil inconditionnel",
    "Gratuit",
    "Participation financière",
    "Domiciliation nécessaire",
    "Accessible en fauteuil roulant",
]


def default_structure_categories() -> list[dict[str, Any]]:
    return [
        {"group": "Hébergement", "items": ["Hébergement d’urgence", "Hébergement d’insertion", "Halte de nuit"]},
        {"group": "Alimentation", "items": ["Distribution alimentaire", "Restauration assise", "Épicerie solidaire"]},
        {"group": "Hygiène", "items": ["Douche", "Laverie", "Toilettes", "Bagagerie"]},
        {"group": "Santé", "items": ["PASS", "Centre de santé", "Soins infirmiers", "Santé mentale"]},
        {"group": "Addictions / RdR", "items": ["CSAPA", "CAARUD", "Salle de consommation", "Matériel de RdR"]},
        {"group": "Accès aux droits", "items": ["Domiciliation", "Accompagnement social", "Aide juridique"]},
        {"group": "Emploi", "items": ["Insertion professionnelle", "Travail à la journée"]},
        {"group": "Accueil de jour", "items": ["Accueil de jour", "Espace repos"]},
    ]
