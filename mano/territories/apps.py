from __future__ import annotations

from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "mano.territories"
    label = "territories"

    def ready(self) -> None:
        from mano.territories import stats

        stats.register()
