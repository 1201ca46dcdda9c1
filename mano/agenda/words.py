"""The actions' words by day, for the agenda's free text on a day or a week.

Filtering a busy week on a text used to open every action of the week, its person's card and its comments
(~6,000 actions at 20,000 persons). Here each action placed on a UTC day has one line in that day's encrypted
shard (`ActionWordsShard`, K_general, like the persons' search shards):

    <UTC day>:<action id hex> \\t <version>.<words version> \\t <name, categories> \\t <description, comments>
        \\t <person's name>

all folded. An action's line changes only when its row does: its own writes raise its `version`, and the writes
of what else the line holds raise its `words_version`: a comment on it written, edited or removed, its person
renamed (mano.agenda.lifecycle, registered with the persons' services). Both, read from the agenda's covering
index, stamp its line.

Each shard starts with its day's digest (`day_digests`): the count of the day's live actions and the sums of their
versions, of their words versions and of their write times. Sums do not depend on the order transactions commit
in: a change in place raises a version sum, an action entering or leaving the day changes the count or the write
times' sum (one leaving and another entering at once would have to share both versions and the write time to the
millisecond to go unseen). While a shard's digest is the day's current one, every line is current and the filter
looks for its words in the shard's text alone (`window_matches`); a day whose digest changed is written again
whole, opening only the rows whose stamps changed.

Restricted members never test the description and comments (they may not read them) and never write lines: while
a day of their range is not current they check each row's stamp (`matching`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, NamedTuple
from uuid import UUID

from django.db.models import Count, QuerySet, Sum

from mano.accounts.models import User
from mano.agenda.models import Action, ActionWordsShard
from mano.core.crypto import Envelope, KeyKind, Keyring, decrypt_record_texts
from mano.core.day_words import (
    MANY_ROWS,
    NO_ROWS,
    DayWords,
    Stored,
    UtcDay,
    day_store,
    digest_of,
    ids_holding,
    key_of,
    lines_of,
    written_sum,
)
from mano.core.raw import as_uuid, hex_of, raw_values
from mano.core.records import records_data
from mano.persons.index import folded_names
from mano.persons.models import Comment
from mano.persons.text import fold

WORDS = DayWords(
    day_store(ActionWordsShard, KeyKind.GENERAL),
    lambda org_id: Action.objects.filter(organisation_id=org_id, deleted_at=None),
)


def annotated(rows: QuerySet[Action]) -> QuerySet[Action]:
    """`rows` with what a `Row` reads besides its columns."""
    return rows.annotate(utc_day=UtcDay("agenda_at"))


# The columns of a `Row`, from `annotated` rows.
COLUMNS = ("id", "person_id", "version", "utc_day", "words_version")


class Row(NamedTuple):
    """An action of the window as read from SQL, without its payload (ids as the driver gives them: hex text or
    UUID)."""

    pk: Any
    person_id: Any
    version: int
    day: int  # UTC day, the bucket of its line
    words_version: int

    @property
    def stamp(self) -> str:
        return f"{self.version}.{self.words_version}"


def holds(text: str, words: list[str], *, restricted: bool) -> bool:
    """Whether a line's text (name and categories, description and comments, person's name, tab-separated) holds
    every word; for restricted members, outside the description and comments. A word has no tab: looking for it
    in the whole text is looking in each part."""
    if not restricted:
        return all(word in text for word in words)
    public, _, person = text.split("\t")
    return all(word in public or word in person for word in words)


def day_digests(org_id: Any, days: range) -> dict[int, str]:
    """Each UTC day's digest, from SQL (the agenda's covering index), for the days of `days` that hold live
    actions."""
    by_day = WORDS.placed(org_id, days).annotate(day=UtcDay("agenda_at")).values("day").order_by()
    sums = by_day.annotate(
        count=Count("id"), versions=Sum("version"), words_versions=Sum("words_version"), written=written_sum()
    )
    columns = ("day", "count", "versions", "words_versions", "written")
    return {day: ".".join(map(str, digest)) for day, *digest in raw_values(sums.values_list(*columns))}


def window_matches(user: User, keyring: Keyring, words: list[str], days: range) -> set[str] | None:
    """The ids (hex) of the organisation's live actions placed on the UTC days `days` whose own text, person's
    name or (not for restricted members) description and comments hold every word, as `AgendaFilters.matches`
    decides; from the days' shards once each is current (its digest is the day's), after writing again those
    that are not (the first read of a day opens its every action, once). None for a restricted member while a
    day is not current (they never write lines): the caller checks its rows one by one."""
    org_id = user.member_organisation_id
    restricted = user.role == "restricted"
    digests = day_digests(org_id, days)  # before the texts it vouches for
    texts = WORDS.texts(org_id, keyring, days)
    stale = [day for day in days if digest_of(day, texts.get(day)) != digests.get(day, NO_ROWS)]
    if stale and restricted:
        return None
    if stale:
        texts.update(_rewritten(user, keyring, stale, digests, texts))
    first = max(words, key=len) if words else "\t"  # no word: every line (each has a tab)
    return ids_holding(texts.values(), first, lambda text: holds(text, words, restricted=restricted))


def _rewritten(
    user: User, keyring: Keyring, days: list[int], digests: dict[int, str], texts: dict[int, str]
) -> dict[int, str]:
    """The texts of these days' shards made current from their rows (every live action placed on them, whatever
    the team or status): a row whose stored line has its current stamp keeps it, the others are opened. Each day
    whose every row got its line is written whole with its digest; the texts are returned either way."""
    org_id = user.member_organisation_id
    placed = WORDS.placed(org_id, range(days[0], days[-1] + 1))
    rows = [row for values in raw_values(annotated(placed).values_list(*COLUMNS)) if (row := Row(*values)).day in days]
    stored = lines_of(texts[day] for day in days if day in texts)
    lines = _lines(user, keyring, rows, stored, restricted=False, window=placed)
    shards: dict[int, list[str]] = {day: [] for day in days}
    unwritable = set()
    for row in rows:
        stamp, text = lines.get(hex_of(row.pk), ("", ""))
        shards[row.day].append(f"{key_of(row.day, row.pk)}\t{stamp}\t{text}")
        if not stamp:  # gone since the digest: the day is left for the next reader
            unwritable.add(row.day)
    WORDS.replace_days(
        org_id, keyring, {day: (digests.get(day, NO_ROWS), shards[day]) for day in days if day not in unwritable}
    )
    return {day: "\n".join(shards[day]) for day in days}


def matching(user: User, keyring: Keyring, rows: list[Row], words: list[str], days: range) -> set[Any]:
    """The ids (as in `rows`) of the rows whose own text, person's name or (not for restricted members) description
    and comments hold every word, row by row: a row's stored line is used while its stamp is current, else the row
    is opened. For restricted members while their days are not current (`window_matches`); nothing is written.
    `days`: the buckets of the rows' range."""
    if not rows:
        return set()
    restricted = user.role == "restricted"
    stored = WORDS.stored(user.member_organisation_id, keyring, days)
    lines = _lines(user, keyring, rows, stored, restricted=restricted)
    return {
        row.pk for row in rows if (line := lines.get(hex_of(row.pk))) and holds(line[1], words, restricted=restricted)
    }


