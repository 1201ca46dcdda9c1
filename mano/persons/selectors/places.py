"""Reads for the places section of the person page (to be written)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from mano.persons.selectors.persons import PersonView


def section(request: HttpRequest, view: PersonView) -> dict[str, Any]:
    """Context for templates/persons/sections/places.html."""
    return {}
