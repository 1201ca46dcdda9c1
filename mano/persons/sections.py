"""The sections of a person page, in display order, and who may see each one.

Each feature module provides `section(request, view) -> context` in its selectors module and a template
`persons/sections/<name>.html` that reads `section.<name>`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from mano.core.crypto import KeyKind
from mano.persons.selectors import comments, documents, families, passages, places
from mano.persons.selectors.persons import PersonView

FULL = frozenset({"admin", "normal"})
WITH_RESTRICTED = frozenset({"admin", "normal", "restricted"})


@dataclass(frozen=True)
class Section:
    name: str
    provider: Callable[[HttpRequest, PersonView], dict[str, Any]]
    roles: frozenset[str]
    health: bool = False  # shown only to health professionals whose session holds K_health
    template_name: str = ""  # another app's template; by default persons/sections/<name>.html

    @property
    def template(self) -> str:
        return self.template_name or f"persons/sections/{self.name}.html"


SECTIONS = [
    Section("comments", comments.section, FULL),
    Section("passages", passages.section, WITH_RESTRICTED),
    Section("documents", documents.section, FULL),
    Section("families", families.section, FULL),
    Section("places", places.section, FULL),
]


def sections_for(request: HttpRequest, view: PersonView) -> list[tuple[Section, dict[str, Any]]]:
    role = request.user.role  # type: ignore[union-attr]
    health = bool(getattr(request.user, "is_health_professional", False)) and request.keyring.has(KeyKind.HEALTH)  # type: ignore[attr-defined]
    return [(s, s.provider(request, view)) for s in SECTIONS if role in s.roles and (health or not s.health)]
