"""Opening hours of structures: OpenStreetMap `opening_hours` text, checked, read in French and evaluated at a moment.

Pure functions (no database). Conventions:
- Evaluation happens in Europe/Paris with French public holidays (PH). `now` is converted there (a naive `now` is
  read as Paris wall-clock time) and truncated to the minute, the resolution of the syntax, so the state at
  18:59:59 is the state at 18:59.
- Empty text means "no hours typed"; text the parser refuses means "to check". No input makes these functions
  raise: a directory page shows hundreds of structures and one bad expression must not break it.
- A temporary closure covers whole days, `start` to `end` included, and wins over the typed hours.
- Parsed expressions and results are cached (bounded LRU): they are public directory information, not personal
  data, and a directory page evaluates a few dozen distinct expressions for hundreds of structures.
"""

from __future__ import annotations

import functools
import logging
import re
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from opening_hours import OpeningHours, State

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
LOOKAHEAD = timedelta(days=8)
CACHE_SIZE = 4096
# An "until further notice" closure is stored with a far end date: naming that date would mislead.
FAR_CLOSURE = timedelta(days=366)

UNREADABLE = gettext_lazy(
    "Horaires illisibles : utilisez la syntaxe OpenStreetMap, par exemple « Mo-Fr 09:00-12:00,14:00-18:00 ; PH off »."
)
# Written out rather than taken from the process locale (the server may run in C or en_US).
WEEKDAYS = (
    gettext_lazy("lundi"),
    gettext_lazy("mardi"),
    gettext_lazy("mercredi"),
    gettext_lazy("jeudi"),
    gettext_lazy("vendredi"),
    gettext_lazy("samedi"),
    gettext_lazy("dimanche"),
)
MONTHS = (
    gettext_lazy("janvier"),
    gettext_lazy("février"),
    gettext_lazy("mars"),
    gettext_lazy("avril"),
    gettext_lazy("mai"),
    gettext_lazy("juin"),
    gettext_lazy("juillet"),
    gettext_lazy("août"),
    gettext_lazy("septembre"),
    gettext_lazy("octobre"),
    gettext_lazy("novembre"),
    gettext_lazy("décembre"),
)
OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
OSM_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

T = TypeVar("T")
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Closure:
    """A temporary closure typed by an admin: whole days from `start` to `end`, both included."""

    start: date
    end: date
    note: str = ""


@dataclass(frozen=True)
class HoursStatus:
    """`state` is "open", "closed", "unknown" or "closed_temporarily"; `is_open` is true only when "open"."""

    state: str
    label: str
    is_open: bool


Spans = tuple[tuple[date, date], ...]
Interval = tuple[datetime, datetime, State, str]


def check(text: str) -> str | None:
    """None when `text` is empty or valid opening_hours syntax, else the form field's French error. Never raises."""
    if not (text or "").strip():
        return None
    return None if _parse(text) is not None else str(UNREADABLE)


def describe(text: str) -> list[str]:
    """French lines for the structure page, one per rule of the normalised expression; a rule that cannot be
    put in words is shown as written, and unreadable text comes back as `[text]`. Empty text gives []."""
    if not (text or "").strip():
        return []
    return list(_safely(lambda: _describe(text, get_language()), lambda: (text,)))


def status(text: str, *, now: datetime, closures: Sequence[Closure] = ()) -> HoursStatus:
    """The state at `now`, holidays and closures included, with a label naming the next change within
    LOOKAHEAD. Empty text: unknown, "Horaires non renseignés"; unreadable: unknown, "Horaires à vérifier"."""
    return _safely(lambda: _status(*_key(text, now, closures)), _to_check)


def today(text: str, *, now: datetime, closures: Sequence[Closure] = ()) -> str:
    """Today's hours for a card ("Aujourd’hui : 9 h – 12 h, 14 h – 18 h"): ranges that start today, a range
    still running from yesterday while it runs, 24 h/24 for a day open throughout. '' when there is nothing
    to say (no hours typed, unreadable text)."""
    return _safely(lambda: _today(*_key(text, now, closures)), lambda: "")


