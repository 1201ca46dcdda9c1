"""What the territory views share: service errors onto forms, the conflict answer that keeps the typing, and the
history labels."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Organisation
from mano.core.http import AuthenticatedHttpRequest

TERRITORY_LABELS = {
    "name": _("Nom"),
    "types": _("Types"),
    "perimeter": _("Périmètre"),
    "description": _("Description"),
}
OBSERVATION_LABELS = {
    "observed_at": _("Observation faite le"),
    "team": _("Sous l’équipe"),
    "territory": _("Territoire"),
    "persons": _("Personnes rencontrées"),
}


def organisation_of(request: AuthenticatedHttpRequest) -> Organisation:
    organisation = request.user.organisation
    assert organisation is not None
    return organisation


def errors_to_form(form: forms.Form, exc: ValidationError) -> None:
    """Each service message on the field it names (a French message next to what was typed), else above."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for name, texts in errors.items():
        for text in texts:
            form.add_error(name if name in form.fields else None, text)


def unbound(form: forms.Form) -> forms.Form:
    """The same form showing what was typed as initial values, without errors: a person search, nothing saved."""
    typed = {
        name: field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        for name, field in form.fields.items()
    }
    form.is_bound, form.data, form.initial = False, {}, {**form.initial, **typed}
    return form


def observation_labels(organisation: Organisation) -> dict[str, Any]:
    fields = {f"custom.{f['key']}": f["label"] for g in organisation.observation_field_groups for f in g["fields"]}
    return {**OBSERVATION_LABELS, **fields}
