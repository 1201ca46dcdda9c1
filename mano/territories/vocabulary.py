"""What a new organisation starts with for territories (editable afterwards by its admins)."""

from __future__ import annotations

from typing import Any

from mano.persons.custom_fields import field_definition

TERRITORY_TYPES = [
    "Lieu de conso",
    "Lieu de deal",
    "Carrefour de passage",
    "Campement",
    "Lieu de vie",
    "Prostitution",
    "Errance",
    "Mendicité",
    "Loisir",
    "Rassemblement communautaire",
    "Historique",
]
OBSERVATION_GROUP = "Observation"


def default_territory_types() -> list[dict[str, Any]]:
    """A grouped list (mano.core.grouped): [{"group": title, "items": [names]}]."""
    return [{"group": "Tous mes types", "items": list(TERRITORY_TYPES)}]


def default_observation_field_groups() -> list[dict[str, Any]]:
    """The observation fields, a field set of the person-field editor (mano.persons.fieldsets)."""
    fields = [
        field_definition("personsMale", "Nombre de personnes non connues hommes rencontrées", "number"),
        field_definition("personsFemale", "Nombre de personnes non connues femmes rencontrées", "number"),
        field_definition("personsMinors", "Nombre de mineurs rencontrés", "number"),
        field_definition("police", "Présence policière", "yes-no"),
        field_definition("material", "Nombre de matériel ramassé", "number"),
        field_definition("atmosphere", "Ambiance", "enum", ["Violences", "Tensions", "RAS"]),
        field_definition("mediation", "Nombre de médiations avec les riverains / les structures", "number"),
        field_definition("comment", "Commentaire", "textarea", show_in_stats=False),
    ]
    return [{"name": OBSERVATION_GROUP, "fields": fields}]
