"""Authorization rows for the statistics page (/statistiques/).

Admins, normal members and stats-only members read it; restricted members have no statistics (404, as in the
reference); the superadmin has no organisation (404). Bad filters never fail the page. Every drill-down has a
row: the medical ones for health professionals only; another organisation's team in a drill-down's query is
ignored (it never opens that organisation's persons). Names versus counts: test_drilldowns.py.

`build` gives org A, last year, one person whose nationality changed and who left the day team's active list
(the Évolution and Sorties rows exist only then), and a medical file field shown in statistics."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import time_machine
from django.urls import reverse
from django.utils import timezone

from mano.persons.custom_fields import field_definition
from mano.persons.models import Person
from mano.persons.services.lifecycle import person_leave_active_list
from mano.persons.services.persons import person_create, person_update
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


def _other_team(query: str) -> Any:
    return lambda w: reverse("stats:detail") + f"?{query}&equipe={w['b'].night.pk}"


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


def build(world: dict[str, Any]) -> None:
    org = world["a"]
    admin, organisation = org["admin"], org.organisation
    groups = list(organisation.medical_field_groups)
    groups[0] = {
        **groups[0],
        "fields": [*groups[0]["fields"], field_definition("couverture", "Couverture", "enum", ["AME"])],
    }
    organisation.medical_field_groups = groups
    organisation.save(update_fields=["medical_field_groups"])
    year = timezone.localdate().year - 1
    with time_machine.travel(_noon(date(year - 1, 6, 1)), tick=False):
        person = person_create(
            user=admin.user,
            keyring=admin.keyring,
            teams=[org.day],
            name="Matrice",
            custom={"nationality_situation": "UE"},
        )
    moved = date(year, 6, 15)
    with time_machine.travel(_noon(moved), tick=False):
        person = person_update(
            user=admin.user,
            keyring=admin.keyring,
            person=person,
            expected_version=person.version,
            custom={"nationality_situation": "Française"},
        )
    person = Person.objects.get(pk=person.pk)
    person_leave_active_list(
        user=admin.user,
        keyring=admin.keyring,
        person=person,
        team=org.day,
        reasons=list(organisation.active_list_reasons)[:1],
        day=moved,
        expected_version=person.version,
    )


# Drill-downs of every tab: (tab, indicator, query); the rows listed exist for everyone who sees the tab.
DRILLDOWNS = (
    ("personnes", "age", ""),
    ("passages", "persons_gender", ""),
    ("rencontres", "persons_gender", ""),
    ("actions", "categories", ""),
    ("actions", "groups", ""),
    ("actions", "status", ""),
    ("sorties", "reasons-by-month", "periode=annee-derniere"),
    ("evolution", "evolution-moves", "periode=annee-derniere&champ=nationality_situation"),
    ("evolution", "evolution-before", "champ=nationality_situation"),
    ("resultats", "to-first-action", ""),
    ("resultats", "to-first-referral", ""),
    ("resultats", "seen-again", ""),
)


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
    **{
        ("stats:detail", f"{tab} {key}"): (_detail(f"onglet={tab}&indicateur={key}&ligne=0&{query}"), READERS)
        for tab, key, query in DRILLDOWNS
    },
    ("stats:detail", "medical file"): (_detail("onglet=dossier-medical&indicateur=custom-couverture&ligne=0"), HEALTH),
    # Another organisation's team: an unknown team, ignored; the drill-down stays this organisation's.
    ("stats:detail", "other org team"): (
        _other_team(
            "onglet=evolution&indicateur=evolution-moves&ligne=0&periode=annee-derniere&champ=nationality_situation"
        ),
        READERS,
    ),
    # Evolution moves only in the period of the change: this year has none, whoever asks.
    ("stats:detail", "evolution no move"): (
        _detail("onglet=evolution&indicateur=evolution-moves&ligne=0&champ=nationality_situation"),
        NOT_FOUND,
    ),
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
