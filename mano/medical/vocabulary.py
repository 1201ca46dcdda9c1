"""The medical configuration a new organisation starts with (editable afterwards by its admins)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from mano.persons.custom_fields import field_definition

MEDICAL_FILE_GROUP = "Dossier médical"
# The medical documents tree always has these two folders (documents of consultations, of treatments).
FIXED_FOLDERS = {"consultations": _("Consultations"), "treatments": _("Traitements")}


def default_medical_field_groups() -> list[dict[str, Any]]:
    ssn = field_definition("numero_securite_sociale", "Numéro de sécurité sociale", "text", show_in_stats=False)
    return [{"name": MEDICAL_FILE_GROUP, "fields": [ssn]}]


def default_consultation_types() -> list[dict[str, Any]]:
    """Each type is a group of the consultation field set: its name, its own fields, archived or not."""
    description = field_definition("description", "Description", "textarea", show_in_stats=False)
    return [{"name": "Médicale", "fields": [description]}]
