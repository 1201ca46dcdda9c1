from __future__ import annotations

from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "mano.agenda"
    label = "agenda"

    def ready(self) -> None:
        # Action names become searchable on the person file, and the person page shows an "Actions" section.
        from mano.agenda import search  # noqa: F401
        from mano.agenda.sections import section
        from mano.persons.sections import SECTIONS, WITH_RESTRICTED, Section

        if not any(s.name == "actions" for s in SECTIONS):
            SECTIONS.insert(0, Section("actions", section, WITH_RESTRICTED))
