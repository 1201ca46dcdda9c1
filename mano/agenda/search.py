"""Actions in the persons' search lines, and what those lines tell the agenda's free-text filter.

Each person's line (`mano.persons.index`) holds the distinct words of their actions' names ("actions") and of
their descriptions and categories ("action_details"), besides their name and comments, action comments included.
So a person whose line lacks a word of the agenda's text has no action that the text filter accepts: the filter
rules those persons out from the shards before decrypting any action (`text_persons`). Lines written before
"action_details" existed lack the field and rule nobody out; they gain it when their person is next written.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple
from uuid import UUID

from django.db.models import QuerySet

from mano.agenda.models import Action
from mano.core.crypto import Keyring
from mano.core.records import records_data
from mano.core.shards import line_spans
from mano.persons.index import KIND_SEP, PERSON_SHARDS, SEARCH_SOURCES
from mano.persons.models import Person

DETAILS = "action_details"
_MARK = f"\t{DETAILS}{KIND_SEP}".encode()


def action_texts(payloads: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    """The search texts of a person's actions: names, then descriptions and categories, each text once
    (a recurring series repeats one name hundreds of times)."""
    names: dict[str, None] = {}
    details: dict[str, None] = {}
    for data in payloads:
        names[str(data.get("name") or "")] = None
        details[str(data.get("description") or "")] = None
        details.update(dict.fromkeys(str(c) for c in data.get("categories") or []))
    return {"actions": list(names), DETAILS: [text for text in details if text]}


def person_action_texts(person: Person, keyring: Keyring) -> dict[str, list[str]]:
    rows = Action.objects.filter(person=person, deleted_at=None).only("id", "organisation_id", "payload")
    return action_texts(data for _, data in records_data(rows, keyring))


# Up to this many persons, a list filtered on a text reads only their actions (an IN list in SQL); past it, it
# reads the candidates in order and drops the others' before decrypting them.
NARROW = 1000


class TextPersons(NamedTuple):
    """The persons whose actions may match a free text (ids as str of the UUID): those whose line holds every
    word. Any other person has no action that the text filter accepts: their line lacks a word, so none of their
    actions' names, categories, descriptions or comments, nor their name, holds it. A live action's person is live
    (deleting a person deletes their actions) and every live person has a line (the persons list reads them)."""

    kept: set[str]

    def allows(self, person_id: UUID) -> bool:
        return str(person_id) in self.kept

    @property
    def narrows(self) -> bool:
        return len(self.kept) <= NARROW

    def narrow(self, rows: QuerySet[Action]) -> QuerySet[Action]:
        return rows.filter(person_id__in=self.kept) if self.narrows else rows


def text_persons(organisation_id: Any, keyring: Keyring, words: list[str]) -> TextPersons:
    """The lines holding the first word are cut out of each shard (`line_spans`, on the undecoded UTF-8 bytes) and
    tested for the others; the rest of a shard is never split, unless some of its lines predate "action_details"
    (kept)."""
    kept: set[str] = set()
    first, *others = (word.encode() for word in words)
    stamp, texts = PERSON_SHARDS.blobs(organisation_id, keyring)
    for (bucket, head), (_, text) in zip(stamp, texts, strict=True):
        kept.update(_unmarked(organisation_id, bucket, head, text))
        for start, end in line_spans(text, first):
            line = text[start:end]
            if all(word in line for word in others):
                kept.add(line[:36].decode())
    return TextPersons(kept)


# (organisation, bucket) -> the shard's head and the persons of its lines without "action_details". Person ids
# only, no text; an entry is used while the shard's head is the same (any rewrite changes it).
_UNMARKED: dict[tuple[Any, int], tuple[bytes, frozenset[str]]] = {}


def _unmarked(organisation_id: Any, bucket: int, head: bytes, text: bytes) -> frozenset[str]:
    """The persons whose line in this shard predates "action_details", counted once per version of the shard:
    counting the marks and lines of every shard took ~20 ms of each filtered list at 30,000 persons."""
    known = _UNMARKED.get((organisation_id, bucket))
    if known is not None and known[0] == head:
        return known[1]
    found: frozenset[str] = frozenset()
    if text.count(_MARK) != text.count(b"\n") + 1:
        found = frozenset(line[:36].decode() for line in text.split(b"\n") if line and _MARK not in line)
    _UNMARKED[(organisation_id, bucket)] = (head, found)
    return found


SEARCH_SOURCES.append(person_action_texts)
