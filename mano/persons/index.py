"""The encrypted projections of persons that lists and search read instead of whole files.

- `PersonIndex.card`: one small envelope per person, opened for the rows a page shows.
- `PersonShard`: 64 envelopes per organisation; each holds one line per person:
  `id \\t team ids \\t folded name \\t birth date \\t followed since \\t card JSON \\t search JSON`.
  Sorting or searching 20,000 persons opens 64 envelopes and parses only the lines that match.
Both are rebuilt by `index_refresh` after any write that changes what a person's row or search shows, and so
are the person's lines in the statistics store (`mano.core.statstore`, every per-person source).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any, NamedTuple
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet

from mano.core import statstore
from mano.core.crypto import KeyKind, Keyring, decrypt_record, decrypt_record_texts, encrypt_record
from mano.core.records import record_data
from mano.core.shards import ShardStore
from mano.persons.models import Comment, Person, PersonIndex, PersonShard
from mano.persons.text import digits, fold

SHARDS = 64
CARD_FIELDS = (
    "name",
    "other_names",
    "gender",
    "birth_date",
    "phone",
    "vulnerable",
    "followed_since",
    "out_of_active_list",
    "custom",
)
# Other apps add searchable text (action names, …): callables (person, keyring) → {kind: texts}.
SEARCH_SOURCES: list[Callable[[Person, Keyring], dict[str, list[str]]]] = []
# Other modules add card facts (family membership, …): callables (person, keyring) → dict.
CARD_SOURCES: list[Callable[[Person, Keyring], dict[str, Any]]] = []
CARD_TABLE = f"{PersonIndex._meta.db_table}.card"


def french_date(value: str | None) -> str:
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y") if value else ""
    except ValueError:
        return ""


def _comment_texts(person: Person, keyring: Keyring) -> list[str]:
    rows = Comment.objects.filter(person=person, deleted_at=None).only("id", "organisation_id", "payload")
    return [fold(record_data(c, keyring).get("text")) for c in rows]


def search_of(data: dict[str, Any], comments: list[str]) -> dict[str, Any]:
    """The folded search text of a person payload and its (already folded) comment texts."""
    return {
        "name": fold(data.get("name")),
        "other_names": fold(data.get("other_names")),
        "phone": digits(data.get("phone")),
        "birth_date": french_date(data.get("birth_date")),
        "description": fold(data.get("description")),
        "comments": comments,
    }


def build_search(person: Person, data: dict[str, Any], keyring: Keyring) -> dict[str, Any]:
    text = search_of(data, _comment_texts(person, keyring))
    for source in SEARCH_SOURCES:
        for kind, texts in source(person, keyring).items():
            text[kind] = [fold(t) for t in texts]
    return text


def card_of(data: dict[str, Any]) -> dict[str, Any]:
    return {key: data.get(key) for key in CARD_FIELDS}


def _dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


SEARCH_FIELDS = ("name", "other_names", "phone", "birth_date", "description", "comments")
QUICK_FIELDS = 4  # name, other names, phone, birth date: kept as written (a name must start with the query)
KIND_SEP = "\x1e"


def distinct_words(texts: Iterable[str]) -> str:
    """The words of folded texts, each once, in first-seen order, joined by spaces.

    A query word holds no space, so it lies in one of the texts exactly when it lies in this string; a person's
    300 comments say "domiciliation" many times and the shards are read on every search (a third of their size)."""
    return " ".join(dict.fromkeys(word for text in texts for word in text.split(" ") if word))


def search_fields(search: dict[str, Any]) -> list[str]:
    """The folded search text as tab-separable fields: the fixed ones in SEARCH_FIELDS order, then one
    `kind\x1ewords` field per extra source. Past the quick fields, each field keeps its distinct words only.
    Folded text holds no tab or control character."""
    values = [search.get(k) or "" for k in SEARCH_FIELDS]
    quick = [str(v) for v in values[:QUICK_FIELDS]]
    rest = [distinct_words(v if isinstance(v, list) else [str(v)]) for v in values[QUICK_FIELDS:]]
    extra = [f"{k}{KIND_SEP}{distinct_words(v)}" for k, v in search.items() if k not in SEARCH_FIELDS]
    return quick + rest + extra


def shard_line(person_id: UUID, team_ids: Iterable[Any], card: dict[str, Any], search: dict[str, Any]) -> str:
    """One person's line. JSON escapes tabs and newlines and folded text has none: separators stay unambiguous."""
    keys = [fold(card.get("name")), str(card.get("birth_date") or ""), str(card.get("followed_since") or "")]
    team_field = ",".join(sorted(str(t) for t in team_ids))
    return "\t".join([str(person_id), team_field, *keys, _dumps(card), *search_fields(search)])


