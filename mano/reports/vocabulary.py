"""What a new organisation starts with for its reports."""

from __future__ import annotations

from typing import Any


def default_collaborations() -> list[dict[str, Any]]:
    """The co-interventions a report can name, a grouped list (mano.core.grouped), empty at first."""
    return [{"group": "Co-interventions", "items": []}]
