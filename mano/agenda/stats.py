"""The actions sources of the statistics store (`mano.core.statstore`), both keyed by person and refreshed by
`index_refresh`, by the status change and by a category rename. Registered by AgendaConfig.ready.

- "actions": each person's actions as an item line (`mano.core.statlines`) placed at the moment that places
  them in the agenda (done or cancelled date, else due date), with their status letter as suffix. An action of
  several teams is one entry under a "+"-joined team key, counted once.
- "action-categories": the same entries with one more suffix character, the index of the action's set of
  categories in a table appended to the line as a fifth field (sets joined by RS, names inside by US):
  `person \\t teams \\t span \\t entries \\t table`. A person's actions share a few sets, so the line stays
  compact; `split` gives back an item line that `Counter` reads. Names, not indexes of the organisation's list:
  moving or deleting a category in the list changes no line; renaming one rewrites its actions and refreshes
  their persons' lines (`mano.agenda.categories`). It is not an item source of its own (width 0): its actions
  are counted once, by "actions". A set whose actions are referrals (their payload holds a key of
  REFERRAL_LINKS, which the structures app registers) starts with REFERRAL_MARK, for the time to a first
  referral."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from mano.agenda.models import Action, Status
from mano.core import statstore
from mano.core.records import payload_data
from mano.core.statlines import item_line, team_key

STATUS_LETTERS: dict[str, str] = {Status.TODO: "t", Status.DONE: "d", Status.CANCELLED: "c"}
LETTER_STATUSES = {letter: status for status, letter in STATUS_LETTERS.items()}
WIDTH = 7  # team index + half-day code + status letter
CATEGORIES_WIDTH = WIDTH + 1  # + the index of the action's set of categories in the line's table
SETS_SEP, NAMES_SEP = "\x1e", "\x1f"  # never in a category name (grouped.clean_name collapses whitespace)
REFERRAL_MARK = "\x1d"
CATEGORIES = "action-categories"
# Payload keys that make an action a referral (structures: "structure"); filled by the apps that attach them.
REFERRAL_LINKS: set[str] = set()


def _rows(org_id: Any, keys: set[str] | None) -> Any:
    rows = Action.objects.filter(organisation_id=org_id, deleted_at=None, person__deleted_at=None).order_by()
    wanted = statstore.person_keys(keys)
    return rows if wanted is None else rows.filter(person_id__in=wanted)


def _teams(rows: Any) -> dict[Any, list[Any]]:
    teams: dict[Any, list[Any]] = defaultdict(list)
    links = Action.teams.through.objects.filter(action__in=rows.values("pk"))
    for action_id, team_id in links.values_list("action_id", "team_id").iterator(5000):
        teams[action_id].append(team_id)
    return teams


def _actions(org_id: Any, keyring: Any, keys: set[str] | None) -> dict[str, str]:
    rows = _rows(org_id, keys)
    teams = _teams(rows)
    found: dict[str, list[tuple[Any, str, str]]] = defaultdict(list)
    for pk, person, at, due, status in rows.values_list("id", "person_id", "agenda_at", "due_at", "status").iterator(
        5000
    ):
        found[str(person)].append((at or due, team_key(teams[pk]), STATUS_LETTERS.get(status, "t")))
    return {key: line for key, items in found.items() if (line := item_line(key, items)) is not None}


Categorised = tuple[Any, str, str, tuple[str, ...], bool]  # moment, team key, status letter, categories, referral


def category_line(key: str, items: Iterable[Categorised]) -> str | None:
    """The line of a person's actions; None without actions."""
    sets: dict[tuple[str, ...], str] = {}
    entries = []
    for at, team, letter, names, referral in items:
        marked = (REFERRAL_MARK, *names) if referral else names
        entries.append((at, team, letter + sets.setdefault(marked, chr(48 + len(sets)))))
    line = item_line(key, entries)
    if line is None:
        return None
    return line + "\t" + SETS_SEP.join(NAMES_SEP.join(names) for names in sets)


def split(raw: str) -> tuple[str, list[list[str]], set[str]]:
    """An "action-categories" line → (its item line, the table: per set index, the category names, the set
    indexes of referrals)."""
    line, table = raw.rsplit("\t", 1)
    names, referrals = [], set()
    for index, packed in enumerate(table.split(SETS_SEP)):
        found = [n for n in packed.split(NAMES_SEP) if n]
        if found[:1] == [REFERRAL_MARK]:
            found = found[1:]
            referrals.add(chr(48 + index))
        names.append(found)
    return line, names, referrals


def is_referral(data: dict[str, Any]) -> bool:
    return any(data.get(key) for key in REFERRAL_LINKS)


def _categories(org_id: Any, keyring: Any, keys: set[str] | None) -> dict[str, str]:
    rows = _rows(org_id, keys)
    teams = _teams(rows)
    found: dict[str, list[Categorised]] = defaultdict(list)
    values = rows.values_list("id", "person_id", "agenda_at", "due_at", "status", "payload")
    for pk, person, at, due, status, payload in values.iterator(2000):
        data = payload_data(Action, keyring, row_id=pk, organisation_id=org_id, payload=payload)
        names = tuple(sorted({str(c) for c in data.get("categories") or [] if c}))
        letter = STATUS_LETTERS.get(status, "t")
        found[str(person)].append((at or due, team_key(teams[pk]), letter, names, is_referral(data)))
    return {key: line for key, items in found.items() if (line := category_line(key, items)) is not None}


def register() -> None:
    statstore.register(statstore.Source("actions", _actions, _("Actions"), width=WIDTH, activity=True))
    statstore.register(statstore.Source(CATEGORIES, _categories, _("Catégories d’action")))