def open_now(text: str, *, now: datetime, closures: Sequence[Closure] = ()) -> bool:
    """Whether the structure is open at `now` (false when closed temporarily or the hours are unknown)."""
    return status(text, now=now, closures=closures).is_open


def _safely(call: Callable[[], T], fallback: Callable[[], T], *, quiet: bool = False) -> T:
    """`call()`, or `fallback()` when it fails; Ctrl-C and exits still go through."""
    try:
        return call()
    except BaseException as error:
        # pyo3 turns a Rust panic into PanicException, which derives from BaseException, not Exception.
        if not isinstance(error, Exception) and type(error).__name__ != "PanicException":
            raise
        if not quiet:
            logger.exception("Opening hours could not be evaluated")
        return fallback()


def _to_check() -> HoursStatus:
    return HoursStatus("unknown", _("Horaires à vérifier"), False)


@functools.lru_cache(maxsize=CACHE_SIZE)
def _parse(text: str) -> OpeningHours | None:
    """The expression, or None when `text` is empty or refused by the parser."""
    if not text.strip():
        return None
    parsed: OpeningHours | None = _safely(lambda: OpeningHours(text, timezone=PARIS, country="FR"), _none, quiet=True)
    return parsed


def _none() -> None:
    return None


def _key(text: str, now: datetime, closures: Sequence[Closure]) -> tuple[str, datetime, Spans, str]:
    """The cache key of an evaluation: only what changes its result."""
    moment = _moment(now)
    return text or "", moment, _spans(closures, moment.date()) if closures else (), get_language() or ""


