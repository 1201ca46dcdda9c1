from __future__ import annotations

from typing import TypeVar

from django.apps import AppConfig

Handler = TypeVar("Handler")


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
        # A person's merge or deletion carries its actions along (family actions go to another member); a new name
        # or a comment written changes the words of the actions concerned.
        from mano.agenda import lifecycle
        from mano.persons.services import comments as persons_comments
        from mano.persons.services import lifecycle as persons_lifecycle
        from mano.persons.services import persons as persons_services

        _register(persons_lifecycle.MERGE_HANDLERS, lifecycle.actions_merge)
        _register(persons_lifecycle.HAND_DOWN_HANDLERS, lifecycle.family_actions_hand_down)
        _register(persons_lifecycle.DELETE_HANDLERS, lifecycle.actions_delete)
        _register(persons_services.RENAMED_HANDLERS, lifecycle.person_renamed)
        _register(persons_comments.WRITTEN_HANDLERS, lifecycle.comment_written)


def _register(handlers: list[Handler], handler: Handler) -> None:
    if handler not in handlers:  # ready() may run twice in tests
        handlers.append(handler)
