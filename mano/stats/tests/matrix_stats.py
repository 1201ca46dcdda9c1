"""Authorization rows for the statistics page (/statistiques/).

Admins, normal members and stats-only members read it; restricted members have no statistics (404, as in the
reference); the superadmin has no organisation (404). Bad filters never fail the page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mano.testing_matrix import Row, everyone, expect

READER_ROLES = {"stats", "normal", "normal_health", "admin", "admin_health"}
READERS = expect(only=READER_ROLES, other=404)
NOT_FOUND = expect(members=404, other=404)
HEALTH = expect(only={"normal_health", "admin_health"}, other=404)
DOMAIN_TABS = (
    "actions",
    "services",
    "passages",
    "rencontres",
    "observations",
    "comptes-rendus",
    "consultations",
    "dossier-medical",
    "sorties",
    "structures",
)


def _url(query: str = "") -> Any:
    return lambda w: reverse("stats:page") + (f"?{query}" if query else "")


def _detail(query: str) -> Any:
    return lambda w: reverse("stats:detail") + f"?{query}"


def _team(org: str) -> Any:
    return lambda w: reverse("stats:page") + f"?onglet=personnes&equipe={w[org].night.pk}"


GET_ROWS: dict[tuple[str, str], Row] = {
    ("stats:page", ""): (_url(), READERS),
    ("stats:page", "persons tab"): (_url("onglet=personnes&personnes=file-active"), READERS),
    ("stats:page", "own team"): (_team("a"), READERS),
    # Another organisation's team is an unknown team: ignored, with a message.
    ("stats:page", "other org team"): (_team("b"), READERS),
    ("stats:page", "bad input"): (_url("periode=personnalisee&du=2026-05-01&au=2020-01-01&ages=x&vieux=1"), READERS),
    # The tabs of the domains; a medical tab shows the Général tab to a member without the health key (200).
    **{("stats:page", f"{tab} tab"): (_url(f"onglet={tab}"), READERS) for tab in DOMAIN_TABS},
    ("stats:detail", "exits"): (_detail("onglet=sorties&indicateur=reasons&ligne=0"), READERS),
    # Health professionals only: the others see the Général tab, which has no such indicator.
    ("stats:detail", "consultations"): (_detail("onglet=consultations&indicateur=persons_types&ligne=0"), HEALTH),
    ("stats:detail", ""): (_detail("onglet=personnes&indicateur=gender&ligne=0"), READERS),
    ("stats:export", ""): (lambda w: reverse("stats:export"), READERS),
    ("stats:print", ""): (lambda w: reverse("stats:print"), READERS),
    ("stats:detail", "unknown indicator"): (_detail("indicateur=nope&ligne=0"), NOT_FOUND),
    ("stats:detail", "row out of range"): (_detail("onglet=personnes&indicateur=gender&ligne=99"), NOT_FOUND),
}
# The person filters' form posts and is sent back to the page with its values sealed.
POST_ROWS: dict[tuple[str, str], Row] = {
    ("stats:page", ""): (_url(), expect(only=READER_ROLES, members=303, other=404)),
    ("stats:detail", ""): (_detail("indicateur=gender&ligne=0"), everyone(405)),
    ("stats:export", ""): (lambda w: reverse("stats:export"), everyone(405)),
    ("stats:print", ""): (lambda w: reverse("stats:print"), everyone(405)),
}