@functools.lru_cache(maxsize=64)
def _moment(now: datetime) -> datetime:
    """`now` in Paris to the minute (a page passes the same `now` for all its structures: cached)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=PARIS)
    # Through UTC: astimezone() to the same zone would keep a wall-clock time the DST change skipped.
    return now.astimezone(UTC).astimezone(PARIS).replace(second=0, microsecond=0)


def _spans(closures: Iterable[Closure], day: date) -> Spans:
    """Closures merged when they overlap or touch, kept when they reach the days from `day` to the look-ahead."""
    merged: list[tuple[date, date]] = []
    for start, end in sorted((c.start, c.end) for c in closures if c.start <= c.end):
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    last = day + LOOKAHEAD + timedelta(days=1)
    return tuple((start, end) for start, end in merged if end >= day and start <= last)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), PARIS)


def _later(moment: datetime, delta: timedelta) -> datetime:
    """`delta` of elapsed time later: wall-clock arithmetic could land in the hour skipped in March."""
    return (moment.astimezone(UTC) + delta).astimezone(PARIS)


@functools.lru_cache(maxsize=CACHE_SIZE)
def _trusted(text: str) -> bool:
    """Whether the library's intervals can be used: with a fallback rule (`||`) they contradict its own state
    (opening-hours-py 2.1.4, "Mo-Fr 09:00-18:00 || unknown"), so only the state at the moment is shown."""
    return "||" not in str(_parse(text))


# `language` is only part of the cache keys: a result is cached in the language it was written in.
@functools.lru_cache(maxsize=CACHE_SIZE)
def _status(text: str, moment: datetime, spans: Spans, language: str) -> HoursStatus:
    expression = _parse(text)
    if expression is None:
        return HoursStatus("unknown", _("Horaires non renseignés"), False) if not text.strip() else _to_check()
    day = moment.date()
    for start, end in spans:
        if start <= day <= end:
            return _closed_until(end, day)
    closed = [(_midnight(start), _midnight(end + timedelta(days=1))) for start, end in spans]
    state, _comment = expression.state(moment)
    if state == State.UNKNOWN:
        return HoursStatus("unknown", _("Ouverture à confirmer"), False)
    if not _trusted(text):
        return HoursStatus("open", _("Ouvert maintenant"), True) if state == State.OPEN else _closed(None)
    intervals = iter(expression.intervals(moment, _later(moment, LOOKAHEAD)))
    next(intervals)  # the one holding `moment`
    if state == State.OPEN:
        return _open_status(moment, intervals, closed)
    return _closed_status(moment, intervals, closed)


def _closed_until(end: date, day: date) -> HoursStatus:
    if end - day > FAR_CLOSURE:
        return HoursStatus("closed_temporarily", _("Fermé temporairement"), False)
    label = _("Fermé temporairement jusqu’au {date} inclus").format(date=_date(end, day))
    return HoursStatus("closed_temporarily", label, False)


def _open_status(
    moment: datetime, intervals: Iterable[Interval], closed: list[tuple[datetime, datetime]]
) -> HoursStatus:
    """Open: the label names when it closes, by the hours or by a closure starting first."""
    by_hours = next((start for start, _end, state, _comment in intervals if state != State.OPEN), None)
    by_closure = next((start for start, _end in closed if start > moment), None)
    changes = [change for change in (by_hours, by_closure) if change is not None]
    if not changes:
        return HoursStatus("open", _("Ouvert 24 h/24"), True)
    label = _("Ouvert maintenant · ferme {when}").format(when=_when(moment, min(changes), closing=True))
    return HoursStatus("open", label, True)


def _closed_status(
    moment: datetime, intervals: Iterable[Interval], closed: list[tuple[datetime, datetime]]
) -> HoursStatus:
    """Closed: the label names the next opening that no closure covers."""
    for start, end, state, _comment in intervals:
        if state != State.OPEN:
            continue
        for closed_from, closed_until in closed:
            if closed_from <= start < closed_until:
                start = closed_until
        if start < end:
            return _closed(_when(moment, start, closing=False))
    return _closed(None)


def _closed(when: str | None) -> HoursStatus:
    label = _("Fermé · ouvre {when}").format(when=when) if when else _("Fermé")
    return HoursStatus("closed", label, False)


def _when(moment: datetime, change: datetime, *, closing: bool) -> str:
    """When a change happens, in words: "à 19 h", "demain à 8 h", "lundi à 9 h 30", "le 3 mars à 9 h".
    Closing at 0:00 is "minuit" of the day before ("ferme à minuit", not "ferme demain à 0 h")."""
    day, clock = change.date(), _clock(change.hour, change.minute)
    if closing and (change.hour, change.minute) == (0, 0) and day > moment.date():
        day, clock = day - timedelta(days=1), _("minuit")
    days = (day - moment.date()).days
    if days == 0:
        return _("à {time}").format(time=clock)
    if days == 1:
        return _("demain à {time}").format(time=clock)
    if days < 7:
        return _("{weekday} à {time}").format(weekday=WEEKDAYS[day.weekday()], time=clock)
    return _("le {date} à {time}").format(date=_date(day, moment.date()), time=clock)


def _clock(hour: int, minute: int) -> str:
    if minute:
        return _("{hour} h {minute:02d}").format(hour=hour, minute=minute)
    return _("{hour} h").format(hour=hour)


def _date(day: date, reference: date) -> str:
    """A day in words, "3 mars", "1er mai", with the year when it is not the reference's."""
    number = _("1er") if day.day == 1 else str(day.day)
    if day.year != reference.year:
        return _("{day} {month} {year}").format(day=number, month=MONTHS[day.month - 1], year=day.year)
    return _("{day} {month}").format(day=number, month=MONTHS[day.month - 1])


@functools.lru_cache(maxsize=CACHE_SIZE)
def _today(text: str, moment: datetime, spans: Spans, language: str) -> str:
    expression = _parse(text)
    if expression is None or not _trusted(text):
        return ""
    day = moment.date()
    if any(start <= day <= end for start, end in spans):
        return _("Aujourd’hui : fermé temporairement")
    start, tomorrow = _midnight(day), _midnight(day + timedelta(days=1))
    after = _midnight(day + timedelta(days=2))
    parts = []
    # From a minute before midnight, to tell a range running from yesterday from one typed from 0:00.
    for begin, end, state, _comment in expression.intervals(start - timedelta(minutes=1), after):
        if state == State.CLOSED or begin >= tomorrow:
            continue
        if begin <= start and end >= tomorrow:
            return _("Aujourd’hui : 24 h/24") if state == State.OPEN else _("Aujourd’hui : à confirmer")
        part = _range(begin, end, start, moment)
        if part and state == State.UNKNOWN:
            part = _("{range} (à confirmer)").format(range=part)
        parts += [part] if part else []
    if not parts:
        return _("Aujourd’hui : fermé")
    return _("Aujourd’hui : {ranges}").format(ranges=", ".join(parts))


