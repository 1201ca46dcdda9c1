from __future__ import annotations

from datetime import date
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any] | None, key: str) -> Any:
    return (mapping or {}).get(key)


@register.filter
def frdate(value: str | None) -> str:
    """An ISO date from a decrypted payload, shown the French way (31/12/2026)."""
    if not value:
        return ""
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return ""
