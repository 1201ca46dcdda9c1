"""Every URL × every persona: the status each one must get. A URL missing here fails the meta-test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mano.accounts.services.bootstrap import superadmin_create
from mano.persons.services import person_create
from mano.testing import PASSWORD, Org, login_client

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "superadmin", "restricted", "stats", "normal", "normal_health", "admin", "admin_health"]
MEMBERS = PERSONAS[2:]
PERSON_ROLES = {"restricted", "normal", "normal_health", "admin", "admin_health"}
ADMINS = {"admin", "admin_health"}

LOGIN, FORBIDDEN, GONE = 302, 403, 410


def expect(
    *, anonymous: int = LOGIN, superadmin: int = 404, members: int = 200, only: set[str] | None = None, other: int = 403
) -> dict[str, int]:
    """Build one row: `only` lists the member personas that get `members`; the rest get `other`."""
    row = {"anonymous": anonymous, "superadmin": superadmin}
    for persona in MEMBERS:
        row[persona] = members if only is None or persona in only else other
    return row


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, status)


# (url name, variant) → (how to build the URL from the world, expected status per persona)
Row = tuple[Callable[[dict[str, Any]], str], dict[str, int]]
GET_MATRIX: dict[tuple[str, str], Row] = {
    ("core:home", ""): (lambda w: reverse("core:home"), {**expect(), "superadmin": 302}),
    ("accounts:login", ""): (lambda w: reverse("accounts:login"), everyone(200)),
    ("accounts:logout", ""): (lambda w: reverse("accounts:logout"), everyone(405)),
    ("accounts:lock", ""): (lambda w: reverse("accounts:lock"), everyone(405)),
    ("accounts:unlock", ""): (lambda w: reverse("accounts:unlock"), {**expect(), "superadmin": 302}),
    ("accounts:charter", ""): (lambda w: reverse("accounts:charter"), {**expect(), "superadmin": 200}),
    ("accounts:waiting", ""): (lambda w: reverse("accounts:waiting"), {**expect(members=302), "superadmin": 302}),
    ("accounts:activate", "bad"): (lambda w: reverse("accounts:activate", args=["x" * 43]), everyone(GONE)),
    ("accounts:reset-request", ""): (lambda w: reverse("accounts:reset-request"), everyone(200)),
    ("accounts:reset", "bad"): (lambda w: reverse("accounts:reset", args=["x" * 43]), everyone(GONE)),
    ("accounts:account", ""): (lambda w: reverse("accounts:account"), expect()),
    ("accounts:password", ""): (lambda w: reverse("accounts:password"), {**expect(), "superadmin": 200}),
    ("accounts:sessions", ""): (lambda w: reverse("accounts:sessions"), {**expect(), "superadmin": 200}),
    ("accounts:session-end", ""): (lambda w: reverse("accounts:session-end", args=[1]), everyone(405)),
    ("accounts:team-switch", ""): (lambda w: reverse("accounts:team-switch"), everyone(405)),
    ("accounts:organisation", ""): (lambda w: reverse("accounts:organisation"), expect(only=ADMINS)),
    ("accounts:members", ""): (lambda w: reverse("accounts:members"), expect(only=ADMINS)),
    ("accounts:member-invite", ""): (lambda w: reverse("accounts:member-invite"), expect(only=ADMINS)),
    ("accounts:member-edit", "own org"): (
        lambda w: reverse("accounts:member-edit", args=[w["a"]["normal"].user.pk]),
        expect(only=ADMINS),
    ),
    ("accounts:member-edit", "other org"): (
        lambda w: reverse("accounts:member-edit", args=[w["b"]["normal"].user.pk]),
        expect(only=ADMINS, members=404),
    ),
    ("accounts:member-grant", ""): (
        lambda w: reverse("accounts:member-grant", args=[w["a"]["normal"].user.pk]),
        everyone(405),
    ),
    ("accounts:member-resend", ""): (
        lambda w: reverse("accounts:member-resend", args=[w["a"]["normal"].user.pk]),
        everyone(405),
    ),
    ("accounts:teams", ""): (lambda w: reverse("accounts:teams"), expect(only=ADMINS)),
    ("accounts:team-edit", "own org"): (
        lambda w: reverse("accounts:team-edit", args=[w["a"].night.pk]),
        expect(only=ADMINS),
    ),
    ("accounts:team-edit", "other org"): (
        lambda w: reverse("accounts:team-edit", args=[w["b"].day.pk]),
        expect(only=ADMINS, members=404),
    ),
    ("accounts:audit", ""): (lambda w: reverse("accounts:audit"), expect(only=ADMINS)),
    ("accounts:recovery", ""): (lambda w: reverse("accounts:recovery"), expect(only=ADMINS)),
    ("accounts:platform", ""): (lambda w: reverse("accounts:platform"), {**expect(members=404), "superadmin": 200}),
    ("accounts:platform-create", ""): (
        lambda w: reverse("accounts:platform-create"),
        {**expect(members=404), "superadmin": 200},
    ),
    ("persons:list", ""): (lambda w: reverse("persons:list"), expect(only=PERSON_ROLES)),
    ("persons:create", ""): (lambda w: reverse("persons:create"), expect(only=PERSON_ROLES)),
    ("persons:detail", "own team"): (
        lambda w: reverse("persons:detail", args=[w["person_day"].pk]),
        expect(only=PERSON_ROLES),
    ),
    ("persons:detail", "other team"): (
        lambda w: reverse("persons:detail", args=[w["person_night"].pk]),
        expect(only=PERSON_ROLES),
    ),
    ("persons:detail", "other org"): (
        lambda w: reverse("persons:detail", args=[w["person_b"].pk]),
        expect(only=PERSON_ROLES, members=404),
    ),
    ("persons:edit", "own team"): (
        lambda w: reverse("persons:edit", args=[w["person_day"].pk]),
        expect(only=PERSON_ROLES),
    ),
    ("persons:edit", "other team"): (
        lambda w: reverse("persons:edit", args=[w["person_night"].pk]),
        expect(only=PERSON_ROLES),
    ),
    ("persons:edit", "other org"): (
        lambda w: reverse("persons:edit", args=[w["person_b"].pk]),
        expect(only=PERSON_ROLES, members=404),
    ),
}

# POST-only endpoints that change state, checked with an empty body.
POST_MATRIX: dict[tuple[str, str], Row] = {
    ("accounts:member-grant", "own org"): (
        lambda w: reverse("accounts:member-grant", args=[w["a"]["normal"].user.pk]),
        expect(only=ADMINS, members=302),
    ),
    ("accounts:member-grant", "other org"): (
        lambda w: reverse("accounts:member-grant", args=[w["b"]["normal"].user.pk]),
        expect(only=ADMINS, members=404),
    ),
    ("accounts:member-resend", "other org"): (
        lambda w: reverse("accounts:member-resend", args=[w["b"]["normal"].user.pk]),
        expect(only=ADMINS, members=404),
    ),
    ("accounts:team-switch", ""): (lambda w: reverse("accounts:team-switch"), expect(members=302)),
    ("accounts:session-end", ""): (
        lambda w: reverse("accounts:session-end", args=[999999]),
        {**expect(members=302), "superadmin": 302},
    ),
}


def _url_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            space = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _url_names(pattern, space)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_url_is_in_the_matrix() -> None:
    covered = {name for name, _ in GET_MATRIX}
    missing = _url_names() - covered
    assert not missing, f"Add these URLs to the authorization matrix: {sorted(missing)}"


@pytest.fixture
def world(org_a: Org, org_b: Org) -> dict[str, Any]:
    admin = org_a["admin_health"]
    other = org_b["admin_health"]
    return {
        "a": org_a,
        "b": org_b,
        "person_day": person_create(user=admin.user, keyring=admin.keyring, teams=[org_a.day], name="Jour"),
        "person_night": person_create(user=admin.user, keyring=admin.keyring, teams=[org_a.night], name="Nuit"),
        "person_b": person_create(user=other.user, keyring=other.keyring, teams=[org_b.day], name="Autre"),
        "operator": superadmin_create(email="operator@platform.test", name="Operator", password=PASSWORD),
    }


def _clients(world: dict[str, Any]) -> dict[str, Client]:
    clients = {"anonymous": Client()}
    operator = Client()
    operator.post(reverse("accounts:login"), {"email": "operator@platform.test", "password": PASSWORD})
    clients["superadmin"] = operator
    for persona in MEMBERS:
        clients[persona] = login_client(world["a"][persona])
    return clients


def _mismatches(world: dict[str, Any], matrix: dict[tuple[str, str], Row], method: str) -> list[str]:
    clients = _clients(world)
    found = []
    for (name, variant), (build, expected) in matrix.items():
        url = build(world)
        for persona, status in expected.items():
            response = getattr(clients[persona], method)(url)
            if response.status_code != status:
                found.append(f"{method.upper()} {name} [{variant}] as {persona}: {response.status_code} != {status}")
    return found


def test_get_matrix_has_no_mismatch(world: dict[str, Any]) -> None:
    assert _mismatches(world, GET_MATRIX, "get") == []


def test_post_matrix_has_no_mismatch(world: dict[str, Any]) -> None:
    assert _mismatches(world, POST_MATRIX, "post") == []
