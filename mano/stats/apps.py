from __future__ import annotations

from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "mano.stats"
    label = "stats"

    def ready(self) -> None:
        # The tabs register themselves in the page's order.
        from mano.stats.tabs import general, persons  # noqa: F401
