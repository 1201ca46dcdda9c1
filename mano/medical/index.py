"""The medical search shards (mano.core.shards.ShardStore, under K_health): what a health professional's persons
search reads instead of opening every consultation, treatment and medical comment of the organisation.

A line is `person link \\t person id \\t kind\\x1ewords …` (the distinct folded words of that kind's texts); a
private consultation's kind carries its author (`consultation@<user id>`) so that only they find it. Every medical
write refreshes its person's line."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from mano.core.crypto import KeyKind, Keyring
from mano.core.records import payload_data
from mano.core.shards import ShardStore
from mano.medical import stats
from mano.medical.models import Consultation, MedicalComment, MedicalShard, Treatment
from mano.persons.index import KIND_SEP, SHARDS, distinct_words
from mano.persons.text import fold

SOURCES: tuple[tuple[Any, str, tuple[str, ...]], ...] = (
    (Consultation, "consultation", ("name", "type")),
    (Treatment, "treatment", ("name", "indication")),
    (MedicalComment, "medical_comment", ("text",)),
)
OWNER_SEP = "@"


def _bucket(link: str) -> int:
    return int(link[:8], 16) % SHARDS


MEDICAL_SHARDS = ShardStore(MedicalShard, KeyKind.HEALTH, _bucket)


def _texts(org_id: Any, keyring: Keyring, links: set[str] | None) -> dict[str, tuple[str, list[str]]]:
    """{link: (person id, ["kind\\x1efolded text", …])} for these links (None: the whole organisation)."""
    found: dict[str, tuple[str, list[str]]] = {}
    texts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    persons: dict[str, str] = {}
    for model, kind, keys in SOURCES:
        rows = model.objects.filter(organisation_id=org_id, deleted_at=None)
        if links is not None:
            rows = rows.filter(person_link__in=links)
        owner = ["only_visible_by_id"] if model in (Consultation, MedicalComment) else []
        for row_id, link, payload, *private in rows.values_list("id", "person_link", "payload", *owner).iterator(2000):
            data = payload_data(model, keyring, row_id=row_id, organisation_id=org_id, payload=payload)
            label = f"{kind}{OWNER_SEP}{private[0]}" if private and private[0] else kind
            texts[link][label].append(fold(" ".join(str(data.get(k) or "") for k in keys)))
            persons[link] = str(data.get("person") or "")
    for link, labelled in texts.items():
        found[link] = (
            persons[link],
            [f"{label}{KIND_SEP}{distinct_words(words)}" for label, words in labelled.items()],
        )
    return found


def _line(link: str, person_id: str, items: list[str]) -> str:
    return "\t".join([link, person_id, *items])


def medical_index_refresh(org_id: Any, keyring: Keyring, links: Iterable[str]) -> None:
    """Rebuild the lines of these persons (their keyed links) after a write; a person left without health rows
    leaves the shards."""
    wanted = set(links)
    if not wanted:
        return
    found = _texts(org_id, keyring, wanted)
    MEDICAL_SHARDS.rewrite(
        org_id, {link: _line(link, *found[link]) if link in found else None for link in wanted}, keyring
    )
    stats.refresh(org_id, keyring, wanted)  # the statistics' lines of the same persons


def medical_index_rebuild(org_id: Any, keyring: Keyring) -> int:
    """Every line of the organisation from scratch (bulk imports, the benchmark seed); returns how many."""
    found = _texts(org_id, keyring, None)
    return MEDICAL_SHARDS.replace_all(org_id, (_line(link, *items) for link, items in found.items()), keyring)
