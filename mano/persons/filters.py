"""Person list filters, read from and written back to the URL so a filtered list can be bookmarked.

A value typed for a condition may be personal (a name, a phone number): links carry it only sealed for the
session, as `f=<token>` instead of `f=key~op~value` (see mano.core.search_param). Only the organisation's own
words stay clear: an option of a choice field, Oui/Non, or no value at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _

from mano.core import search_param
from mano.persons.custom_fields import CHOICE_TYPES
from mano.persons.models import GENDERS
from mano.persons.text import fold

EMPTY = "__vide__"
PURPOSE = "person-filter"
MAX_CONDITIONS = 10
MAX_VALUE = 200
OPERATORS = {
    "eq": _("est"),
    "contains": _("contient"),
    "lt": _("inférieur à"),
    "gt": _("supérieur à"),
    "empty": _("non renseigné"),
}

# The file's own fields a condition may test beside the custom ones (the cards and the statistics' lines hold them).
FIXED_FIELDS: tuple[dict[str, Any], ...] = (
    {"key": "gender", "label": _("Genre"), "type": "enum", "options": GENDERS},
    {"key": "birth_date", "label": _("Date de naissance"), "type": "date"},
    {"key": "followed_since", "label": _("Suivi·e depuis le"), "type": "date"},
)
FIXED_KEYS = frozenset(f["key"] for f in FIXED_FIELDS)

UNKNOWN_FIELD = _(
    "Un filtre sur les personnes porte sur un champ qui n’existe pas ou plus (lien ancien ?) : il est ignoré."
)


@dataclass(frozen=True)
class Condition:
    key: str
    op: str
    value: str
    private: bool = False  # a typed value: links carry `token` only, never the value
    token: str = ""

    @property
    def text(self) -> str:
        return f"{self.key}~{self.op}~{self.value}"

    def pairs(self) -> list[tuple[str, str]]:
        """The URL parameter of this condition; a private one without a token is left out of links."""
        if not self.private:
            return [("f", self.text)]
        return [("f", self.token)] if self.token else []

    def match(self, custom: dict[str, Any]) -> bool:
        value = custom.get(self.key)
        if self.op == "empty":
            return value in (None, "", [])
        if value in (None, "", []):
            return False
        if self.op == "contains":
            return fold(self.value) in fold(str(value))
        if self.op in ("lt", "gt"):
            return _compare(value, self.value, self.op)
        if isinstance(value, list):
            return self.value in value
        if isinstance(value, bool):
            return self.value == ("Oui" if value else "Non")
        return str(value) == self.value


def _compare(value: Any, wanted: str, op: str) -> bool:
    try:
        left: Any = float(value)
        right: Any = float(wanted)
    except (TypeError, ValueError):
        left, right = str(value)[:10], wanted[:10]
    return left < right if op == "lt" else left > right


@dataclass(frozen=True)
class PersonFilters:
    vulnerable: bool = False
    active_list: str = ""  # "" = everyone, "in" = in the active list, "out" = out of it
    team_id: str | None = None
    conditions: tuple[Condition, ...] = ()
    logic: str = "and"
    unknown: int = 0  # conditions set aside: their field no longer exists (an old bookmark)

    @classmethod
    def from_query(
        cls, query: QueryDict, team_id: str | None, opener: Callable[[str], str] | None = None
    ) -> PersonFilters:
        """The filters of `query`; an `f=<token>` condition is read through `opener` (without it, ignored)."""
        found = [_link_condition(f, opener) for f in query.getlist("f")]
        # The filter form posts separate key / operator / value lists.
        found += [
            _condition(*parts)
            for parts in zip(query.getlist("fk"), query.getlist("fo"), query.getlist("fv"), strict=False)
        ]
        conditions = [c for c in found if c is not None]
        return cls(
            vulnerable=query.get("vulnerable") == "1",
            active_list=query.get("active", "") if query.get("active") in ("in", "out") else "",
            team_id=team_id,
            conditions=tuple(conditions[:MAX_CONDITIONS]),
            logic="or" if query.get("l") == "or" else "and",
        )

    def is_set(self) -> bool:
        return bool(self.vulnerable or self.active_list or self.conditions)

    def is_out(self, card: dict[str, Any]) -> bool:
        exits = card.get("out_of_active_list") or {}
        return bool(exits.get(self.team_id)) if self.team_id else bool(exits)

    def match(self, card: dict[str, Any]) -> bool:
        if self.vulnerable and not card.get("vulnerable"):
            return False
        if self.active_list and (self.active_list == "out") != self.is_out(card):
            return False
        if not self.conditions:
            return True
        custom = card.get("custom") or {}
        results = (c.match(card if c.key in FIXED_KEYS else custom) for c in self.conditions)
        return any(results) if self.logic == "or" else all(results)

    def pairs(self) -> list[tuple[str, str]]:
        """The URL parameters of these filters, typed values only as their tokens."""
        params = [pair for c in self.conditions for pair in c.pairs()]
        if self.vulnerable:
            params.append(("vulnerable", "1"))
        if self.active_list:
            params.append(("active", self.active_list))
        if self.logic == "or":
            params.append(("l", "or"))
        return params

    def as_query(self) -> str:
        return urlencode(self.pairs())


def _condition(key: str, op: str, value: str) -> Condition | None:
    if not key or op not in OPERATORS:
        return None
    return Condition(key, op, "" if op == "empty" else value.strip()[:MAX_VALUE])


def _link_condition(raw: str, opener: Callable[[str], str] | None) -> Condition | None:
    if "~" in raw:
        return _condition(*raw.split("~", 2)) if raw.count("~") >= 2 else None
    # A token (URL-safe base64 has no "~"): unreadable ones (another session, tampered) are dropped.
    parts = (opener(raw) if opener and raw else "").split("~", 2)
    found = _condition(*parts) if len(parts) == 3 else None
    return replace(found, private=True, token=raw) if found else None


def filter_fields(custom: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The fields a condition may test: the file's own (gender, dates), then the custom ones."""
    return [*FIXED_FIELDS, *custom]


def _clear_values(field: dict[str, Any]) -> set[str]:
    """The values of a field that are the organisation's words, not typed ones."""
    if field.get("type") in CHOICE_TYPES:
        return set(field.get("options") or [])
    return {"Oui", "Non"} if field.get("type") in ("yes-no", "boolean") else set()


def filters_of(
    request: HttpRequest, query: QueryDict, *, team_id: str | None, fields: Iterable[dict[str, Any]]
) -> PersonFilters:
    """The filters of `query` (the URL or the posted form), each typed value given its token of this session.

    A value stays clear only when it is empty or one of the organisation's own words for that field. A condition
    on a field not in `fields` is dropped and counted in `unknown`: it would match nobody and empty the list.
    """
    filters = PersonFilters.from_query(
        query, team_id, opener=lambda token: search_param.unseal(request, token, purpose=PURPOSE)
    )
    clear = {f["key"]: _clear_values(f) for f in fields}
    known = [c for c in filters.conditions if c.key in clear]
    conditions = tuple(
        c
        if c.private or not c.value or c.value in clear[c.key]
        else replace(c, private=True, token=search_param.seal(request, c.text, purpose=PURPOSE))
        for c in known
    )
    return replace(filters, conditions=conditions, unknown=len(filters.conditions) - len(known))
