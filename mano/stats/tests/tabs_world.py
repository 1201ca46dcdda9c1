"""More of the hand-built world (world.py, whose numbers stay as they are) for the tabs of the domains, February
2026 again. Each builder adds one domain's rows; `build` runs them all.

Actions (categories: Santé › Soins, Pharmacie, Douche; Social › CCAS):
- Alice: Soins + CCAS due 2026-02-03 (day team); Douche due 2026-02-06, then Douche is deleted from the list;
  one more action (Soins) deleted: counted nowhere.
- Chloé: Pharmacie due 2026-02-04.
- Bruno (night): Soins done 2026-02-02 06:00, the night of the 1st.
- Then "Soins" is renamed "Soins infirmiers": the tab shows the new name with the old counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mano.agenda.categories import category_delete, category_rename, config_version
from mano.agenda.services import action_delete, action_set_status, actions_create
from mano.stats.tests.world import World, at
from mano.stats.tests.world import build as build_world
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


BUILDERS = [build_actions]


def build(org: Org) -> TabsWorld:
    world = build_world(org)
    for builder in BUILDERS:
        builder(world)
    return TabsWorld(world)
