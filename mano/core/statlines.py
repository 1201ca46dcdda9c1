"""The line format of the statistics store's item sources (comments, actions, passages, rencontres, …), and
the counting that reads it.

One line per key, the items of that key (a person's comments, or a month's anonymous passages):

    key \\t team keys \\t span \\t entries

- team keys: comma-separated; a team id, several ids joined by "+" (an action of several teams, counted
  once), or "" (no team);
- entries: fixed width, no separator, sorted; one per item: the index of its team key (one character,
  chr(48 + position)), its half-day code (CODE digits), then the source's suffix (actions: the status letter);
- span: the lowest and highest half-day codes of the line, so that a line entirely inside a period is counted
  without reading its entries.

Half-day code: 2 × (days since 2000-01-01) + 1 from noon, in local time. A day team's day d is [2d, 2d + 2), a
night team's [2d + 1, 2d + 3) (noon to noon, as `mano.agenda.days.day_window`). Entries sorted by team and code
make a period's count two bisections per team of the line, whatever its number of items.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from django.utils import timezone

EPOCH = date(2000, 1, 1)
CODE = 5
LAST = 10**CODE - 1
TEAM_SEP, TEAMS_SEP = "+", ","


def day_number(day: date) -> int:
    return (day - EPOCH).days


def half_day(moment: datetime) -> int:
    """The half-day code of an instant (its local wall-clock day and half), clamped to the format's range."""
    local = timezone.localtime(moment)
    return min(LAST, max(0, 2 * day_number(local.date()) + (local.hour >= 12)))


def team_key(team_ids: Iterable[Any]) -> str:
    return TEAM_SEP.join(sorted(str(t) for t in team_ids if t))


def item_line(key: str, items: Iterable[tuple[datetime, str, str]]) -> str | None:
    """The line of `key` from its items (moment, team key, suffix); None without items. Every suffix of a source
    has the same width."""
    teams: dict[str, str] = {}
    entries, codes = [], []
    for moment, team, suffix in items:
        code = half_day(moment)
        codes.append(code)
        entries.append(f"{teams.setdefault(team, chr(48 + len(teams)))}{code:0{CODE}d}{suffix}")
    if not entries:
        return None
    span = f"{min(codes):0{CODE}d}{max(codes):0{CODE}d}"
    return "\t".join([key, TEAMS_SEP.join(teams), span, "".join(sorted(entries))])


def item_lines(rows: Iterable[tuple[Any, datetime, str, str]]) -> dict[str, str]:
    """{key: line} from rows (key, moment, team key, suffix), in any order."""
    grouped: dict[str, list[tuple[datetime, str, str]]] = defaultdict(list)
    for key, moment, team, suffix in rows:
        grouped[str(key)].append((moment, team, suffix))
    return {key: line for key, items in grouped.items() if (line := item_line(key, items)) is not None}


@dataclass(frozen=True)
class Window:
    """A period of whole days [first, last] as half-day codes: [start, end) for day teams and for night teams."""

    day: tuple[str, str]
    night: tuple[str, str]

    @classmethod
    def of(cls, first: date, last: date) -> Window:
        start, end = 2 * day_number(first), 2 * day_number(last) + 2
        return cls((f"{start:0{CODE}d}", f"{end:0{CODE}d}"), (f"{start + 1:0{CODE}d}", f"{end + 1:0{CODE}d}"))


class _Entries:
    """The entries of a line (from `start` to its end) seen as a sequence of fixed-width entries, for bisect (no
    list built, no copy of the entries)."""

    __slots__ = ("start", "text", "width")

    def __init__(self, text: str, width: int, start: int = 0) -> None:
        self.text, self.width, self.start = text, width, start

    def __len__(self) -> int:
        return (len(self.text) - self.start) // self.width

    def __getitem__(self, index: int) -> str:
        at = self.start + index * self.width
        return self.text[at : at + self.width]


@dataclass(frozen=True)
class _Plan:
    """How to count a line with given team keys: [lo, hi) entry prefixes per chosen team key, and `whole`, the
    (lo, hi) codes a line's span must lie in for all its entries to count (None: some team is not chosen)."""

    ranges: list[tuple[str, str]]
    whole: tuple[str, str] | None


