from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "mano.reports"
    label = "reports"

    def ready(self) -> None:
        from mano.reports import stats

        stats.register()
