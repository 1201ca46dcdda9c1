"""Opening hours read in French and evaluated at fixed moments (Europe/Paris, French public holidays).

No database: `mano.structures.hours` is pure. Calendar used below: 2027-07-12 is a Monday, 14 July 2027 a
Wednesday, 1 November 2027 a Monday, 25 December 2026 a Friday; DST starts 2027-03-28 and ends 2027-10-31.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mano.structures import hours
from mano.structures.hours import PARIS, Closure, HoursStatus

WEEKDAYS = "Mo-Fr 09:00-18:00; PH off"
OVERNIGHT = "22:00-08:00"
WEEKS = "week 01-26 Mo-Fr 09:00-17:00"
UNREADABLE = "Lu-Ve 9h-18h"


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, fold: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS, fold=fold)


def label(text: str, now: datetime, closures: tuple[Closure, ...] = ()) -> str:
    return hours.status(text, now=now, closures=closures).label


def test_it_reads_an_overnight_range() -> None:
    """22:00-08:00 is open across midnight, and the closing time says which day it falls on."""
    assert hours.status(OVERNIGHT, now=at(2027, 7, 12, 23)) == HoursStatus(
        "open", "Ouvert maintenant · ferme demain à 8 h", True
    )
    assert hours.status(OVERNIGHT, now=at(2027, 7, 13, 2)) == HoursStatus(
        "open", "Ouvert maintenant · ferme à 8 h", True
    )
    assert hours.status(OVERNIGHT, now=at(2027, 7, 13, 12)) == HoursStatus("closed", "Fermé · ouvre à 22 h", False)
    assert hours.today(OVERNIGHT, now=at(2027, 7, 12, 23)) == "Aujourd’hui : 22 h – 8 h (lendemain)"
    assert hours.today(OVERNIGHT, now=at(2027, 7, 13, 12)) == "Aujourd’hui : 22 h – 8 h (lendemain)"
    assert hours.describe(OVERNIGHT) == ["Tous les jours : 22 h – 8 h (lendemain)"]


def test_it_shows_the_night_still_running_from_yesterday() -> None:
    """At 2:00 the range typed for yesterday is still open: today's line says so until it ends."""
    assert hours.today(OVERNIGHT, now=at(2027, 7, 13, 2)) == "Aujourd’hui : jusqu’à 8 h, 22 h – 8 h (lendemain)"
    assert hours.status("Fr 22:00-08:00", now=at(2027, 7, 17, 3)).label == "Ouvert maintenant · ferme à 8 h"
    assert hours.today("Fr 22:00-08:00", now=at(2027, 7, 17, 3)) == "Aujourd’hui : jusqu’à 8 h"
    assert hours.today("Fr 22:00-08:00", now=at(2027, 7, 17, 9)) == "Aujourd’hui : fermé"


def test_it_closes_on_14_july() -> None:
    assert hours.status(WEEKDAYS, now=at(2027, 7, 13, 17)).label == "Ouvert maintenant · ferme à 18 h"
    assert hours.status(WEEKDAYS, now=at(2027, 7, 13, 19)).label == "Fermé · ouvre jeudi à 9 h"
    assert hours.status(WEEKDAYS, now=at(2027, 7, 14, 10)) == HoursStatus("closed", "Fermé · ouvre demain à 9 h", False)
    assert hours.today(WEEKDAYS, now=at(2027, 7, 14, 10)) == "Aujourd’hui : fermé"
    assert not hours.open_now(WEEKDAYS, now=at(2027, 7, 14, 10))


def test_it_closes_on_christmas_and_all_saints() -> None:
    assert not hours.open_now(WEEKDAYS, now=at(2026, 12, 25, 10))
    assert label(WEEKDAYS, at(2026, 12, 24, 19)) == "Fermé · ouvre lundi à 9 h"
    assert not hours.open_now(WEEKDAYS, now=at(2027, 11, 1, 10))
    assert hours.today(WEEKDAYS, now=at(2027, 11, 1, 10)) == "Aujourd’hui : fermé"
    assert hours.open_now(WEEKDAYS, now=at(2027, 11, 2, 10))


