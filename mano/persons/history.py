"""The change history kept inside a person's encrypted payload."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import User

FIXED_LABELS = {
    "name": _("Nom, prénom ou pseudonyme"),
    "other_names": _("Autres pseudos"),
    "gender": _("Genre"),
    "birth_date": _("Date de naissance"),
    "phone": _("Téléphone"),
    "email": _("E-mail"),
    "description": _("Description"),
    "vulnerable": _("Vigilance"),
    "in_street_since": _("En rue depuis le"),
    "followed_since": _("Suivi·e depuis le"),
    "teams": _("Équipes en charge"),
}


def entry(user: User, **content: Any) -> dict[str, Any]:
    return {"at": timezone.now().isoformat(), "user": str(user.pk), "user_name": str(user), **content}


def diff(old: dict[str, Any], new: dict[str, Any], keys: list[str]) -> dict[str, list[Any]]:
    """{key: [old, new]} for the keys whose value changed (empty and missing count as the same)."""
    changes = {}
    for key in keys:
        before, after = old.get(key) or None, new.get(key) or None
        if before != after:
            changes[key] = [before, after]
    return changes


def append(data: dict[str, Any], item: dict[str, Any]) -> None:
    data.setdefault("history", []).append(item)
