"""Every URL × every persona: the status each one must get. A URL missing here fails the meta-test."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mano.accounts.services.bootstrap import superadmin_create
from mano.testing import PASSWORD, Org, login_client
from mano.testing_matrix import ADMINS, GONE, MEMBERS, Row, everyone, expect

pytestmark = pytest.mark.django_db

# (url name, variant) → (how to build the URL from the world, expected status per persona)
GET_MATRIX: dict[tuple[str, str], Row] = {
    ("accounts:home", ""): (lambda w: reverse("accounts:home"), {**expect(), "superadmin": 302}),
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


def _feature_modules() -> list[Any]:
    root = Path(__file__).resolve().parents[2]
    names = sorted(
        p.relative_to(root.parent).with_suffix("").as_posix().replace("/", ".")
        for p in root.glob("*/tests/matrix_*.py")
    )
    return [importlib.import_module(name) for name in names]


FEATURES = _feature_modules()
for _module in FEATURES:
    GET_MATRIX.update(_module.GET_ROWS)
    POST_MATRIX.update(_module.POST_ROWS)


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
    world: dict[str, Any] = {
        "a": org_a,
        "b": org_b,
        "operator": superadmin_create(email="operator@platform.test", name="Operator", password=PASSWORD),
    }
    for module in FEATURES:
        if hasattr(module, "build"):
            module.build(world)
    return world


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
