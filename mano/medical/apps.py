from __future__ import annotations

from django.apps import AppConfig


class MedicalConfig(AppConfig):
    name = "mano.medical"
    label = "medical"

    def ready(self) -> None:
        from mano.medical import hooks, stats

        hooks.connect()
        stats.register()
