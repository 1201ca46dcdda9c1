"""Person search over the decrypted shards as they come out of their envelopes: UTF-8 bytes, never decoded
whole nor split into lines (a UTF-8 word found in UTF-8 text starts on a character; byte order is code point order).

One word of the query is looked for in a shard's whole text (`bytes.find`, in C); only the lines it hits are
looked at. A line is split into fields only when a word may lie in its quick fields (name, other names, phone,
birth date): a word first seen after the line's tenth tab is in the description, the comments or another app's
text, so a line whose every word is there is of tier 3 (see `search.Query.tier`) with no further work. That is
most of the lines a word common in comments hits. Tiers are exactly those of `Query.tier` on the same text.
"""

from __future__ import annotations

from collections.abc import Sequence

from mano.persons.index import PERSON_SHARDS
from mano.persons.search import QUICK, Query

# Tabs before a line's description: id, teams, name key, birth date, followed since, card, then the quick fields.
QUICK_TABS = 10
ID_LENGTH = 36


# A matching line: (tier, person id, shard, start, end), its text being texts[shard][1][start:end]. A plain tuple:
# a word common in comments hits ~22,000 lines at 30,000 persons, and a NamedTuple costs ten times more to build.
Hit = tuple[int, str, int, int, int]


def searched_text(raw: str, quick_only: bool, more: str = "") -> str:
    """The text a line is ranked on: its search fields (only the quick ones for restricted members), then the
    texts of other apps' providers (`more`)."""
    fields = raw.split("\t", 6)[6]
    if quick_only:
        return "\t".join(fields.split("\t", QUICK)[:QUICK])
    return "\t".join(filter(None, [fields, more]))


def scan(texts: Sequence[tuple[int, bytes]], search: Query, *, quick_only: bool, extra: dict[str, str]) -> list[Hit]:
    """Every line (of any shard) that the search matches, with its tier. `texts`: (bucket, UTF-8 text) of each
    shard; `extra`: other apps' texts by person id, searched with that person's line."""
    terms = sorted((term.encode() for term, _ in search.terms), key=len, reverse=True)
    if not terms:
        return []
    # A word that reads as a phone number may also match the phone digits: such lines take the exact path.
    fast = all(form is None for _, form in search.terms)
    # One plain word found past the quick fields is of tier 3 with no more work: most hits of a common word.
    single, beyond = fast and len(terms) == 1, None if quick_only else 3
    hits: list[Hit] = []
    for shard, (_, text) in enumerate(texts):
        find, rfind, count, position = text.find, text.rfind, text.count, text.find(terms[0])
        while position >= 0:
            start = rfind(b"\n", 0, position) + 1
            end = find(b"\n", position)
            end = len(text) if end < 0 else end
            person_id = text[start : start + ID_LENGTH].decode()
            if not (extra and person_id in extra):
                if single and count(b"\t", start, position) >= QUICK_TABS:
                    tier = beyond
                else:
                    tier = _tier(search, text, start, end, position, terms, fast=fast, quick_only=quick_only)
                if tier is not None:
                    hits.append((tier, person_id, shard, start, end))
            position = find(terms[0], end)
    return hits + _extra_hits(texts, search, terms, extra, quick_only)


def _tier(
    search: Query, text: bytes, start: int, end: int, first: int, terms: list[bytes], *, fast: bool, quick_only: bool
) -> int | None:
    """The tier of the line text[start:end], in which terms[0] is first found at `first`."""
    # The line's folded name (its third field) is the name the tiers test: every word there is tier 0 or 1.
    name_start = text.find(b"\t", start + ID_LENGTH + 1) + 1
    name_end = text.find(b"\t", name_start)
    if all(text.find(term, name_start, name_end) >= 0 for term in terms):
        return 0 if text.startswith(search.folded.encode(), name_start) else 1
    found = [first] + [text.find(term, start, end) for term in terms[1:]]
    if min(found) < 0:
        return None  # a word missing from the whole line: missing from its search text too
    if fast and all(text.count(b"\t", start, at) >= QUICK_TABS for at in found):
        return None if quick_only else 3
    return search.tier(searched_text(text[start:end].decode(), quick_only))


def _extra_hits(
    texts: Sequence[tuple[int, bytes]], search: Query, terms: list[bytes], extra: dict[str, str], quick_only: bool
) -> list[Hit]:
    """The lines of the persons other apps found, searched with those apps' texts."""
    shards = {bucket: shard for shard, (bucket, _) in enumerate(texts)}
    words = [term.decode() for term in terms]
    hits = []
    for person_id, more in extra.items():
        shard = shards.get(PERSON_SHARDS.bucket(person_id))
        if shard is None:
            continue
        text, head = texts[shard][1], f"{person_id}\t".encode()
        start = 0 if text.startswith(head) else text.find(b"\n" + head) + 1
        if start == 0 and not text.startswith(head):
            continue
        end = text.find(b"\n", start)
        end = len(text) if end < 0 else end
        raw = text[start:end].decode()
        if all(word in raw or word in more for word in words):
            tier = search.tier(searched_text(raw, quick_only, more))
            if tier is not None:
                hits.append((tier, person_id, shard, start, end))
    return hits


def name_key(text: bytes, start: int) -> bytes:
    """The folded name of the line starting at `start` (its third field), read without splitting the line; as
    UTF-8 bytes, which sort as their text does."""
    begin = text.find(b"\t", start + ID_LENGTH + 1) + 1
    return text[begin : text.find(b"\t", begin)]
