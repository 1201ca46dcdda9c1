"""Sorted orders of an organisation's persons, ids only, kept in this process and keyed by the shards' stamp.

Sorting 20,000 shard lines by name costs ~40 ms on top of ~30 ms to read and decrypt them, and the order only
changes when a shard is rewritten. So each process keeps, per organisation, the person ids in each list sort's
order (with their team ids, plaintext columns of the database) and, for search, each id's rank by name. No
name, date or other personal value is kept, only ids. The key is `ShardStore.stamp` (every envelope's random
nonce, read from an index): any rewrite, by any process, makes the next read rebuild the order.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mano.core.crypto import Keyring
from mano.core.shards import Stamp
from mano.persons.index import PERSON_SHARDS

MAX_ORGANISATIONS = 16


def _by_name(raw: str) -> tuple[bool, str, str]:
    name = raw.split("\t", 3)[2]
    return (not name, name, raw[:36])


def _by_field(position: int) -> Callable[[str], tuple[bool, str, str, str]]:
    """Sort raw shard lines on one of their leading fields (birth date, followed since), then by name and id."""

    def key(raw: str) -> tuple[bool, str, str, str]:
        fields = raw.split("\t", position + 1)
        return (not fields[position], fields[position], fields[2], raw[:36])

    return key


# Empty values last; ties by id so that every process shows the same order.
SORT_KEYS = {"name": _by_name, "birth_date": _by_field(3), "followed_since": _by_field(4)}


@dataclass(frozen=True)
class Order:
    """Person ids in one sort's order, each with its team ids field (comma-separated)."""

    ids: list[str]
    teams: list[str]
    unnamed: int = 0  # persons without a name (sorted last by the list, first by search)


@dataclass
class _Entry:
    stamp: Stamp
    orders: dict[str, Order] = field(default_factory=dict)
    ranks: dict[str, int] | None = None


_CACHE: OrderedDict[Any, _Entry] = OrderedDict()
_LOCK = threading.Lock()


def _entry(org_id: Any, stamp: Stamp) -> _Entry:
    """The cached entry of this organisation for exactly this stamp (a fresh one replaces an older one)."""
    with _LOCK:
        entry = _CACHE.get(org_id)
        if entry is None or entry.stamp != stamp:
            entry = _CACHE[org_id] = _Entry(stamp)
        _CACHE.move_to_end(org_id)
        while len(_CACHE) > MAX_ORGANISATIONS:
            _CACHE.popitem(last=False)
        return entry


def order_of(lines: list[str], sort: str) -> Order:
    ordered = sorted(lines, key=SORT_KEYS[sort])
    unnamed = sum(1 for raw in lines if not raw.split("\t", 3)[2]) if sort == "name" else 0
    return Order([raw[:36] for raw in ordered], [raw.split("\t", 2)[1] for raw in ordered], unnamed)


def sorted_order(org_id: Any, keyring: Keyring, sort: str) -> Order:
    """Every shard line's person id in the order of `sort` (deleted persons included: callers drop them)."""
    entry = _entry(org_id, PERSON_SHARDS.stamp(org_id))
    found = entry.orders.get(sort)
    if found is not None:
        return found
    stamp, texts = PERSON_SHARDS.texts(org_id, keyring)
    lines = [raw for _, text in texts for raw in text.split("\n") if raw]
    found = order_of(lines, sort)
    # Stored under the stamp of what was read: a shard rewritten meanwhile only costs the next reader a rebuild.
    _entry(org_id, stamp).orders[sort] = found
    return found


def search_ranks(org_id: Any, stamp: Stamp) -> dict[str, int] | None:
    """Each person id's position by (name, id), names empty first, as search ranks ties; None when no order by
    name is cached for this stamp (the caller then reads the names from the lines it holds)."""
    with _LOCK:
        entry = _CACHE.get(org_id)
    if entry is None or entry.stamp != stamp or "name" not in entry.orders:
        return None
    if entry.ranks is None:
        order = entry.orders["name"]
        named = len(order.ids) - order.unnamed
        ids = order.ids[named:] + order.ids[:named]
        entry.ranks = {person_id: position for position, person_id in enumerate(ids)}
    return entry.ranks


def forget() -> None:
    """Drop every cached order (tests)."""
    with _LOCK:
        _CACHE.clear()
