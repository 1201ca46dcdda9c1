from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django import template
from django.utils import timezone

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
def age(birth: str | None) -> int | str:
    try:
        born = date.fromisoformat(str(birth)[:10])
    except ValueError:
        return ""
    today = timezone.localdate()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
