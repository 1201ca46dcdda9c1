"""The "Actions" section of the person page (registered in persons.sections by AgendaConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from mano.agenda.family import family_actions, is_family
from mano.agenda.selectors import person_actions
from mano.persons.selectors.families import page_family_others
from mano.persons.selectors.persons import PersonView


def section(request: HttpRequest, view: PersonView) -> dict[str, Any]:
    """The person's own actions, then the family actions (its own and those of the other family members)."""
    user, keyring = request.user, request.keyring  # type: ignore[attr-defined]
    own = person_actions(user=user, keyring=keyring, person=view.person, name=view.name)  # type: ignore[arg-type]
    others = page_family_others(request, view.person)
    family = [r for r in own if is_family(r)] + family_actions(user=user, keyring=keyring, others=others)  # type: ignore[arg-type]
    return {"person": view.person, "rows": [r for r in own if not is_family(r)], "family": family}
