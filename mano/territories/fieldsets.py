"""The observation fields, a field set of the person-field editor: the organisation's `observation_field_groups`,
whose values live in each observation's payload (`custom`). Renaming a choice rewrites the observations using it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext, ngettext

from mano.accounts.models import User
from mano.core.crypto import Keyring
from mano.core.models import EncryptedRecord
from mano.persons.fieldsets import FieldSet, payload_scan, register
from mano.territories.models import Observation


def _observation_payloads(user: User, keyring: Keyring) -> Iterator[tuple[EncryptedRecord, dict[str, Any]]]:
    rows = Observation.objects.filter(organisation_id=user.member_organisation_id, deleted_at=None)
    return payload_scan(rows, keyring)


def _observations_updated(count: int) -> str:
    if count == 0:
        return gettext("aucune observation n’avait ce choix")
    return ngettext("%(count)s observation mise à jour", "%(count)s observations mises à jour", count) % {
        "count": count
    }


OBSERVATION_FIELDS = register(
    FieldSet(
        part="observation_fields",
        column="observation_field_groups",
        namespace="observation-fields",
        settings_url="territories:settings",
        payloads=_observation_payloads,
        updated_text=_observations_updated,
    )
)
