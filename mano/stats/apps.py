from __future__ import annotations

from importlib import import_module

from django.apps import AppConfig

# The page's tabs, in order: each module registers its tab when imported.
TABS = (
    "general",
    "persons",
    "actions",
    "services",
    "passages",
    "rencontres",
    "observations",
    "reports",
    "consultations",
    "medical_file",
    "exits",
    "structures",
    "evolution",  # after the tabs of the domains
    "outcomes",
)


class StatsConfig(AppConfig):
    name = "mano.stats"
    label = "stats"

    def ready(self) -> None:
        for name in TABS:
            import_module(f"mano.stats.tabs.{name}")
