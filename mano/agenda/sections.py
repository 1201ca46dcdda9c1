"""The "Actions" section of the person page (registered in persons.sections by AgendaConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from mano.agenda.selectors import person_actions
from mano.persons.selectors.persons import PersonView


def section(request: HttpRequest, view: PersonView) -> dict[str, Any]:
    rows = person_actions(user=request.user, keyring=request.keyring, person=view.person)  # type: ignore[arg-type, attr-defined]
    return {"person": view.person, "rows": rows}
