"""Where the medical half plugs into the other apps: the person page, merges and deletions, the Priorités."""

from __future__ import annotations


def connect() -> None:
    from mano.medical.services import pending
    from mano.medical.views.file import medical_section
    from mano.persons.sections import FULL, SECTIONS, Section
    from mano.persons.services.lifecycle import DELETE_HANDLERS, MERGE_HANDLERS

    if not any(s.name == "medical" for s in SECTIONS):
        # Right after the summary: the health professional's first look.
        SECTIONS.insert(0, Section("medical", medical_section, FULL, health=True, template_name="medical/section.html"))
    from mano.agenda.extras import EXTRAS
    from mano.agenda.priorities import SOURCES
    from mano.medical.agenda import CONSULTATIONS, URGENT_COMMENTS

    if CONSULTATIONS not in EXTRAS:
        EXTRAS.append(CONSULTATIONS)
    if URGENT_COMMENTS not in SOURCES:
        SOURCES.append(URGENT_COMMENTS)
    from mano.medical.search import LABELS, medical_matches
    from mano.persons import search
    from mano.persons.selectors.persons import SEARCH_PROVIDERS

    search.LABELS.update(LABELS)
    if medical_matches not in SEARCH_PROVIDERS:
        SEARCH_PROVIDERS.append(medical_matches)
    if pending.on_merge not in MERGE_HANDLERS:
        MERGE_HANDLERS.append(pending.on_merge)
    if pending.on_delete not in DELETE_HANDLERS:
        DELETE_HANDLERS.append(pending.on_delete)
