from __future__ import annotations

from django.apps import AppConfig


class StructuresConfig(AppConfig):
    name = "mano.structures"
    label = "structures"

    def ready(self) -> None:
        # The person page lists a person's referrals; an action made by a referral shows the structure's card.
        from mano.agenda.action_page import CARDS
        from mano.persons.sections import SECTIONS, WITH_RESTRICTED, Section
        from mano.structures import referrals

        if not any(s.name == "referrals" for s in SECTIONS):
            SECTIONS.append(Section("referrals", referrals.section, WITH_RESTRICTED))
        if referrals.action_card not in CARDS:
            CARDS.append(referrals.action_card)
        # A deleted action (or a deleted person's actions) stops counting as a referral.
        from mano.agenda.services import REMOVED_HANDLERS

        if referrals.referrals_forget not in REMOVED_HANDLERS:
            REMOVED_HANDLERS.append(referrals.referrals_forget)
        # The statistics tell a referral action from others by its link to the structure (time to a first referral).
        from mano.agenda.stats import REFERRAL_LINKS

        REFERRAL_LINKS.add(referrals.PAYLOAD_KEY)