def bucket_of(person_id: UUID) -> int:
    return person_id.int % SHARDS


def card_envelope(person: Person, card: dict[str, Any], keyring: Keyring) -> bytes:
    envelope, _ = encrypt_record(
        keyring, kind=KeyKind.GENERAL, table=CARD_TABLE, row_id=person.pk, org_id=person.organisation_id, data=card
    )
    return envelope


PERSON_SHARDS = ShardStore(PersonShard, KeyKind.GENERAL, lambda person_id: bucket_of(UUID(person_id)), cached=True)


def shard_envelope(org_id: Any, bucket: int, lines: Iterable[str], keyring: Keyring) -> bytes:
    return PERSON_SHARDS.envelope(org_id, bucket, lines, keyring)


def _shards_rewrite(org_id: Any, replacements: Mapping[str, str | None], keyring: Keyring) -> None:
    PERSON_SHARDS.rewrite(org_id, replacements, keyring)


def _index_line(person: Person, keyring: Keyring, data: dict[str, Any] | None) -> str:
    """Refresh the person's card and return its new shard line.

    Without `data`, the person row is locked and read again: a caller's copy may predate a concurrent
    update, and building the line from it would put stale text back into search."""
    if data is None:
        person = Person.objects.select_for_update().get(pk=person.pk)
        data = record_data(person, keyring)
    card = card_of(data)
    for source in CARD_SOURCES:
        card.update(source(person, keyring))
    PersonIndex.objects.update_or_create(
        person=person,
        defaults={"organisation_id": person.organisation_id, "card": card_envelope(person, card, keyring)},
    )
    team_ids = person.teams.values_list("pk", flat=True)
    return shard_line(person.pk, team_ids, card, build_search(person, data, keyring))


def index_refresh(
    person: Person, keyring: Keyring, data: dict[str, Any] | None = None, *, sources: Iterable[str] | None = None
) -> None:
    """Re-encrypt the card and the shard line after any change to the person or what hangs off it.

    `data` is the payload the caller has just written in this transaction; leave it out otherwise. `sources`: the
    statistics sources the change can alter, when the caller knows them (a comment: its own source only); by
    default every per-person source is recomputed, each opening one of its shards (~3 ms a source)."""
    with transaction.atomic():
        _shards_rewrite(person.organisation_id, {str(person.pk): _index_line(person, keyring, data)}, keyring)
        statstore.refresh(person.organisation_id, keyring, [person.pk], sources=sources)


# A line's fields: id, teams, name key, birth date, followed since, card, then the search fields.
COMMENTS_FIELD = 6 + SEARCH_FIELDS.index("comments")


def index_comment_added(person: Person, text: str, keyring: Keyring, *, sources: Iterable[str]) -> None:
    """`index_refresh` for a new comment: its words join the person's search line, which a rebuild would make
    with the same words (it reads every comment and action of the person: a third of a comment's write). The card
    does not show comments and is left as it is; the statistics `sources` are recomputed."""
    added = fold(text)

    def change(line: str) -> str:
        fields = line.split("\t")
        fields[COMMENTS_FIELD] = distinct_words([fields[COMMENTS_FIELD], added])
        return "\t".join(fields)

    with transaction.atomic():
        # Every full rebuild of the line holds the person's row: one that read the comments before this one was
        # written must not put its line back after these words are added.
        list(Person.objects.select_for_update().filter(pk=person.pk).values_list("pk"))
        if not PERSON_SHARDS.patch(person.organisation_id, [str(person.pk)], change, keyring):
            _shards_rewrite(person.organisation_id, {str(person.pk): _index_line(person, keyring, None)}, keyring)
        statstore.refresh(person.organisation_id, keyring, [person.pk], sources=sources)


def index_refresh_many(items: list[tuple[Person, dict[str, Any] | None]], keyring: Keyring) -> None:
    """`index_refresh` for many persons of one organisation: each touched shard is rewritten once."""
    if items:
        with transaction.atomic():
            lines = {str(p.pk): _index_line(p, keyring, data) for p, data in items}
            _shards_rewrite(items[0][0].organisation_id, lines, keyring)
            statstore.refresh(items[0][0].organisation_id, keyring, [p.pk for p, _ in items])


