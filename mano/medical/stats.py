"""The medical source of the statistics store (`mano.core.statstore`), under K_health only: one line per person
with health rows, keyed by the person's keyed link (like the medical search shards: even the bucket says nothing
without the key), `link \\t person id \\t JSON {"f": medical file values, "c": [[team key, half-day code, status
letter, type], …]}` (texts cut: no chart reads a long text). Registered by MedicalConfig.ready; refreshed with
the medical search lines (`medical_index_refresh`, which every consultation, merge and deletion calls) and by
`medical_file_save`."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from mano.core import statstore
from mano.core.crypto import KeyKind, Keyring
from mano.core.records import payload_data
from mano.core.statlines import half_day, team_key
from mano.medical.models import Consultation, MedicalFile, Status

SOURCE = "medical"
STATUS_LETTERS = {Status.TODO: "t", Status.DONE: "d", Status.CANCELLED: "c"}
LETTER_STATUSES = {letter: status for status, letter in STATUS_LETTERS.items()}
TEXT_MAX = 200


def _short(value: Any) -> Any:
    return value[:TEXT_MAX] if isinstance(value, str) else value


def _rows(model: Any, org_id: Any, links: set[str] | None) -> Any:
    rows = model.objects.filter(organisation_id=org_id, deleted_at=None).order_by()
    return rows if links is None else rows.filter(person_link__in=links)


def _lines(org_id: Any, keyring: Any, keys: set[str] | None) -> dict[str, str]:
    persons: dict[str, str] = {}
    files: dict[str, dict[str, Any]] = {}
    consultations: dict[str, list[list[Any]]] = defaultdict(list)
    for pk, link, payload in _rows(MedicalFile, org_id, keys).values_list("id", "person_link", "payload"):
        data = payload_data(MedicalFile, keyring, row_id=pk, organisation_id=org_id, payload=payload)
        files[link] = {k: _short(v) for k, v in (data.get("custom") or {}).items() if v not in (None, "", [])}
        persons[link] = str(data.get("person") or "")
    rows = _rows(Consultation, org_id, keys)
    teams: dict[Any, list[Any]] = defaultdict(list)
    through = Consultation.teams.through.objects.filter(consultation__in=rows.values("pk"))
    for consultation_id, team_id in through.values_list("consultation_id", "team_id"):
        teams[consultation_id].append(team_id)
    values = rows.values_list("id", "person_link", "agenda_at", "due_at", "status", "payload")
    for pk, link, at, due, status, payload in values.iterator(2000):
        data = payload_data(Consultation, keyring, row_id=pk, organisation_id=org_id, payload=payload)
        item = [team_key(teams[pk]), half_day(at or due), STATUS_LETTERS.get(status, "t"), str(data.get("type") or "")]
        consultations[link].append(item)
        persons.setdefault(link, str(data.get("person") or ""))
    found = {}
    for link, person in persons.items():
        value = {"f": files.get(link, {}), "c": sorted(consultations.get(link, []))}
        found[link] = "\t".join(
            [link, person, json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)]
        )
    return found


def refresh(org_id: Any, keyring: Keyring, links: Iterable[str]) -> None:
    statstore.refresh(org_id, keyring, links, sources=[SOURCE])


def parsed(org_id: Any, keyring: Keyring) -> dict[str, dict[str, Any]]:
    """{person id: {"f": file values, "c": consultations}} of every line (empty without K_health)."""
    found = {}
    for raw in statstore.lines(org_id, keyring, SOURCE):
        _link, person, value = raw.split("\t", 2)
        found[person] = json.loads(value)
    return found


def register() -> None:
    statstore.register(statstore.Source(SOURCE, _lines, _("Dossiers médicaux"), kind=KeyKind.HEALTH, per_person=False))
