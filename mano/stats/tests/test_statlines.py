"""The item-line format: half-day codes, day and night windows, several teams, and the fast paths of counting
(which must always agree with counting entry by entry)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.utils import timezone

from mano.core.statlines import CODE, Counter, Window, half_day, item_line, team_key

DAY, NIGHT, OTHER = "d" * 8, "n" * 8, "o" * 8
WIDTH = 1 + CODE


def at(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


def _counter(first: str, last: str, teams: set[str] | None = None) -> Counter:
    window = Window.of(date.fromisoformat(first), date.fromisoformat(last))
    return Counter(window, frozenset(teams) if teams is not None else None, frozenset({NIGHT}))


def test_half_days_turn_at_midnight_and_noon() -> None:
    assert half_day(at("2026-02-01 00:00")) == half_day(at("2026-02-01 11:59")) == half_day(at("2026-01-31 23:59")) + 1
    assert half_day(at("2026-02-01 12:00")) == half_day(at("2026-02-01 11:59")) + 1


def test_a_night_team_counts_noon_to_noon() -> None:
    moments = ["2026-02-01 11:59", "2026-02-01 12:00", "2026-02-02 11:59", "2026-02-02 12:00"]
    line = item_line("p", [(at(m), NIGHT, "") for m in moments])
    assert line is not None
    assert _counter("2026-02-01", "2026-02-01").count(line, WIDTH) == 2
    day_line = item_line("p", [(at(m), DAY, "") for m in moments])
    assert day_line is not None
    assert _counter("2026-02-01", "2026-02-01").count(day_line, WIDTH) == 2  # 11:59 and 12:00 of the 1st
    assert _counter("2026-02-02", "2026-02-02").count(day_line, WIDTH) == 2


def test_an_item_of_two_teams_counts_once_and_for_either_team() -> None:
    line = item_line("p", [(at("2026-02-01 10:00"), team_key([DAY, OTHER]), "d")])
    assert line is not None
    assert _counter("2026-02-01", "2026-02-01").count(line, WIDTH + 1) == 1
    assert _counter("2026-02-01", "2026-02-01", {OTHER}).count(line, WIDTH + 1) == 1
    assert _counter("2026-02-01", "2026-02-01", {NIGHT}).count(line, WIDTH + 1) == 0
    assert _counter("2026-02-01", "2026-02-01").entries(line, WIDTH + 1)[0].endswith("d")


def test_items_without_team_count_for_the_whole_organisation_only() -> None:
    line = item_line("p", [(at("2026-02-01 10:00"), "", "")])
    assert line is not None
    assert _counter("2026-02-01", "2026-02-01").count(line, WIDTH) == 1
    assert _counter("2026-02-01", "2026-02-01", {DAY}).count(line, WIDTH) == 0


def test_counting_agrees_with_a_naive_count() -> None:
    rng = random.Random(7)
    start = at("2026-01-01 00:00")
    for _ in range(200):
        items = [
            (start + timedelta(minutes=rng.randint(0, 90 * 24 * 60)), rng.choice([DAY, NIGHT, OTHER, ""]), "")
            for _ in range(rng.randint(1, 30))
        ]
        line = item_line("p", items)
        assert line is not None
        # Often a window holding the whole line (the fast paths), else a part of it.
        first = date(2025, 12, 31) + timedelta(days=rng.randint(0, 80))
        last = first + timedelta(days=rng.choice([rng.randint(0, 30), 120]))
        teams = rng.choice([None, {DAY}, {NIGHT}, {DAY, NIGHT}, {OTHER}])
        counter = _counter(first.isoformat(), last.isoformat(), teams)
        expected = sum(1 for moment, team, _ in items if _naive(moment, team, first, last, teams))
        assert counter.count(line, WIDTH) == expected
        codes = sorted(half_day(moment) for moment, team, _ in items if _naive(moment, team, first, last, teams))
        assert sorted(int(e[1:]) for e in counter.entries(line, WIDTH)) == codes
        assert sorted(int(c) for c in counter.codes(line, WIDTH)) == codes


def _naive(moment: datetime, team: str, first: date, last: date, teams: set[str] | None) -> bool:
    if teams is not None and team not in teams:
        return False
    local = timezone.localtime(moment)
    day = (local - timedelta(hours=12)).date() if team == NIGHT else local.date()
    return first <= day <= last