def search_words_add(org_id: Any, person_ids: Iterable[Any], kind: str, texts: list[str], keyring: Keyring) -> None:
    """Add the words of `texts` to the `kind` field of these persons' search lines, without rebuilding them (a
    category rename rewrites thousands of actions: their persons' lines take the new name). A line without the
    field is left as it is."""
    added = [fold(text) for text in texts]
    prefix = f"{kind}{KIND_SEP}"

    def change(line: str) -> str:
        fields = line.split("\t")
        for position, field in enumerate(fields):
            if field.startswith(prefix):
                fields[position] = prefix + distinct_words([field[len(prefix) :], *added])
        return "\t".join(fields)

    PERSON_SHARDS.patch(org_id, [str(person_id) for person_id in person_ids], change, keyring)


def index_remove(person: Person, keyring: Keyring) -> None:
    """Take a deleted person out of search, sorted lists and statistics."""
    PersonIndex.objects.filter(person=person).delete()
    _shards_rewrite(person.organisation_id, {str(person.pk): None}, keyring)
    statstore.refresh(person.organisation_id, keyring, [person.pk])


def card_names(
    organisation_id: Any, person_ids: Iterable[Any], keyring: Keyring, *, live_only: bool = False
) -> dict[UUID, str]:
    """Names of these persons of one organisation, read from their small cards in one query."""
    wanted = person_ids if isinstance(person_ids, QuerySet) else list(person_ids)  # a subquery stays one
    indexes = PersonIndex.objects.filter(organisation_id=organisation_id, person_id__in=wanted)
    if live_only:
        indexes = indexes.filter(person__deleted_at=None)
    # Plain values and one batch of envelopes: a week's window names ~1,500 persons (29 → 19 ms).
    opened = decrypt_record_texts(
        keyring, table=CARD_TABLE, org_id=organisation_id, rows=indexes.values_list("person_id", "card")
    )
    return {person_id: str(json.loads(text).get("name") or "") for person_id, text in opened}  # type: ignore[misc]


# Past this many persons, their folded names come from the search shards (one pass over the organisation's lines,
# ~45 ms at 30,000 persons) rather than from a card each (~18 µs a card: 92 ms for the 5,000 of a week's actions).
MANY_NAMES = 2500


def folded_names(organisation_id: Any, person_ids: Iterable[UUID], keyring: Keyring) -> dict[UUID, str]:
    """The names of these persons folded as search folds them (`fold`), "" for a person without a card. Many
    persons: the name keys of their shard lines (the card's name, folded, see `shard_line`); few: their cards."""
    wanted = set(person_ids)
    if len(wanted) <= MANY_NAMES:
        opened = card_names(organisation_id, wanted, keyring)
        return {person_id: fold(opened.get(person_id, "")) for person_id in wanted}
    keys = {str(person_id).encode(): person_id for person_id in wanted}
    found = dict.fromkeys(wanted, "")
    for _, text in PERSON_SHARDS.blobs(organisation_id, keyring)[1]:
        for line in text.split(b"\n"):
            person_id = keys.get(line[:36])
            if person_id is not None:
                found[person_id] = line.split(b"\t", 3)[2].decode()
    return found


def open_part(index: PersonIndex, part: str, keyring: Keyring) -> dict[str, Any]:
    """Open a person's card (`part` is kept for callers written when there were two parts)."""
    return decrypt_record(
        keyring, table=CARD_TABLE, row_id=index.person_id, org_id=index.organisation_id, envelope=index.card
    )


class Line(NamedTuple):
    """A shard line split on its first six tabs; JSON is parsed only for the lines a page or a match needs."""

    person_id: str
    team_ids: str
    name_key: str
    birth_date: str
    followed_since: str
    card_json: str
    search: str  # the tab-separated folded search fields (see search_fields)

    @classmethod
    def of(cls, raw: str) -> Line:
        return cls._make(raw.split("\t", 6))

    def card(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.card_json)
        return result


def shard_lines(org_id: Any, keyring: Keyring, excluded: set[str]) -> list[str]:
    """Every person's raw line in an organisation, minus the `excluded` ids (deleted persons).

    Lines stay unsplit: a search tests its words on the raw text and splits only the lines that match."""
    lines = PERSON_SHARDS.lines(org_id, keyring)
    if excluded:
        return [raw for raw in lines if raw[:36] not in excluded]
    return lines
