"""Authorization rows for the reports (/comptes-rendus/…) and the co-interventions editor.

Every member who may see persons reads reports (restricted members a reduced one); stats-only members get 403.
Writing the handover note is for admins and normal members, for one of their own teams: another organisation's
team, or no team, is not found (404). The co-interventions are an admin list (the grouped-list editor)."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from mano.testing_matrix import ADMINS, FULL_ROLES, PERSON_ROLES, Row, everyone, expect

DAY = "2026-12-01"
PERIOD = {"du": "2026-11-01", "au": "2026-11-30"}
GROUP = "Co-interventions"


def build(world: dict[str, Any]) -> None:
    world["report_day"] = date.fromisoformat(DAY)


def _url(name: str, *args: Any, **query: Any) -> Any:
    return lambda w: reverse(f"reports:{name}", args=list(args)) + ("?" + urlencode(query, doseq=True) if query else "")


def _collab(name: str, **query: str) -> Any:
    return lambda w: reverse(f"collaborations:{name}") + ("?" + urlencode(query) if query else "")


def _team_of(org: str) -> Any:
    return lambda w: reverse("reports:day", args=[DAY]) + f"?equipe={w[org].day.pk}"


def _note(org: str) -> Any:
    return lambda w: reverse("reports:note", args=[DAY]) + f"?equipe={w[org].day.pk}"


READERS = expect(only=PERSON_ROLES)
READERS_REDIRECT = expect(only=PERSON_ROLES, members=302)
READERS_NOT_FOUND = expect(only=PERSON_ROLES, members=404)
ADMIN_PAGE = expect(only=ADMINS)
ADMIN_OTHER = expect(only=ADMINS, members=404)

GET_ROWS: dict[tuple[str, str], Row] = {
    ("reports:calendar", ""): (_url("calendar"), READERS),
    ("reports:today", ""): (_url("today"), READERS_REDIRECT),
    ("reports:day", "own team"): (_team_of("a"), READERS),
    # Another organisation's team id is ignored: the member's own current team is shown.
    ("reports:day", "other org team"): (_team_of("b"), READERS),
    ("reports:day", "not a day"): (_url("day", "2026-13-45"), READERS_NOT_FOUND),
    ("reports:day", "whole organisation"): (_url("day", DAY, equipe="toutes"), READERS),
    ("reports:note", ""): (_url("note", DAY), everyone(405)),
    ("reports:period", "empty"): (_url("period"), READERS),
    ("reports:period", "a month"): (_url("period", equipe="toutes", **PERIOD), READERS),
    ("reports:print", "no dates"): (_url("print"), READERS_NOT_FOUND),
    ("reports:print", "a month"): (_url("print", equipe="toutes", **PERIOD), READERS),
    ("reports:pdf", "one day"): (_url("pdf", du=DAY, au=DAY), READERS),
    ("reports:pdf", "too long"): (_url("pdf", equipe="toutes", du="2024-01-01", au="2026-01-01"), READERS_NOT_FOUND),
    ("collaborations:categories", ""): (_collab("categories"), ADMIN_PAGE),
    ("collaborations:category-group-add", ""): (_collab("category-group-add"), everyone(405)),
    ("collaborations:category-group-edit", "own org"): (_collab("category-group-edit", titre=GROUP), ADMIN_PAGE),
    ("collaborations:category-group-edit", "unknown"): (_collab("category-group-edit", titre="Inconnu"), ADMIN_OTHER),
    ("collaborations:category-group-delete", "own org"): (_collab("category-group-delete", titre=GROUP), ADMIN_PAGE),
    ("collaborations:category-group-move", ""): (_collab("category-group-move"), everyone(405)),
    ("collaborations:category-add", ""): (_collab("category-add"), everyone(405)),
    ("collaborations:category-edit", "unknown"): (_collab("category-edit", nom="Inconnue"), ADMIN_OTHER),
    ("collaborations:category-move", ""): (_collab("category-move"), everyone(405)),
    ("collaborations:category-delete", "unknown"): (_collab("category-delete", nom="Inconnue"), ADMIN_OTHER),
}

NOTE_FULL = expect(only=FULL_ROLES, members=302, other=403)
NOTE_OTHER = expect(only=FULL_ROLES, members=404, other=403)
POST_ROWS: dict[tuple[str, str], Row] = {
    # The team goes in the body: without it (an empty post) the note has no team and is not found.
    ("reports:note", "no team"): (_url("note", DAY), NOTE_OTHER),
    ("reports:calendar", ""): (_url("calendar"), everyone(405)),
    ("collaborations:category-group-add", "empty"): (_collab("category-group-add"), ADMIN_PAGE),
    ("collaborations:category-add", "empty"): (_collab("category-add"), ADMIN_PAGE),
}