def _range(begin: datetime, end: datetime, start: datetime, moment: datetime) -> str:
    """One of today's ranges in words (today begins at `start`); '' for a range from yesterday already over."""
    tomorrow = _midnight(start.date() + timedelta(days=1))
    if begin < start:
        return _("jusqu’à {time}").format(time=_clock(end.hour, end.minute)) if moment < end else ""
    opens = _clock(begin.hour, begin.minute)
    if end >= _midnight(start.date() + timedelta(days=2)):
        return _("à partir de {time}").format(time=opens)
    if end == tomorrow:
        return _("{start} – {end}").format(start=opens, end=_("minuit"))
    closes = _clock(end.hour, end.minute)
    if end > tomorrow:
        return _("{start} – {end} (lendemain)").format(start=opens, end=closes)
    return _("{start} – {end}").format(start=opens, end=closes)


_M = "|".join(OSM_MONTHS)
_D = "|".join(OSM_DAYS)
_MONTH_ITEM = rf"(?:{_M})(?: \d\d?)?(?:-(?:(?:{_M})(?: \d\d?)?|\d\d?))?"
_DAY_ITEM = rf"(?:(?:{_D})(?:-(?:{_D}))?|PH|SH)"
_SPAN = r"\d\d:\d\d-\d\d:\d\d"
_RULE = re.compile(
    rf"(?:(?P<years>\d{{4}}(?:-\d{{4}})?) ?)?(?:(?P<months>{_MONTH_ITEM}(?:,{_MONTH_ITEM})*) )?"
    rf"(?:week(?P<weeks>\d\d(?:-\d\d)?) )?(?:(?P<days>{_DAY_ITEM}(?:,{_DAY_ITEM})*) )?"
    rf"(?:(?P<times>{_SPAN}(?:,{_SPAN})*) )?(?:(?P<modifier>open|closed|off|unknown) )?"
    r'(?:"(?P<comment>[^"]*)" )?'
)
_MONTH_PARTS = re.compile(rf"(?P<m1>{_M})(?: (?P<d1>\d\d?))?(?:-(?:(?P<m2>{_M})(?: (?P<d2>\d\d?))?|(?P<d3>\d\d?)))?")


@functools.lru_cache(maxsize=CACHE_SIZE)
def _describe(text: str, language: str) -> tuple[str, ...]:
    expression = _parse(text)
    if expression is None:
        return (text,)
    # Normalising an expression with a fallback rule (`||`) can change its meaning: it is split as typed.
    source = expression.normalize() if _trusted(text) else expression
    rules = re.findall(r'(?:"[^"]*"|[^;"])+', str(source))
    return tuple(_rule_line(rule.strip()) or rule.strip() for rule in rules if rule.strip())


def _rule_line(rule: str) -> str | None:
    """One rule in words: "Du lundi au vendredi : 9 h – 18 h"; None when some part has no words here."""
    if rule == "24/7":
        return _("Tous les jours, 24 h/24")
    found = _RULE.fullmatch(rule.removeprefix("24/7 ") + " ")
    if found is None or not any(found.groups()):
        return None
    parts = found.groupdict()
    selectors = [_years(parts["years"]), _months(parts["months"]), _weeks(parts["weeks"]), _days(parts["days"])]
    if None in selectors:
        return None
    head = ", ".join(s for s in selectors if s) or _("tous les jours")
    body = _rule_body(parts["times"], parts["modifier"])
    if parts["comment"]:
        body = _("{hours} ({comment})").format(hours=body, comment=parts["comment"])
    return _("{days} : {hours}").format(days=head[:1].upper() + head[1:], hours=body)