def test_it_reads_week_numbers() -> None:
    """Week 26 of 2027 runs from 28 June to 4 July; nothing opens again before week 1 of 2028."""
    assert label(WEEKS, at(2027, 6, 30, 10)) == "Ouvert maintenant · ferme à 17 h"
    assert label(WEEKS, at(2027, 6, 25, 18)) == "Fermé · ouvre lundi à 9 h"
    assert label(WEEKS, at(2027, 7, 2, 18)) == "Fermé"
    assert not hours.open_now(WEEKS, now=at(2027, 7, 7, 10))
    assert hours.today(WEEKS, now=at(2027, 7, 7, 10)) == "Aujourd’hui : fermé"
    assert hours.describe("week 1-20 Mo-Fr 09:00-17:00") == ["Semaines 1 à 20, du lundi au vendredi : 9 h – 17 h"]


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2027, 3, 28, 0, 30, tzinfo=UTC),  # 01:30 CET
        datetime(2027, 3, 28, 1, 30, tzinfo=UTC),  # 03:30 CEST
        datetime(2027, 10, 31, 0, 30, tzinfo=UTC),  # 02:30 CEST
        datetime(2027, 10, 31, 1, 30, tzinfo=UTC),  # 02:30 CET, the repeated hour
    ],
)
def test_24_7_stays_open_across_dst_changes(moment: datetime) -> None:
    assert hours.status("24/7", now=moment) == HoursStatus("open", "Ouvert 24 h/24", True)
    assert hours.today("24/7", now=moment) == "Aujourd’hui : 24 h/24"
    assert hours.describe("24/7") == ["Tous les jours, 24 h/24"]


def test_a_night_range_on_the_spring_dst_sunday() -> None:
    """Su 01:00-04:00 on 28 March 2027 lasts two hours (02:00 does not exist) and behaves."""
    night = "Su 01:00-04:00"
    assert label(night, at(2027, 3, 28, 0, 30)) == "Fermé · ouvre à 1 h"
    assert label(night, at(2027, 3, 28, 1, 30)) == "Ouvert maintenant · ferme à 4 h"
    assert label(night, at(2027, 3, 28, 3, 30)) == "Ouvert maintenant · ferme à 4 h"
    assert label(night, at(2027, 3, 28, 4, 30)) == "Fermé · ouvre le 4 avril à 1 h"
    assert hours.today(night, now=at(2027, 3, 28, 12)) == "Aujourd’hui : 1 h – 4 h"


def test_a_night_range_on_the_autumn_dst_sunday() -> None:
    """On 31 October 2027 02:30 happens twice; the range is open both times."""
    night = "Su 01:00-04:00"
    assert hours.open_now(night, now=at(2027, 10, 31, 2, 30))
    assert hours.open_now(night, now=at(2027, 10, 31, 2, 30, fold=1))
    assert label(night, at(2027, 10, 31, 3, 30)) == "Ouvert maintenant · ferme à 4 h"
    assert not hours.open_now(night, now=at(2027, 10, 31, 4))
    assert hours.today(night, now=at(2027, 10, 31, 12)) == "Aujourd’hui : 1 h – 4 h"


def test_a_skipped_wall_clock_time_is_read_as_after_the_change() -> None:
    """02:30 on 28 March 2027 does not exist in Paris: it reads as 03:30 instead of failing."""
    assert hours.open_now("Su 03:00-04:00", now=at(2027, 3, 28, 2, 30))


def test_the_look_ahead_may_end_in_the_skipped_hour() -> None:
    """Eight days after Saturday 20 March 02:30 is a time that does not exist: the label is still computed."""
    assert label("Mo-Fr 09:00-18:00", at(2027, 3, 20, 2, 30)) == "Fermé · ouvre lundi à 9 h"


def test_it_converts_now_to_paris() -> None:
    """07:30 UTC is 09:30 in Paris in July; a naive `now` is read as Paris time."""
    assert hours.open_now(WEEKDAYS, now=datetime(2027, 7, 13, 7, 30, tzinfo=UTC))
    assert not hours.open_now(WEEKDAYS, now=datetime(2027, 7, 13, 6, 30, tzinfo=UTC))
    assert hours.open_now(WEEKDAYS, now=datetime(2027, 7, 13, 9, 30))


