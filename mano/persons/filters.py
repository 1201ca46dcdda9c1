"""Person list filters, read from and written back to the URL so a filtered list can be bookmarked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from mano.persons.text import fold

EMPTY = "__vide__"
OPERATORS = {
    "eq": _("est"),
    "contains": _("contient"),
    "lt": _("inférieur à"),
    "gt": _("supérieur à"),
    "empty": _("non renseigné"),
}


@dataclass(frozen=True)
class Condition:
    key: str
    op: str
    value: str

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

    @classmethod
    def from_query(cls, query: QueryDict, team_id: str | None) -> PersonFilters:
        raw = [tuple(f.split("~", 2)) for f in query.getlist("f")]
        # The filter form posts separate key / operator / value lists; links carry f=key~op~value.
        raw += list(zip(query.getlist("fk"), query.getlist("fo"), query.getlist("fv"), strict=False))
        conditions = [Condition(*parts) for parts in raw if len(parts) == 3 and parts[0] and parts[1] in OPERATORS]
        return cls(
            vulnerable=query.get("vulnerable") == "1",
            active_list=query.get("active", "") if query.get("active") in ("in", "out") else "",
            team_id=team_id,
            conditions=tuple(conditions[:10]),
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
        results = (c.match(card.get("custom") or {}) for c in self.conditions)
        return any(results) if self.logic == "or" else all(results)

    def as_query(self) -> str:
        params: list[tuple[str, str]] = [("f", f"{c.key}~{c.op}~{c.value}") for c in self.conditions]
        if self.vulnerable:
            params.append(("vulnerable", "1"))
        if self.active_list:
            params.append(("active", self.active_list))
        if self.logic == "or":
            params.append(("l", "or"))
        return urlencode(params)