def _fields(raw: str) -> tuple[int, int, int]:
    """Where the line's teams, span and entries start."""
    teams = raw.index("\t") + 1
    span = raw.index("\t", teams) + 1
    return teams, span, raw.index("\t", span) + 1


@dataclass
class Counter:
    """Counts a period's items of chosen teams in item lines. `teams`: the team ids counted (None: the whole
    organisation); `night`: the night teams' ids. A multi-team item counts once if one of its teams is chosen,
    in the night window if one of those is a night team (as the reports place rows)."""

    window: Window
    teams: frozenset[str] | None
    night: frozenset[str]
    # Cached per team key and per line's team keys: 20,000 lines share a few hundred of them.
    _bounds_of: dict[str, tuple[str, str] | None] = field(default_factory=dict)
    _plans: dict[str, _Plan] = field(default_factory=dict)

    @cached_property
    def _everywhere(self) -> tuple[str, str]:
        """The codes where both a day team's and a night team's items count."""
        return self.window.night[0], self.window.day[1]

    def bounds(self, team: str) -> tuple[str, str] | None:
        """The window of a team key's items (day or night); None when none of its teams is chosen."""
        if team in self._bounds_of:
            return self._bounds_of[team]
        ids = [t for t in team.split(TEAM_SEP) if self.teams is None or t in self.teams]
        found = None
        if ids:
            found = self.window.night if any(t in self.night for t in ids) else self.window.day
        self._bounds_of[team] = found
        return found

    def _plan(self, teams_field: str) -> _Plan:
        plan = self._plans.get(teams_field)
        if plan is None:
            bounds = [self.bounds(team) for team in teams_field.split(TEAMS_SEP)]
            ranges = [(chr(48 + i) + b[0], chr(48 + i) + b[1]) for i, b in enumerate(bounds) if b is not None]
            whole = None
            if ranges and len(ranges) == len(bounds):
                whole = (max(b[0] for b in bounds if b), min(b[1] for b in bounds if b))
            plan = self._plans[teams_field] = _Plan(ranges, whole)
        return plan

    def ranges(self, teams_field: str) -> list[tuple[str, str]]:
        """[lo, hi) entry prefixes counted in a line with these team keys."""
        return self._plan(teams_field).ranges

    def _every_entry(self, raw: str, teams: int, span: int, entries: int) -> bool:
        """Whether every entry of the line counts: its span lies in the windows of all its teams, all chosen."""
        first, last = raw[span : span + CODE], raw[span + CODE : entries - 1]
        if self.teams is None:
            lo, hi = self._everywhere  # no need to read the team keys
            if lo <= first and last < hi:
                return True
        whole = self._plan(raw[teams : span - 1]).whole
        return whole is not None and whole[0] <= first and last < whole[1]

    def count(self, raw: str, width: int) -> int:
        """How many of the line's entries fall in the window for a chosen team."""
        teams, span, entries = _fields(raw)
        if self._every_entry(raw, teams, span, entries):
            return (len(raw) - entries) // width
        seq = _Entries(raw, width, entries)
        return sum(bisect_left(seq, hi) - bisect_left(seq, lo) for lo, hi in self._plan(raw[teams : span - 1]).ranges)

    def entries(self, raw: str, width: int) -> list[str]:
        """The line's entries in the window for a chosen team (to read their suffixes)."""
        teams, span, entries = _fields(raw)
        if self._every_entry(raw, teams, span, entries):
            return [raw[at : at + width] for at in range(entries, len(raw), width)]
        seq = _Entries(raw, width, entries)
        found: list[str] = []
        for lo, hi in self._plan(raw[teams : span - 1]).ranges:
            found += [seq[i] for i in range(bisect_left(seq, lo), bisect_left(seq, hi))]
        return found

    def codes(self, raw: str, width: int) -> list[str]:
        """The half-day codes of the line's entries in the window for a chosen team."""
        teams, span, entries = _fields(raw)
        if self._every_entry(raw, teams, span, entries):
            return [raw[at + 1 : at + 1 + CODE] for at in range(entries, len(raw), width)]
        return [e[1 : 1 + CODE] for e in self.entries(raw, width)]