def test_it_opens_tomorrow_or_on_monday() -> None:
    assert label("Mo-Fr 09:00-18:00", at(2027, 7, 15, 19)) == "Fermé · ouvre demain à 9 h"
    assert label("Mo-Fr 09:00-18:00", at(2027, 7, 16, 19)) == "Fermé · ouvre lundi à 9 h"
    assert label("Mo-Fr 09:30-18:00", at(2027, 7, 17, 12)) == "Fermé · ouvre lundi à 9 h 30"
    assert label("Mo-Fr 09:00-12:00,14:00-18:00", at(2027, 7, 13, 12, 15)) == "Fermé · ouvre à 14 h"
    assert label("Mo 10:00-12:00", at(2027, 7, 12, 13)) == "Fermé · ouvre le 19 juillet à 10 h"


def test_it_closes_at_midnight() -> None:
    assert label("Mo-Fr 08:00-24:00", at(2027, 7, 12, 23)) == "Ouvert maintenant · ferme à minuit"
    assert label("Mo-Sa", at(2027, 7, 12, 23)) == "Ouvert maintenant · ferme samedi à minuit"
    assert hours.today("Mo-Fr 08:00-24:00", now=at(2027, 7, 12, 9)) == "Aujourd’hui : 8 h – minuit"
    assert hours.describe("Mo-Fr 08:00-24:00") == ["Du lundi au vendredi : 8 h – minuit"]


def test_today_lists_the_ranges() -> None:
    text = "Mo-Fr 09:00-12:00,14:00-18:00; Sa 10:00-12:00; PH off"
    assert hours.today(text, now=at(2027, 7, 13, 8)) == "Aujourd’hui : 9 h – 12 h, 14 h – 18 h"
    assert hours.today(text, now=at(2027, 7, 17, 8)) == "Aujourd’hui : 10 h – 12 h"
    assert hours.today(text, now=at(2027, 7, 18, 8)) == "Aujourd’hui : fermé"


def test_a_closure_covering_today_wins() -> None:
    closures = (Closure(date(2027, 7, 12), date(2027, 7, 20), "Travaux"),)
    assert hours.status("24/7", now=at(2027, 7, 13, 10), closures=closures) == HoursStatus(
        "closed_temporarily", "Fermé temporairement jusqu’au 20 juillet inclus", False
    )
    assert hours.today("24/7", now=at(2027, 7, 13, 10), closures=closures) == "Aujourd’hui : fermé temporairement"
    assert not hours.open_now("24/7", now=at(2027, 7, 13, 10), closures=closures)
    assert hours.open_now("24/7", now=at(2027, 7, 21, 0, 1), closures=closures)


def test_touching_closures_read_as_one() -> None:
    closures = (Closure(date(2027, 7, 21), date(2027, 7, 25)), Closure(date(2027, 7, 12), date(2027, 7, 20)))
    assert label(WEEKDAYS, at(2027, 7, 13, 10), closures) == "Fermé temporairement jusqu’au 25 juillet inclus"


def test_a_closure_without_an_end_names_no_date() -> None:
    """The directory stores "until further notice" as an end ten years on: that date is not shown."""
    closures = (Closure(date(2027, 7, 1), date(2037, 7, 1)),)
    assert label(WEEKDAYS, at(2027, 7, 13, 10), closures) == "Fermé temporairement"


def test_a_coming_closure_moves_the_next_opening() -> None:
    closures = (Closure(date(2027, 7, 14), date(2027, 7, 16)),)
    assert label("Mo-Fr 09:00-18:00", at(2027, 7, 13, 10), closures) == "Ouvert maintenant · ferme à 18 h"
    assert label("Mo-Fr 09:00-18:00", at(2027, 7, 13, 19), closures) == "Fermé · ouvre lundi à 9 h"
    assert label("24/7", at(2027, 7, 13, 19), closures) == "Ouvert maintenant · ferme à minuit"
    assert label("Mo-Fr 09:00-18:00", at(2027, 7, 13, 19), (Closure(date(2027, 1, 1), date(2027, 1, 2)),)) == (
        "Fermé · ouvre demain à 9 h"
    )


def test_unknown_syntax_is_kept_flagged_and_never_raises() -> None:
    assert hours.check(UNREADABLE) == (
        "Horaires illisibles : utilisez la syntaxe OpenStreetMap, par exemple "
        "« Mo-Fr 09:00-12:00,14:00-18:00 ; PH off »."
    )
    assert hours.describe(UNREADABLE) == [UNREADABLE]
    assert hours.status(UNREADABLE, now=at(2027, 7, 13, 10)) == HoursStatus("unknown", "Horaires à vérifier", False)
    assert hours.today(UNREADABLE, now=at(2027, 7, 13, 10)) == ""
    assert not hours.open_now(UNREADABLE, now=at(2027, 7, 13, 10))


