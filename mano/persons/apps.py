from __future__ import annotations

from django.apps import AppConfig


class PersonsConfig(AppConfig):
    name = "mano.persons"
    label = "persons"

    def ready(self) -> None:
        # Persons, comments, passages and rencontres are counted by the statistics store.
        from mano.persons import stats

        stats.register()
