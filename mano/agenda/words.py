"""The actions' words by day, for the agenda's free text on a day or a week.

Filtering a busy week on a text used to open every action of the week, its person's card and its comments
(~6,000 actions at 20,000 persons). Here each action placed on a UTC day has one line in that day's encrypted
shard (`ActionWordsShard`, K_general, like the persons' search shards):

    <UTC day>:<action id hex> \\t <stamp> \\t <name, categories> \\t <description, comments> \\t <person's name>

all folded. The stamp holds what the line was made from: the action's version, its person and the person's
version, and how many live comments the action has with the latest moment one of them was written. A line is
used only when its stamp equals the row's current one, so no write path needs to know about these shards: an
action, person or comment changed since the line was written only makes the filter open that action again, and
write its new line. Stamps are read before the texts they vouch for, so a line is never newer than its stamp.

Restricted members never test the description and comments (they may not read them) and never write lines.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple
from uuid import UUID

from django.db.models import CharField, Count, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat

from mano.accounts.models import User
from mano.agenda.models import Action, ActionWordsShard
from mano.core.crypto import KeyKind, Keyring, decrypt_record_texts
from mano.core.day_words import DayWords, UtcDay, day_store, key_of
from mano.core.raw import as_uuid, hex_of, raw_values
from mano.core.records import records_data
from mano.persons.index import card_names
from mano.persons.models import Comment, Person
from mano.persons.text import fold

WORDS = DayWords(
    day_store(ActionWordsShard, KeyKind.GENERAL),
    lambda org_id: Action.objects.filter(organisation_id=org_id, deleted_at=None),
)


def comments_stamp() -> Coalesce:
    """Per action, in SQL, as text: how many live comments it has and the latest moment any of its comments was
    written (created, edited or removed). If both are what they were when a line was written, every live comment
    is one that was live then, unchanged: a later change would have left a later moment, unless purged with its
    comment, and a purged comment was removed, so it is missing from the count (comments are never restored)."""
    stamps = (
        Comment.objects.filter(action_id=OuterRef("pk"))
        .order_by()
        .values("action_id")
        .annotate(
            stamp=Concat(
                Cast(Count("id", filter=Q(deleted_at=None)), CharField()),
                Value("/"),
                Cast(Max("updated_at"), CharField()),  # text: a timestamp costs PostgreSQL's driver ~10 µs to convert
                output_field=CharField(),
            )
        )
        .values("stamp")
    )
    return Coalesce(Subquery(stamps, output_field=CharField()), Value(""))


def annotated(rows: QuerySet[Action]) -> QuerySet[Action]:
    """`rows` with what a `Row` reads besides its columns."""
    return rows.annotate(utc_day=UtcDay("agenda_at"), comments_stamp=comments_stamp())


# The columns of a `Row`, from `annotated` rows.
COLUMNS = ("id", "person_id", "version", "utc_day", "comments_stamp")


class Row(NamedTuple):
    """An action of the window as read from SQL, without its payload (ids as the driver gives them: hex text or
    UUID)."""

    pk: Any
    person_id: Any
    version: int
    day: int  # UTC day, the bucket of its line
    comments: str  # see comments_stamp


def holds(text: str, words: list[str], *, restricted: bool) -> bool:
    """Whether a line's text (name and categories, description and comments, person's name, tab-separated) holds
    every word; for restricted members, outside the description and comments. A word has no tab: looking for it
    in the whole text is looking in each part."""
    if not restricted:
        return all(word in text for word in words)
    public, _, person = text.split("\t")
    return all(word in public or word in person for word in words)


def matching(
    user: User, keyring: Keyring, rows: list[Row], words: list[str], window: QuerySet[Action], days: range
) -> set[Any]:
    """The ids (as in `rows`) of the rows whose own text, person's name or (not for restricted members) description
    and comments hold every word, as `AgendaFilters.matches` decides. `window`: the rows' query, to read their
    persons' versions; `days`: the buckets of its range (all are read, so that the line an action left on
    another day of the range when it moved is dropped). Rows without a current line are opened and, for members
    who may read everything, their lines written."""
    if not rows:
        return set()
    org_id = user.member_organisation_id
    restricted = user.role == "restricted"
    persons = Person.objects.filter(organisation_id=org_id, pk__in=window.values("person_id"))  # a covering index
    person_stamps = {pk: f"{hex_of(pk)}.{version}" for pk, version in raw_values(persons.values_list("pk", "version"))}
    stored = WORDS.stored(org_id, keyring, days)
    accepted: set[Any] = set()
    stale: list[Row] = []
    stamps: dict[str, str] = {}  # of the stale rows whose line may be written
    for row in rows:
        pk = hex_of(row.pk)
        person = person_stamps.get(row.person_id)  # None: the row left the window since it was read
        stamp = f"{row.version}.{person}.{row.comments}"
        current = next((line for line in stored.get(pk, ()) if line.stamp == stamp), None) if person else None
        if current is None:
            stale.append(row)
            stamps.update({pk: stamp} if person else {})
        elif holds(current.text, words, restricted=restricted):
            accepted.add(row.pk)
    fresh = _opened(user, keyring, stale, restricted)
    accepted.update(row.pk for row in stale if holds(fresh.get(hex_of(row.pk), ""), words, restricted=restricted))
    writable = fresh.keys() & stamps.keys()
    if not restricted and writable:
        lines = {
            key_of(row.day, row.pk): f"{stamps[pk]}\t{fresh[pk]}" for row in stale if (pk := hex_of(row.pk)) in writable
        }
        WORDS.write(org_id, keyring, lines, stored, days)
    return accepted


def _opened(user: User, keyring: Keyring, rows: list[Row], restricted: bool) -> dict[str, str]:
    """The texts (see `holds`) of these actions, opened from their payloads, their persons' cards and (not for
    restricted members) their comments; a row gone from the table since it was read is left out."""
    if not rows:
        return {}
    org_id = user.member_organisation_id
    sealed = Action.objects.filter(organisation_id=org_id, pk__in=[as_uuid(r.pk) for r in rows])
    payloads = dict(raw_values(sealed.values_list("pk", "payload")))
    rows = [row for row in rows if row.pk in payloads]
    ids = [as_uuid(r.pk) for r in rows]
    sealed_rows = [(pk, payloads[r.pk]) for pk, r in zip(ids, rows, strict=True)]
    texts = decrypt_record_texts(keyring, table=Action._meta.db_table, org_id=org_id, rows=sealed_rows)
    data: dict[UUID, dict[str, Any]] = {pk: json.loads(text) for pk, text in texts}  # type: ignore[misc]
    persons = {pk: as_uuid(r.person_id) for pk, r in zip(ids, rows, strict=True)}
    names = card_names(user.organisation_id, set(persons.values()), keyring)
    comments = {} if restricted else comment_texts(user, keyring, ids)
    return {
        pk.hex: text_of(
            d, "" if restricted else comments.get(pk, ""), names.get(persons[pk], ""), restricted=restricted
        )
        for pk, d in data.items()
    }


def text_of(data: dict[str, Any], comments: str, person: str, *, restricted: bool) -> str:
    """An action's line text (see `holds`) from its decrypted data, its comments joined and its person's name."""
    categories = (str(c) for c in data.get("categories") or [])
    private = "" if restricted else fold(f"{data.get('description') or ''} {comments}")
    return "\t".join([fold(" ".join([str(data.get("name") or ""), *categories])), private, fold(person)])


def comment_texts(user: User, keyring: Keyring, action_ids: list[UUID]) -> dict[UUID, str]:
    """The live comments of these actions, joined per action."""
    texts: dict[UUID, list[str]] = {}
    rows = Comment.objects.filter(
        organisation_id=user.member_organisation_id, deleted_at=None, action_id__in=action_ids
    ).only("id", "organisation_id", "action_id", "payload")
    for comment, data in records_data(rows, keyring):
        texts.setdefault(comment.action_id, []).append(str(data.get("text") or ""))  # type: ignore[arg-type]
    return {action_id: " ".join(parts) for action_id, parts in texts.items()}
