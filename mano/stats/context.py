"""What every tab of one statistics request shares: the member, the period and teams, the person filters, and
the store's lines, each read and decrypted at most once per request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar, cast

from mano.accounts.models import Organisation, Team, User
from mano.core.crypto import KeyKind, Keyring
from mano.persons.filters import PersonFilters
from mano.persons.stats import PersonLine
from mano.stats import selectors
from mano.stats.filters import Filters
from mano.stats.selectors import Activity, StatsScope

T = TypeVar("T")


@dataclass
class StatsContext:
    user: User
    keyring: Keyring
    filters: Filters
    scope: StatsScope
    person_filters: PersonFilters
    teams: list[Team]  # every team of the organisation
    _shared: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def chosen_teams(self) -> list[Team]:
        return [t for t in self.teams if str(t.pk) in self.filters.team_ids]

    @cached_property
    def organisation(self) -> Organisation:
        organisation = self.user.organisation
        assert organisation is not None
        return organisation

    @cached_property
    def health(self) -> bool:
        """The medical tabs: a health professional whose session holds K_health (stats-only members included)."""
        return bool(self.user.is_health_professional and self.keyring.has(KeyKind.HEALTH))

    @cached_property
    def all_lines(self) -> list[PersonLine]:
        return selectors.person_lines(organisation_id=self.scope.organisation_id, keyring=self.keyring)

    @cached_property
    def _filtered(self) -> tuple[list[PersonLine], dict[str, dict[str, Any]]]:
        """The live persons the person filters keep, and the values already parsed to test them."""
        lines = self.all_lines
        if not self.person_filters.is_set():
            return lines, {}
        values = selectors.values_of(lines)
        kept = [(line, v) for line, v in zip(lines, values, strict=True) if self.person_filters.match(v)]
        return [line for line, _ in kept], {line.person_id: v for line, v in kept}

    @property
    def lines(self) -> list[PersonLine]:
        return self._filtered[0]

    @cached_property
    def kept_ids(self) -> frozenset[str] | None:
        """The person ids the person filters keep (None: no person filter, every item counts)."""
        return frozenset(p.person_id for p in self.lines) if self.person_filters.is_set() else None

    @cached_property
    def live_ids(self) -> set[str]:
        return {p.person_id for p in self.lines}

    @cached_property
    def activity(self) -> Activity:
        return selectors.activity_of(
            organisation=self.organisation, keyring=self.keyring, scope=self.scope, persons=self.kept_ids
        )

    @cached_property
    def _parsed(self) -> dict[str, dict[str, Any]]:
        return dict(self._filtered[1])

    def values(self, lines: list[PersonLine]) -> list[dict[str, Any]]:
        """The values of these persons, each parsed once per request (the person filters may have done it)."""
        parsed = self._parsed
        missing = [p for p in lines if p.person_id not in parsed]
        for line, values in zip(missing, selectors.values_of(missing), strict=True):
            parsed[line.person_id] = values
        return [parsed[p.person_id] for p in lines]

    def shared(self, name: str, make: Callable[[], T]) -> T:
        """A value several tabs of one request read (a whole page exported), made once."""
        if name not in self._shared:
            self._shared[name] = make()
        return cast(T, self._shared[name])

    def population(self, which: str) -> list[tuple[PersonLine, dict[str, Any]]]:
        activity = self.activity if which == "activite" else Activity()
        return selectors.population(self.lines, self.scope, activity, which, values=self.values)
