"""Optimistic concurrency for organisation settings kept as JSON (custom fields, categories…): a form carries a
short hash of the part it was built on, and the service refuses the save when that part has moved on."""

from __future__ import annotations

import hashlib
import json
from typing import Any


class ConfigChanged(Exception):
    """Another admin saved this part of the settings since the form was shown; nothing was written."""


def config_hash(value: Any) -> str:
    """A short, stable hash of a settings value (key order does not matter)."""
    raw = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:24]
