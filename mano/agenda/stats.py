"""The actions source of the statistics store (`mano.core.statstore`): each person's actions as an item line
(`mano.core.statlines`) placed at the moment that places them in the agenda (done or cancelled date, else due
date), with their status letter as suffix. An action of several teams is one entry under a "+"-joined team key,
counted once. Registered by AgendaConfig.ready; refreshed by `index_refresh` and by the status change."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext_lazy as _

from mano.agenda.models import Action, Status
from mano.core import statstore
from mano.core.statlines import item_lines, team_key

STATUS_LETTERS: dict[str, str] = {Status.TODO: "t", Status.DONE: "d", Status.CANCELLED: "c"}
LETTER_STATUSES = {letter: status for status, letter in STATUS_LETTERS.items()}
WIDTH = 7  # team index + half-day code + status letter


def _actions(org_id: Any, keyring: Any, keys: set[str] | None) -> dict[str, str]:
    rows = Action.objects.filter(organisation_id=org_id, deleted_at=None, person__deleted_at=None).order_by()
    wanted = statstore.person_keys(keys)
    if wanted is not None:
        rows = rows.filter(person_id__in=wanted)
    teams: dict[Any, list[Any]] = defaultdict(list)
    links = Action.teams.through.objects.filter(action__in=rows.values("pk"))
    for action_id, team_id in links.values_list("action_id", "team_id").iterator(5000):
        teams[action_id].append(team_id)
    values = rows.values_list("id", "person_id", "agenda_at", "due_at", "status")
    return item_lines(
        (person, at or due, team_key(teams[pk]), STATUS_LETTERS.get(status, "t"))
        for pk, person, at, due, status in values.iterator(5000)
    )


def register() -> None:
    statstore.register(statstore.Source("actions", _actions, _("Actions"), width=WIDTH, activity=True))
