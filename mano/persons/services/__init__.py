"""Every write on the person file. One module per feature."""

from __future__ import annotations

from mano.persons.services.persons import person_create, person_update

__all__ = ["person_create", "person_update"]
