"""Test helpers: a full organisation with one member per role, and logged-in clients."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.utils.text import slugify

from mano.accounts.models import Organisation, Team
from mano.accounts.services.bootstrap import (
    Member,
    charter_accept,
    member_add_active,
    organisation_bootstrap,
    teams_create,
)
from mano.core import statstore

Persona = Member
PASSWORD = "correct horse battery staple"
ROLES = {
    "admin": ("admin", False),
    "normal": ("normal", False),
    "normal_health": ("normal", True),
    "restricted": ("restricted", False),
    "stats": ("stats", False),
}


@dataclass(repr=False)
class Org:
    organisation: Organisation
    members: dict[str, Persona]
    day: Team
    night: Team

    def __getitem__(self, key: str) -> Persona:
        return self.members[key]


def build_org(name: str) -> Org:
    """admin_health (first admin), admin, normal, normal_health, restricted, stats; two teams."""
    slug = slugify(name)
    first, _ = organisation_bootstrap(
        name=name, admin_email=f"admin-health@{slug}.test", admin_name=f"Admin {name}", password=PASSWORD
    )
    day, night = teams_create(admin=first, names=[("Jour", False), ("Nuit", True)])
    charter_accept(user=first.user)
    personas: dict[str, Persona] = {"admin_health": first}
    for key, (role, health) in ROLES.items():
        personas[key] = member_add_active(
            admin=first,
            email=f"{key}@{slug}.test",
            name=f"{key} {name}",
            role=role,
            password=PASSWORD,
            teams=[day],
            is_health_professional=health,
        )
    assert first.user.organisation is not None
    return Org(first.user.organisation, personas, day, night)


def login_client(persona: Persona, client: Client | None = None) -> Client:
    client = client or Client()
    response = client.post("/connexion/", {"email": persona.user.email, "password": persona.password})
    assert response.status_code == 302, response.content[:500]
    return client


def merge_persons(member: Persona, kept: Any, other: Any) -> Any:
    """`other` merged into `kept` as the merge page does when no value is chosen, both read again first."""
    from mano.persons.services.lifecycle import person_merge

    kept.refresh_from_db()
    other.refresh_from_db()
    return person_merge(
        user=member.user,
        keyring=member.keyring,
        kept=kept,
        other=other,
        fixed={},
        custom={},
        kept_version=kept.version,
        other_version=other.version,
    )


def stats_snapshot(org: Org, member: str = "admin") -> dict[str, list[str]]:
    """Every statistics source's lines of the organisation, as `member` reads them."""
    keyring = org[member].keyring
    return {name: sorted(statstore.lines(org.organisation.pk, keyring, name)) for name in statstore.SOURCES}


def assert_stats_as_rebuilt(org: Org, member: str = "admin") -> None:
    """What the services wrote along the way is exactly what a rebuild computes from the records."""
    written = stats_snapshot(org, member)
    statstore.rebuild(org.organisation.pk, org[member].keyring)
    assert stats_snapshot(org, member) == written
