"""More of the hand-built world (world.py, whose numbers stay as they are) for the tabs of the domains, February
2026 again. Each builder adds one domain's rows; `build` runs them all.

Actions (categories: Santé › Soins, Pharmacie, Douche; Social › CCAS):
- Alice: Soins + CCAS due 2026-02-03 (day team); Douche due 2026-02-06, then Douche is deleted from the list;
  one more action (Soins) deleted: counted nowhere.
- Chloé: Pharmacie due 2026-02-04.
- Bruno (night): Soins done 2026-02-02 06:00, the night of the 1st.
- Then "Soins" is renamed "Soins infirmiers": the tab shows the new name with the old counts.

Exits: Alice leaves the day team's active list on 2026-02-01 ("Hébergée"), Bruno the night team's on 2026-02-28
("Hébergée", "Incarcération"); Chloé's exit (2026-01-15, world.py) is before the period.

Services (reception on): day team Douche 3 on 2026-02-01 and 5 on 2026-03-01 (out), night team Repas 2 on
2026-02-28; Café never.

Referrals: "Samu social" (Hébergement d’urgence) by the day team at 2026-02-01 00:00 (in) and 2026-01-31 23:59
(out); "Resto" (no category) by the night team at 2026-03-01 11:00 (in: the night of the 28th) and 2026-02-01
11:59 (out: the night of 31 January).

Observations (territory "Gare"): day team at 2026-02-01 00:00 (police Oui, 3 men, RAS) and night team at
2026-03-01 11:00 (police Non, 2 men): in; day team at 2026-01-31 23:59 and night team at 2026-02-01 11:59: out;
one deleted; one moved from 2026-02-10 to 2026-03-10: out.

Reports (co-interventions SAMU, Police): day team 2026-02-01 (SAMU, Police), 2026-02-10 (none), 2026-03-01
(SAMU, out); night team 2026-02-28 (SAMU). Then SAMU is renamed "Samu social".

Medical (written by admin_health; types Médicale, Psychologique; a medical file field "Couverture" AME/CMU): Alice's
file says AME, a Médicale consultation due 2026-02-01 00:00 (day team, to do: in) and a Psychologique one done at
2026-03-01 00:00 (day team: out); Bruno's Médicale consultation done 2026-03-01 11:00 (night team: in); Chloé has
no medical file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from mano.agenda.categories import category_delete, category_rename, config_version
from mano.agenda.models import ServiceCount
from mano.agenda.services import action_delete, action_set_status, actions_create
from mano.medical.services.consultations import ConsultationInput, consultation_create
from mano.medical.services.files import medical_file_save
from mano.persons.custom_fields import field_definition
from mano.persons.services.lifecycle import person_leave_active_list
from mano.reports.collaborations import COLLABORATIONS
from mano.reports.services import report_save
from mano.stats.tests.world import World, at
from mano.stats.tests.world import build as build_world
from mano.structures.models import Referral, Structure
from mano.territories.services.observations import (
    ObservationInput,
    observation_create,
    observation_delete,
    observation_update,
)
from mano.territories.services.territories import territory_create
from mano.testing import Org

CATEGORIES = [{"group": "Santé", "items": ["Soins", "Pharmacie", "Douche"]}, {"group": "Social", "items": ["CCAS"]}]


@dataclass
class TabsWorld:
    world: World

    @property
    def org(self) -> Org:
        return self.world.org


def _action(org: Org, person: Any, team: Any, when: str, categories: list[str]) -> Any:
    admin = org["admin"]
    (action,) = actions_create(
        user=admin.user,
        keyring=admin.keyring,
        persons=[person],
        name="Action",
        teams=[team],
        due_at=at(when),
        categories=categories,
    )
    return action


def build_actions(world: World) -> None:
    org, admin = world.org, world.org["admin"]
    org.organisation.action_categories = CATEGORIES
    org.organisation.save(update_fields=["action_categories"])
    alice, bruno, chloe = (world.persons[k] for k in ("alice", "bruno", "chloe"))
    _action(org, alice, org.day, "2026-02-03 10:00", ["Soins", "CCAS"])
    _action(org, alice, org.day, "2026-02-06 10:00", ["Douche"])
    _action(org, chloe, org.day, "2026-02-04 10:00", ["Pharmacie"])
    gone = _action(org, alice, org.day, "2026-02-07 10:00", ["Soins"])
    action_delete(user=admin.user, keyring=admin.keyring, action=gone, expected_version=gone.version)
    done = _action(org, bruno, org.night, "2026-02-01 20:00", ["Soins"])
    action_set_status(
        user=admin.user,
        keyring=admin.keyring,
        action=done,
        status="done",
        expected_version=done.version,
        completed_at=at("2026-02-02 06:00"),
    )
    org.organisation.refresh_from_db()
    category_delete(user=admin.user, name="Douche", config_version=config_version(org.organisation))
    org.organisation.refresh_from_db()
    category_rename(
        user=admin.user,
        keyring=admin.keyring,
        old="Soins",
        new="Soins infirmiers",
        config_version=config_version(org.organisation),
    )
    org.organisation.refresh_from_db()


def build_exits(world: World) -> None:
    org, admin = world.org, world.org["admin"]
    for key, team, day, reasons in (
        ("alice", org.day, date(2026, 2, 1), ["Hébergée"]),
        ("bruno", org.night, date(2026, 2, 28), ["Hébergée", "Incarcération"]),
    ):
        person = world.persons[key]
        person.refresh_from_db()
        person_leave_active_list(
            user=admin.user,
            keyring=admin.keyring,
            person=person,
            team=team,
            reasons=reasons,
            day=day,
            expected_version=person.version,
        )


SERVICES = [{"group": "Hygiène", "items": ["Douche"]}, {"group": "Alimentation", "items": ["Repas", "Café"]}]


def build_services(world: World) -> None:
    org = world.org
    org.organisation.reception_enabled, org.organisation.services = True, SERVICES
    org.organisation.save(update_fields=["reception_enabled", "services"])
    for team, day, service, count in (
        (org.day, date(2026, 2, 1), "Douche", 3),
        (org.day, date(2026, 3, 1), "Douche", 5),
        (org.night, date(2026, 2, 28), "Repas", 2),
    ):
        ServiceCount.objects.create(organisation=org.organisation, team=team, date=day, service=service, count=count)


def build_referrals(world: World) -> None:
    org = world.org
    samu = Structure.objects.create(
        organisation=org.organisation, name="Samu social", name_key="samu social", categories=["Hébergement d’urgence"]
    )
    resto = Structure.objects.create(organisation=org.organisation, name="Resto", name_key="resto", categories=[])
    for structure, team, moment in (
        (samu, org.day, "2026-02-01 00:00"),
        (samu, org.day, "2026-01-31 23:59"),
        (resto, org.night, "2026-03-01 11:00"),
        (resto, org.night, "2026-02-01 11:59"),
    ):
        row = Referral.objects.create(organisation=org.organisation, structure=structure, team=team, action_link=moment)
        Referral.objects.filter(pk=row.pk).update(created_at=at(moment))


def _observe(world: World, territory: Any, team: Any, moment: str, custom: dict[str, Any]) -> Any:
    admin = world.org["admin"]
    values = ObservationInput(territory=territory, team=team, observed_at=at(moment), custom=custom)
    return observation_create(user=admin.user, keyring=admin.keyring, values=values)


def build_observations(world: World) -> None:
    org, admin = world.org, world.org["admin"]
    gare = territory_create(user=admin.user, keyring=admin.keyring, data={"name": "Gare"})
    _observe(world, gare, org.day, "2026-02-01 00:00", {"police": "Oui", "personsMale": 3, "atmosphere": "RAS"})
    _observe(world, gare, org.night, "2026-03-01 11:00", {"police": "Non", "personsMale": 2})
    _observe(world, gare, org.day, "2026-01-31 23:59", {"police": "Oui"})
    _observe(world, gare, org.night, "2026-02-01 11:59", {"police": "Oui"})
    gone = _observe(world, gare, org.day, "2026-02-05 10:00", {"police": "Oui"})
    observation_delete(user=admin.user, keyring=admin.keyring, observation=gone, expected_version=gone.version)
    moved = _observe(world, gare, org.day, "2026-02-10 10:00", {"police": "Oui"})
    values = ObservationInput(territory=gare, team=org.day, observed_at=at("2026-03-10 10:00"), custom={})
    observation_update(
        user=admin.user, keyring=admin.keyring, observation=moved, values=values, expected_version=moved.version
    )


def build_reports(world: World) -> None:
    org, admin = world.org, world.org["admin"]
    org.organisation.collaborations = [{"group": "Partenaires", "items": ["SAMU", "Police"]}]
    org.organisation.save(update_fields=["collaborations"])
    for team, day, names in (
        (org.day, date(2026, 2, 1), ["SAMU", "Police"]),
        (org.day, date(2026, 2, 10), []),
        (org.day, date(2026, 3, 1), ["SAMU"]),
        (org.night, date(2026, 2, 28), ["SAMU"]),
    ):
        report_save(
            user=admin.user,
            keyring=admin.keyring,
            team=team,
            day=day,
            note="",
            collaborations=names,
            expected_version=0,
        )
    org.organisation.refresh_from_db()
    category_rename(
        user=admin.user,
        keyring=admin.keyring,
        old="SAMU",
        new="Samu social",
        config_version=config_version(org.organisation, COLLABORATIONS),
        spec=COLLABORATIONS,
    )
    org.organisation.refresh_from_db()


def build_medical(world: World) -> None:
    org, health = world.org, world.org["admin_health"]
    groups = list(org.organisation.medical_field_groups)
    groups[0] = {
        **groups[0],
        "fields": [*groups[0]["fields"], field_definition("couverture", "Couverture", "enum", ["CMU", "AME"])],
    }
    org.organisation.medical_field_groups = groups
    org.organisation.consultation_types = [{"name": "Médicale", "fields": []}, {"name": "Psychologique", "fields": []}]
    org.organisation.save(update_fields=["medical_field_groups", "consultation_types"])
    health.user.organisation.refresh_from_db()
    alice, bruno = world.persons["alice"], world.persons["bruno"]
    alice.refresh_from_db()
    medical_file_save(
        user=health.user, keyring=health.keyring, person=alice, custom={"couverture": "AME"}, expected_version=0
    )
    for person, type_, team, due, done in (
        (alice, "Médicale", org.day, "2026-02-01 00:00", None),
        (alice, "Psychologique", org.day, "2026-02-27 10:00", "2026-03-01 00:00"),
        (bruno, "Médicale", org.night, "2026-02-27 22:00", "2026-03-01 11:00"),
    ):
        values = ConsultationInput(
            type=type_,
            due_at=at(due),
            status="done" if done else "todo",
            completed_at=at(done) if done else None,
            teams=[team],
        )
        consultation_create(user=health.user, keyring=health.keyring, person=person, values=values)


BUILDERS = [
    build_actions,
    build_exits,
    build_services,
    build_referrals,
    build_observations,
    build_reports,
    build_medical,
]


def build(org: Org) -> TabsWorld:
    world = build_world(org)
    for builder in BUILDERS:
        builder(world)
    return TabsWorld(world)
