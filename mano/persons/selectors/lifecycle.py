"""Reads for the lifecycle pages: the side-by-side values of two files to merge, and person pickers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mano.accounts.models import User
from mano.core.crypto import Keyring
from mano.persons import custom_fields
from mano.persons.history import FIXED_LABELS
from mano.persons.selectors.persons import PersonView, Row, person_search

# The type of each fixed field, in the vocabulary of custom fields (drives display and free-text overrides).
FIXED_TYPES = {
    "name": "text",
    "other_names": "text",
    "gender": "enum",
    "birth_date": "date",
    "phone": "text",
    "email": "email",
    "description": "textarea",
    "vulnerable": "boolean",
    "in_street_since": "date",
    "followed_since": "date",
}
OVERRIDABLE = {"text", "textarea", "number", "date", "date-with-time", "email"}


@dataclass(frozen=True)
class MergeRow:
    """One field of the merge table. `name` is the form prefix: f_<fixed key> or c_<custom key>."""

    name: str
    key: str
    custom: bool
    label: str
    definition: dict[str, Any]
    left: Any
    right: Any

    @property
    def left_text(self) -> str:
        return custom_fields.display(self.definition, self.left) or "—"

    @property
    def right_text(self) -> str:
        return custom_fields.display(self.definition, self.right) or "—"

    @property
    def overridable(self) -> bool:
        return self.definition["type"] in OVERRIDABLE

    @property
    def default(self) -> str:
        return "left" if not _empty(self.left) or _empty(self.right) else "right"


def _empty(value: Any) -> bool:
    return value in (None, "", [], False)


def merge_rows(*, groups: list[dict[str, Any]], left: PersonView, right: PersonView) -> list[MergeRow]:
    """Every fixed and custom field that has a value on at least one side (the name always)."""
    rows = [
        MergeRow(
            f"f_{key}", key, False, str(label), {"type": FIXED_TYPES[key]}, left.data.get(key), right.data.get(key)
        )
        for key, label in FIXED_LABELS.items()
        if key in FIXED_TYPES
    ]
    lc, rc = left.data.get("custom") or {}, right.data.get("custom") or {}
    for group in groups:
        for field in group.get("fields", []):
            key = field["key"]
            rows.append(MergeRow(f"c_{key}", key, True, field["label"], field, lc.get(key), rc.get(key)))
    return [r for r in rows if r.name == "f_name" or not (_empty(r.left) and _empty(r.right))]


def person_choices(*, user: User, keyring: Keyring, query: str, exclude: Any) -> list[Row]:
    """Search results to choose another person of the organisation (first page, the person itself excluded)."""
    if not query.strip():
        return []
    page = person_search(user=user, keyring=keyring, query=query[:200], page=1)
    return [row for row in page.object_list if row.person_id != exclude]
