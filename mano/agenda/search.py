"""Action names are part of a person's search text."""

from __future__ import annotations

from mano.agenda.models import Action
from mano.core.crypto import Keyring
from mano.core.records import records_data
from mano.persons.index import SEARCH_SOURCES
from mano.persons.models import Person


def action_names(person: Person, keyring: Keyring) -> tuple[str, list[str]]:
    rows = Action.objects.filter(person=person, deleted_at=None).only("id", "organisation_id", "payload")
    # A recurring series repeats one name hundreds of times: each name once keeps the search line small.
    names = dict.fromkeys(str(data.get("name") or "") for _, data in records_data(rows, keyring))
    return "actions", list(names)


SEARCH_SOURCES.append(action_names)
