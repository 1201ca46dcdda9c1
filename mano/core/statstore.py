"""The statistics store: per organisation and per source ("persons", "comments", "actions", …), the few values
statistics need, as compact encrypted lines, so that a year of a 20,000-person organisation is counted from a few
hundred envelopes instead of a million records.

- A source is registered by its domain app (`register`, in its AppConfig.ready): a name, the key it is encrypted
  under, and a function that builds the lines of some keys (or of the whole organisation) from the records.
- A line is keyed by a person id for the per-person sources: a person's record, or all of a person's items of one
  kind (see `mano.core.statlines`). Keying items by person keeps the store at one line per person and source,
  lets a write recompute its person's line from the records (an item moved by a merge, deleted, or re-dated
  needs no bookkeeping of where it was), and makes "persons with activity" a walk over 20,000 lines.
- The services that write call `refresh` (the persons' `index_refresh` does it for every per-person source);
  `rebuild` (`manage.py rebuild_stats`) recomputes everything from the records and gives the same lines.

It is never a cache of decrypted data: each shard is an envelope under the organisation's key, bound to its
organisation, source and bucket, like the search shards (`mano.core.shards`).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import transaction

from mano.core.crypto import KeyKind, Keyring
from mano.core.models import StatShard
from mano.core.shards import ShardStore

BUCKETS = 64
# (organisation id, keyring, keys or None for the whole organisation) → {key: line}; a key left out has no line.
LineBuilder = Callable[[Any, Keyring, "set[str] | None"], dict[str, str]]


@dataclass(frozen=True)
class Source:
    """A kind of record the statistics count. `width`: the entry width of an item source (0: another format,
    such as the persons' own lines); `activity`: its items make their person "followed" in a period;
    `per_person`: its keys are person ids, refreshed whenever the person or its items change; `switch`: the
    organisation's flag that turns the feature on (empty: always on); `label`: how a page names its count."""

    name: str
    lines: LineBuilder
    label: Any = ""  # a lazy translation
    switch: str = ""
    kind: KeyKind = KeyKind.GENERAL
    width: int = 0
    activity: bool = False
    per_person: bool = True


SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    """Add (or replace, when an app is reloaded) a source; its shards are named after it."""
    SOURCES[source.name] = source
    return source


def bucket_of(key: str) -> int:
    return zlib.crc32(key.encode()) % BUCKETS


def store_of(source: Source) -> ShardStore:
    return ShardStore(StatShard, source.kind, bucket_of, (("source", source.name),))


def person_keys(keys: set[str] | None) -> list[UUID] | None:
    """The keys that are person ids (a source may mix them with its own keys), for a `pk__in` filter."""
    if keys is None:
        return None
    found = []
    for key in keys:
        try:
            found.append(UUID(key))
        except ValueError:
            continue
    return found


def refresh(org_id: Any, keyring: Keyring, keys: Iterable[Any], *, sources: Iterable[str] | None = None) -> None:
    """Recompute, from the records, the lines of `keys` in `sources` (default: every per-person source), inside
    the caller's transaction. A source under a key this session does not hold is left to its own writers."""
    wanted = {str(k) for k in keys}
    if not wanted:
        return
    chosen = [SOURCES[n] for n in sources] if sources is not None else [s for s in SOURCES.values() if s.per_person]
    with transaction.atomic():
        for source in chosen:
            if keyring.has(source.kind):
                found = source.lines(org_id, keyring, wanted)
                store_of(source).rewrite(org_id, {key: found.get(key) for key in wanted}, keyring)


def rebuild(org_id: Any, keyring: Keyring, *, sources: Iterable[str] | None = None) -> dict[str, int]:
    """Every line of the organisation from the records, source by source; {source: lines written}."""
    names = list(sources) if sources is not None else list(SOURCES)
    written = {}
    for name in names:
        source = SOURCES[name]
        if keyring.has(source.kind):
            written[name] = store_of(source).replace_all(org_id, source.lines(org_id, keyring, None).values(), keyring)
    return written


def lines(org_id: Any, keyring: Keyring, name: str) -> list[str]:
    """Every line of one source of an organisation (empty for an unknown source or a key not held)."""
    source = SOURCES.get(name)
    if source is None or not keyring.has(source.kind):
        return []
    return store_of(source).lines(org_id, keyring)
