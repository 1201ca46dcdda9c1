from __future__ import annotations

from django.apps import AppConfig


class AgendaConfig(AppConfig):
    name = "mano.agenda"
    label = "agenda"

    def ready(self) -> None:
        # Action names become searchable on the person file, and the person page shows an "Actions" section.
        from mano.agenda import search, stats  # noqa: F401

        stats.register()  # actions are counted by the statistics store
        from mano.agenda.sections import section
        from mano.persons.sections import SECTIONS, WITH_RESTRICTED, Section

        if not any(s.name == "actions" for s in SECTIONS):
            SECTIONS.insert(0, Section("actions", section, WITH_RESTRICTED))
        # A person's merge or deletion carries its actions along (family actions go to another member).
        from mano.agenda import lifecycle
        from mano.persons.services import lifecycle as persons_lifecycle

        for handlers, handler in (
            (persons_lifecycle.MERGE_HANDLERS, lifecycle.actions_merge),
            (persons_lifecycle.HAND_DOWN_HANDLERS, lifecycle.family_actions_hand_down),
            (persons_lifecycle.DELETE_HANDLERS, lifecycle.actions_delete),
        ):
            if handler not in handlers:
                handlers.append(handler)
