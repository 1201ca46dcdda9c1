"""Agenda filters read from the URL, so that a filtered agenda can be bookmarked and survives every link.

The free text is the exception: it reaches the URL only sealed for the session (see mano.core.search_param).

Teams, status and dates are plaintext and filtered in SQL. Categories and free text are encrypted: the selectors
decrypt the candidate rows of the SQL window and keep those `matches` accepts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.http import QueryDict

from mano.agenda.models import Status
from mano.core.search_param import Search
from mano.persons.text import fold, words

WHOLE, NO_TEAM = "toutes", "sans"
STATUS_FILTERS = {
    "todo": [Status.TODO],
    "done": [Status.DONE],
    "cancelled": [Status.CANCELLED],
    "all": [Status.TODO, Status.DONE, Status.CANCELLED],
}
# Sorts of the list view; "nom" and "personne" need the decrypted rows.
SORTS = ("echeance", "recentes", "nom", "personne", "statut")
DECRYPTED_SORTS = ("nom", "personne")
MAX_TEXT, MAX_CATEGORIES, MAX_TEAMS = 100, 50, 50


def _uuids(values: list[str]) -> tuple[UUID, ...]:
    found: list[UUID] = []
    for value in values[:MAX_TEAMS]:
        try:
            found.append(UUID(value))
        except ValueError:
            continue
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class AgendaFilters:
    """What the user asked for. No team chosen means the current team (see views.common.scope_of)."""

    team_ids: tuple[UUID, ...] = ()
    whole: bool = False
    without_team: bool = False
    categories: tuple[str, ...] = ()
    without_category: bool = False
    status: str = "todo"
    sort: str = "echeance"
    search: Search = Search()

    @classmethod
    def from_query(cls, query: QueryDict, search: Search | None = None) -> AgendaFilters:
        """The filters of `query`; the text comes from `search` only (see search_param.search_of)."""
        search = search or Search()
        teams = query.getlist("equipe")
        categories = [c.strip()[:120] for c in query.getlist("categorie")[:MAX_CATEGORIES] if c.strip()]
        status = query.get("statut", "todo")
        sort = query.get("tri", "echeance")
        return cls(
            team_ids=_uuids(teams),
            whole=WHOLE in teams,
            without_team=NO_TEAM in teams,
            categories=tuple(dict.fromkeys(categories)),
            without_category=query.get("sans_categorie") == "1",
            status=status if status in STATUS_FILTERS else "todo",
            sort=sort if sort in SORTS else "echeance",
            search=search,
        )

    @property
    def text(self) -> str:
        return self.search.text

    @cached_property
    def words(self) -> list[str]:
        """The folded words of the free text, worked out once for the thousands of rows a window tests."""
        return words(self.text)

    @property
    def statuses(self) -> list[str]:
        return list(STATUS_FILTERS[self.status])

    @property
    def encrypted(self) -> bool:
        """True when rows must be decrypted to know whether they match."""
        return bool(self.categories or self.without_category or self.text)

    def pairs(self) -> list[tuple[str, str]]:
        """The URL parameters of these filters, defaults left out; the text only as its session token."""
        pairs = [("equipe", str(t)) for t in self.team_ids]
        pairs += [("equipe", WHOLE)] if self.whole else []
        pairs += [("equipe", NO_TEAM)] if self.without_team else []
        pairs += [("categorie", c) for c in self.categories]
        pairs += [("sans_categorie", "1")] if self.without_category else []
        pairs += [("statut", self.status)] if self.status != "todo" else []
        pairs += self.search.pairs()
        pairs += [("tri", self.sort)] if self.sort != "echeance" else []
        return pairs

    def query(self) -> str:
        """The query string that keeps these filters in a link (tabs, previous/next, pages)."""
        return urlencode(self.pairs())

    def with_sort(self, sort: str) -> AgendaFilters:
        return replace(self, sort=sort)

    def in_categories(self, data: dict[str, Any]) -> bool:
        """Whether a decrypted action passes the category filter."""
        if not (self.categories or self.without_category):
            return True
        categories = [str(c) for c in data.get("categories") or []]
        return (self.without_category and not categories) or any(c in self.categories for c in categories)

    def holds(self, text: str) -> bool:
        """Whether `text` holds every word of the free text (for rows without categories, like consultations)."""
        return not lacking(self.words, fold(text))

    def missing(self, data: dict[str, Any], *, restricted: bool) -> list[str]:
        """The words of the text that a decrypted action's own text lacks: its name and categories, and its
        description for those who may read it. `matches` accepts the action when its person's name and (not
        for restricted members) its comments hold the rest: each word lies within one part, as the parts are
        joined by spaces and a word has none."""
        parts = [str(data.get("name") or ""), *(str(c) for c in data.get("categories") or [])]
        if not restricted:
            parts.append(str(data.get("description") or ""))
        return lacking(self.words, fold(" ".join(parts)))

    def matches(self, data: dict[str, Any], *, restricted: bool, comments: str = "", person: str = "") -> bool:
        """Whether a decrypted action passes the category and text filters: the text is looked for in the
        action's name, categories and person's name, and for those who may read them (not restricted members,
        and the caller passes `comments` only to them) its description and comments."""
        categories = [str(c) for c in data.get("categories") or []]
        if (self.categories or self.without_category) and not (
            (self.without_category and not categories) or any(c in self.categories for c in categories)
        ):
            return False
        if self.text:
            parts = [str(data.get("name") or ""), *categories, person]
            if not restricted:
                parts += [str(data.get("description") or ""), comments]
            haystack = fold(" ".join(parts))
            return all(word in haystack for word in self.words)
        return True


def lacking(wanted: list[str], folded: str) -> list[str]:
    """The words of `wanted` that the folded text does not contain."""
    return [word for word in wanted if word not in folded]
