"""Authorization rows for the reception desk ("Accueil de jour") and its settings.

Org A uses the reception desk with a "Hygiène" group; org B has its own "Groupe B" / "Service B", which org A's
admins must not reach by name, and org B's teams cannot be counted by org A's members.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from mano.testing_matrix import ADMINS, PERSON_ROLES, Row, everyone, expect


def build(world: dict[str, Any]) -> None:
    for key, services in (
        ("a", [{"group": "Hygiène", "items": ["Douche"]}]),
        ("b", [{"group": "Groupe B", "items": ["Service B"]}]),
    ):
        organisation = world[key].organisation
        organisation.reception_enabled = True
        organisation.services = services
        organisation.save(update_fields=["reception_enabled", "services"])


def _count(world: dict[str, Any], key: str) -> str:
    return reverse("agenda:reception-count", args=[world[key].day.pk, timezone.localdate().isoformat()])


def _named(name: str, param: str, value: str) -> str:
    return f"{reverse(name)}?{urlencode({param: value})}"


GET_ROWS: dict[tuple[str, str], Row] = {
    ("agenda:reception", ""): (lambda w: reverse("agenda:reception"), expect(only=PERSON_ROLES)),
    ("agenda:reception-selection", ""): (lambda w: reverse("agenda:reception-selection"), everyone(405)),
    ("agenda:reception-person", ""): (lambda w: reverse("agenda:reception-person"), everyone(405)),
    ("agenda:reception-anonymous", ""): (lambda w: reverse("agenda:reception-anonymous"), everyone(405)),
    ("agenda:reception-count", "own team"): (lambda w: _count(w, "a"), everyone(405)),
    ("agenda:reception-settings", ""): (lambda w: reverse("agenda:reception-settings"), expect(only=ADMINS)),
    ("agenda:reception-service-group", "own org"): (
        lambda w: _named("agenda:reception-service-group", "groupe", "Hygiène"),
        expect(only=ADMINS),
    ),
    ("agenda:reception-service-group", "other org"): (
        lambda w: _named("agenda:reception-service-group", "groupe", "Groupe B"),
        expect(only=ADMINS, members=404),
    ),
    ("agenda:reception-service", "own org"): (
        lambda w: _named("agenda:reception-service", "service", "Douche"),
        expect(only=ADMINS),
    ),
    ("agenda:reception-service", "other org"): (
        lambda w: _named("agenda:reception-service", "service", "Service B"),
        expect(only=ADMINS, members=404),
    ),
}
# Empty bodies. The switch itself (POST agenda:reception-settings) is left out: it would turn the desk off for
# the rows after it; tests/test_reception.py covers it.
POST_ROWS: dict[tuple[str, str], Row] = {
    ("agenda:reception", "search"): (lambda w: reverse("agenda:reception"), expect(only=PERSON_ROLES)),
    ("agenda:reception-selection", "nobody"): (
        lambda w: reverse("agenda:reception-selection"),
        expect(only=PERSON_ROLES),
    ),
    ("agenda:reception-person", "no name"): (lambda w: reverse("agenda:reception-person"), expect(only=PERSON_ROLES)),
    ("agenda:reception-anonymous", ""): (
        lambda w: reverse("agenda:reception-anonymous"),
        expect(only=PERSON_ROLES, members=302),
    ),
    ("agenda:reception-count", "own team"): (lambda w: _count(w, "a"), expect(only=PERSON_ROLES, members=302)),
    ("agenda:reception-count", "other org"): (lambda w: _count(w, "b"), expect(only=PERSON_ROLES, members=404)),
    ("agenda:reception-service-group", "no group"): (
        lambda w: reverse("agenda:reception-service-group"),
        expect(only=ADMINS, members=404),
    ),
    ("agenda:reception-service", "no service"): (
        lambda w: reverse("agenda:reception-service"),
        expect(only=ADMINS, members=404),
    ),
}
