"""The statistics page's tabs, registered by key. A tab builds sections (a title, headline counts, indicators
with their tables and charts) from a `StatsContext`; the page, its Excel export and its print view all render
the same sections, so a new tab is one module here and one `register` call.

A tab may ask for the health key (`health`: consultations and the medical file, for health professionals
only) or for an organisation's feature switch (`switch`: passages, rencontres, services, …)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mano.stats.context import StatsContext
    from mano.stats.indicators import Indicator


@dataclass(frozen=True)
class Block:
    """A headline count."""

    key: str
    label: Any
    count: int | str


@dataclass
class Section:
    title: Any
    blocks: list[Block] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    note: Any = ""
    notice: Any = ""  # a choice of the URL set aside (an unknown field from an old bookmark…)


@dataclass(frozen=True)
class Tab:
    key: str
    label: Any
    build: Callable[[StatsContext], list[Section]]
    health: bool = False
    switch: str = ""
    person_filters: bool = True  # the person filters narrow what it counts (not for anonymous counts)
    controls: str = ""  # a template of the tab's own choices, shown above its sections…
    controls_context: Callable[[StatsContext], dict[str, Any]] | None = None  # …and what it needs


TABS: dict[str, Tab] = {}
# The page's order, whatever the order modules are imported in; a tab not listed comes after, by registration.
ORDER = (
    "general", "personnes", "actions", "services", "passages", "rencontres", "observations", "comptes-rendus",
    "consultations", "dossier-medical", "sorties", "structures", "evolution", "resultats",
)  # fmt: skip


def register(tab: Tab) -> Tab:
    TABS[tab.key] = tab
    return tab


def visible(ctx: StatsContext) -> list[Tab]:
    """The tabs this member sees for this organisation, in the page's order."""
    shown = [
        t
        for t in TABS.values()
        if (ctx.health or not t.health) and getattr(ctx.organisation, t.switch, True) is not False
    ]
    return sorted(shown, key=lambda t: ORDER.index(t.key) if t.key in ORDER else len(ORDER))


def indicator_of(sections: list[Section], key: str) -> Indicator | None:
    return next((i for s in sections for i in s.indicators if i.key == key), None)
