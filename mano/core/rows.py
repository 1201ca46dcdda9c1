"""Rows of a long list written in Python rather than through the template engine: URLs reversed once per name and
dates printed as the `date` filter prints them, for the agenda's and the persons' lists."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from django.urls import get_script_prefix, reverse
from django.utils import formats, timezone

_PLACEHOLDER = str(UUID(int=0))
_URLS: dict[tuple[str, str], str] = {}


def url_of(name: str, pk: Any) -> str:
    """`reverse(name, args=[pk])` for a URL whose only argument is a UUID, reversed once per name."""
    key = (name, get_script_prefix())
    if key not in _URLS:
        _URLS[key] = reverse(name, args=[_PLACEHOLDER])
    return _URLS[key].replace(_PLACEHOLDER, str(pk), 1)


def url_maker(name: str, *before: Any) -> Callable[[Any], str]:
    """`url_of` for one URL name, its reversed form looked up once (for the rows of a list). `before`: the URL's
    arguments ahead of the one that varies (a person's, for the links of its comments)."""
    reversed_url = reverse(name, args=[*before, _PLACEHOLDER]) if before else url_of(name, _PLACEHOLDER)
    return lambda pk: reversed_url.replace(_PLACEHOLDER, str(pk), 1)


# The numeric forms rows print, as strftime patterns: every field is a zero-padded number, so the output is the
# `date` filter's without its format lookups (30 µs a call, two calls a row).
_STRFTIME = {"d/m/Y H:i": "%d/%m/%Y %H:%M", "d/m/Y": "%d/%m/%Y"}


def date_shown(value: datetime | None, form: str) -> str:
    """What the `date` filter prints: an aware value in the current time zone, a naive one as it is, or nothing."""
    if not value:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    pattern = _STRFTIME.get(form)
    return local.strftime(pattern) if pattern and local.year >= 1000 else formats.date_format(local, form)