def test_the_example_in_the_error_message_is_valid() -> None:
    assert hours.check("Mo-Fr 09:00-12:00,14:00-18:00 ; PH off") is None


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_text_means_no_hours_typed(text: str) -> None:
    assert hours.check(text) is None
    assert hours.describe(text) == []
    assert hours.status(text, now=at(2027, 7, 13, 10)) == HoursStatus("unknown", "Horaires non renseignés", False)
    assert hours.today(text, now=at(2027, 7, 13, 10)) == ""


def test_it_describes_rules_in_french() -> None:
    assert hours.describe("Mo-Fr 09:00-12:00,14:00-18:00; PH off") == [
        "Du lundi au vendredi : 9 h – 12 h, 14 h – 18 h",
        "Jours fériés : fermé",
    ]
    assert hours.describe("Tu,Th 09:30-12:00; Sa-Su 10:00-12:00") == [
        "Mardi et jeudi : 9 h 30 – 12 h",
        "Samedi et dimanche : 10 h – 12 h",
    ]
    assert hours.describe("Dec 24-Jan 02 off") == ["Du 24 décembre au 2 janvier : fermé"]
    assert hours.describe("Mar 1-15 10:00-12:00") == ["Du 1er au 15 mars : 10 h – 12 h"]
    assert hours.describe('Mo 10:00-12:00 "sur rendez-vous"') == ["Lundi : 10 h – 12 h (sur rendez-vous)"]
    assert hours.describe("off") == ["Tous les jours : fermé"]


def test_it_shows_untranslatable_rules_verbatim() -> None:
    assert hours.describe("Mo-Fr 09:00-18:00; We[1] off") == ["Du lundi au vendredi : 9 h – 18 h", "We[1] closed"]
    assert hours.describe("Mo-Fr 10:00+") == ["Mo-Fr 10:00+"]


def test_a_fallback_rule_shows_only_the_present_state() -> None:
    """With `||` the library's intervals contradict its own state (2.1.4): no look-ahead, no day line."""
    text = "Mo-Fr 09:00-18:00 || unknown"
    assert hours.status(text, now=at(2027, 7, 13, 12)) == HoursStatus("open", "Ouvert maintenant", True)
    assert hours.status(text, now=at(2027, 7, 12, 23)) == HoursStatus("closed", "Fermé", False)
    assert hours.status(text, now=at(2027, 7, 17, 12)) == HoursStatus("unknown", "Ouverture à confirmer", False)
    assert hours.today(text, now=at(2027, 7, 13, 12)) == ""


def test_parsing_is_cached_and_bounded() -> None:
    hours.check("Mo 09:00-10:00")
    hours.check("Mo 09:00-10:00")
    info = hours._parse.cache_info()
    assert info.maxsize == 4096
    assert info.hits >= 1


OSM_WORDS = st.sampled_from(
    ["Mo", "Fr", "Su", "PH", "-", ",", ";", " ", "||", "09:00", "24:00", "28:00", "off", "unknown", '"', "24/7"]
    + ["week", "01", "Dec", "25", "[1]", "+", "sunrise", "easter", "2027"]
)
TEXTS = st.one_of(st.text(max_size=60), st.lists(OSM_WORDS, max_size=12).map("".join))
MOMENTS = st.datetimes(
    min_value=datetime(1901, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.sampled_from([PARIS, UTC])
)
CLOSURES = st.lists(st.builds(Closure, st.dates(), st.dates(), st.text(max_size=5)), max_size=2)


@settings(deadline=None, max_examples=300)
@given(text=TEXTS, now=MOMENTS, closures=CLOSURES)
def test_random_text_never_raises(text: str, now: datetime, closures: list[Closure]) -> None:
    problem = hours.check(text)
    lines = hours.describe(text)
    state = hours.status(text, now=now, closures=closures)
    line = hours.today(text, now=now, closures=closures)
    assert problem is None or problem.startswith("Horaires illisibles")
    assert all(isinstance(item, str) for item in lines)
    assert state.state in ("open", "closed", "unknown", "closed_temporarily")
    assert state.is_open == (state.state == "open")
    assert state.label
    assert isinstance(line, str)
    assert hours.open_now(text, now=now + timedelta(0), closures=closures) == state.is_open