def _lines(
    user: User,
    keyring: Keyring,
    rows: list[Row],
    stored: Stored,
    *,
    restricted: bool,
    window: QuerySet[Action] | None = None,
) -> dict[str, tuple[str, str]]:
    """By row id (hex): each row's stamp and text, from its stored line when that line has the row's stamp, else
    opened (for restricted members, without description and comments; see `_opened` for `window`); a row gone
    from the table since it was read is left out."""
    lines: dict[str, tuple[str, str]] = {}
    stale: list[Row] = []
    for row in rows:
        current = next((line for line in stored.get(hex_of(row.pk), ()) if line.stamp == row.stamp), None)
        if current is None:
            stale.append(row)
        else:
            lines[hex_of(row.pk)] = (row.stamp, current.text)
    stamps = {hex_of(row.pk): row.stamp for row in stale}
    opened = _opened(user, keyring, stale, restricted, window)
    lines.update({pk: (stamps[pk], text) for pk, text in opened.items()})
    return lines


def _opened(
    user: User, keyring: Keyring, rows: list[Row], restricted: bool, window: QuerySet[Action] | None = None
) -> dict[str, str]:
    """The texts (see `holds`) of these actions, opened from their payloads, their persons' cards and (not for
    restricted members) their comments; a row gone from the table since it was read is left out. `window`: live
    actions that include the rows, read whole when the rows are many."""
    if not rows:
        return {}
    org_id = user.member_organisation_id
    if window is not None and len(rows) > MANY_ROWS:
        sealed, commented = window, window.values_list("pk", flat=True)  # the window's every row: a superset
    else:
        sealed = Action.objects.filter(organisation_id=org_id, pk__in=[as_uuid(r.pk) for r in rows])
        commented = None
    payloads: dict[Any, Envelope] = dict(raw_values(sealed.values_list("pk", "payload")))
    rows = [row for row in rows if row.pk in payloads]
    ids = [as_uuid(r.pk) for r in rows]
    sealed_rows = [(pk, payloads[r.pk]) for pk, r in zip(ids, rows, strict=True)]
    texts = decrypt_record_texts(keyring, table=Action._meta.db_table, org_id=org_id, rows=sealed_rows)
    data: dict[UUID, dict[str, Any]] = {pk: json.loads(text) for pk, text in texts}  # type: ignore[misc]
    persons = {pk: as_uuid(r.person_id) for pk, r in zip(ids, rows, strict=True)}
    names = folded_names(user.organisation_id, set(persons.values()), keyring)
    comments = {} if restricted else comment_texts(user, keyring, ids if commented is None else commented)
    return {
        pk.hex: text_of(
            d, "" if restricted else comments.get(pk, ""), names.get(persons[pk], ""), restricted=restricted
        )
        for pk, d in data.items()
    }


def text_of(data: dict[str, Any], comments: str, person: str, *, restricted: bool) -> str:
    """An action's line text (see `holds`) from its decrypted data, its comments joined and its person's name,
    already folded (`folded_names`: folding it again could differ)."""
    categories = (str(c) for c in data.get("categories") or [])
    private = "" if restricted else fold(f"{data.get('description') or ''} {comments}")
    return "\t".join([fold(" ".join([str(data.get("name") or ""), *categories])), private, person])


def comment_texts(user: User, keyring: Keyring, action_ids: Iterable[UUID]) -> dict[UUID, str]:
    """The live comments of these actions (a list of ids, or a query of them), joined per action."""
    texts: dict[UUID, list[str]] = {}
    rows = Comment.objects.filter(
        organisation_id=user.member_organisation_id, deleted_at=None, action_id__in=action_ids
    ).only("id", "organisation_id", "action_id", "payload")
    for comment, data in records_data(rows, keyring):
        texts.setdefault(comment.action_id, []).append(str(data.get("text") or ""))  # type: ignore[arg-type]
    return {action_id: " ".join(parts) for action_id, parts in texts.items()}