def _rule_body(times: str | None, modifier: str | None) -> str:
    if modifier in ("closed", "off"):
        return _("fermé")
    hours = ", ".join(_span(span) for span in times.split(",")) if times else _("24 h/24")
    return _("{hours} (à confirmer)").format(hours=hours) if modifier == "unknown" else hours


def _span(span: str) -> str:
    """A typed range in words, "09:00-12:00" → "9 h – 12 h"; an end past midnight ("22:00-08:00",
    "22:00-28:00") is the next day's."""
    (h1, m1), (h2, m2) = (map(int, clock.split(":")) for clock in span.split("-"))
    opens = _clock(h1, m1)
    if (h2, m2) in ((0, 0), (24, 0)) and (h1, m1) != (0, 0):
        return _("{start} – {end}").format(start=opens, end=_("minuit"))
    if (h2, m2) <= (h1, m1) or (h2, m2) > (24, 0):
        return _("{start} – {end} (lendemain)").format(start=opens, end=_clock(h2 % 24, m2))
    return _("{start} – {end}").format(start=opens, end=_clock(h2, m2))


def _years(years: str | None) -> str:
    if not years:
        return ""
    first, _dash, last = years.partition("-")
    if last:
        return _("de {first} à {last}").format(first=first, last=last)
    return _("en {year}").format(year=first)


def _weeks(weeks: str | None) -> str:
    if not weeks:
        return ""
    first, _dash, last = weeks.partition("-")
    if last:
        return _("semaines {first} à {last}").format(first=int(first), last=int(last))
    return _("semaine {week}").format(week=int(first))


def _months(months: str | None) -> str | None:
    if not months:
        return ""
    items = [_month_item(item) for item in months.split(",")]
    return None if None in items else _join([item for item in items if item])


def _month_item(item: str) -> str | None:
    """A month selector in words: "Jul" → "en juillet", "Jan-Jun", "Dec 25", "Mar 1-Mar 15", "Dec 24-Jan 2";
    None for other shapes."""
    found = _MONTH_PARTS.fullmatch(item)
    if found is None:
        return None
    m1, d1, m2, d2, d3 = found.group("m1", "d1", "m2", "d2", "d3")
    month = MONTHS[OSM_MONTHS.index(m1)]
    last_month = MONTHS[OSM_MONTHS.index(m2)] if m2 else month
    last_day = d3 or d2
    if d1 is None and last_day is None:
        if m2 is None:
            return _("en {month}").format(month=month)
        return _("de {first} à {last}").format(first=month, last=last_month)
    if d1 is None:
        return None
    if last_day is None:
        return _("le {day} {month}").format(day=_day_number(d1), month=month) if m2 is None else None
    if last_month == month:
        return _("du {first} au {last} {month}").format(first=_day_number(d1), last=_day_number(last_day), month=month)
    return _("du {first} {month} au {last} {last_month}").format(
        first=_day_number(d1), month=month, last=_day_number(last_day), last_month=last_month
    )


def _day_number(number: str) -> str:
    return _("1er") if int(number) == 1 else str(int(number))


def _days(days: str | None) -> str:
    """Weekdays in words: "Mo-Fr" → "du lundi au vendredi", "Sa-Su,PH" → "samedi, dimanche et jours fériés"."""
    if not days:
        return ""
    words: list[str] = []
    for item in days.split(","):
        if item in ("PH", "SH"):
            words.append(_("jours fériés") if item == "PH" else _("vacances scolaires"))
            continue
        first, _dash, last = item.partition("-")
        i, j = OSM_DAYS.index(first), OSM_DAYS.index(last or first)
        if (j - i) % 7 >= 2:
            words.append(_("du {first} au {last}").format(first=WEEKDAYS[i], last=WEEKDAYS[j]))
        else:
            words += [str(WEEKDAYS[i])] + ([str(WEEKDAYS[j])] if j != i else [])
    return _join(words)


def _join(words: list[str]) -> str:
    if len(words) < 2:
        return "".join(words)
    return _("{items} et {last}").format(items=", ".join(words[:-1]), last=words[-1])
