from __future__ import annotations

from django.apps import AppConfig


class PersonsConfig(AppConfig):
    name = "mano.persons"
    label = "persons"
