"""The organisation's names epoch and the persons renamed or deleted since one (see `NamesEpoch`)."""

from __future__ import annotations

from typing import Any

from mano.core.raw import hex_of, raw_values
from mano.persons.models import NameChange, NamesEpoch


def names_epoch(org_id: Any) -> int:
    """The organisation's names epoch: 0 before its first rename."""
    return NamesEpoch.objects.filter(organisation_id=org_id).values_list("version", flat=True).first() or 0


def renamed_since(org_id: Any, epoch: int) -> dict[str, int]:
    """The persons (ids as 32 hex digits) renamed or deleted after `epoch`, with the epoch of their last change."""
    changes = NameChange.objects.filter(organisation_id=org_id, epoch__gt=epoch).values_list("person_id", "epoch")
    return {hex_of(person_id): at for person_id, at in raw_values(changes)}
