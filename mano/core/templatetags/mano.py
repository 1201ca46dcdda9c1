from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

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


@register.filter
def strip_page(query: str) -> str:
    """A query string without its page parameter, for pager links."""
    return "&".join(part for part in query.split("&") if part and not part.startswith("page="))


@register.filter
def is_stale(moment: datetime | None) -> bool:
    """True when the last interaction is older than two years (time to review the file)."""
    return moment is not None and moment < timezone.now() - timedelta(days=730)


@register.filter
def isodatetime(value: str | None) -> str:
    """An ISO datetime from a decrypted payload, in local time (31/12/2026 18:05)."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return ""
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if timezone.is_aware(moment) else ""


@register.filter
def isodate(value: str | None) -> str:
    """An ISO date from a decrypted payload (31/12/2026)."""
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return ""


@register.filter
def age(birth: str | None) -> int | str:
    try:
        born = date.fromisoformat(str(birth)[:10])
    except ValueError:
        return ""
    today = timezone.localdate()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@register.filter
def quoted(value: Any) -> str:
    """A history value between French quotes: lists joined, booleans as Oui/Non, ISO dates in French."""
    if value in (None, "", []):
        return "« »"
    if isinstance(value, bool):
        text = _("Oui") if value else _("Non")
    elif isinstance(value, list):
        text = ", ".join(str(v) for v in value)
    else:
        text = frdate(value) if isinstance(value, str) and _looks_iso(value) else str(value)
    return f"« {text} »"


def _looks_iso(value: str) -> bool:
    return len(value) == 10 and value[4] == "-" and value[7] == "-"
