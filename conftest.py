"""Personas shared by every test: alice (admin, org A), bob (member, org A), charlie (org B)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from mano.testing import Org, Persona, build_org, login_client


@pytest.fixture
def org_a(db: None) -> Org:
    return build_org("Maraude A")


@pytest.fixture
def org_b(db: None) -> Org:
    return build_org("Maraude B")


@pytest.fixture
def alice(org_a: Org) -> Persona:
    return org_a["admin_health"]


@pytest.fixture
def bob(org_a: Org) -> Persona:
    return org_a["normal"]


@pytest.fixture
def charlie(org_b: Org) -> Persona:
    return org_b["admin_health"]


@pytest.fixture
def unlocked_client() -> Callable[[Persona], Client]:
    return login_client


from mano.testing_browser import browser_console, browser_page, site_url  # noqa: E402, F401  (browser fixtures)
