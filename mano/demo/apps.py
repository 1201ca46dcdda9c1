from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo and benchmark organisations, seeded through every domain's services: the top layer, which no
    domain app imports."""

    name = "mano.demo"
    label = "demo"
