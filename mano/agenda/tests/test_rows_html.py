"""The action rows written in Python (agenda.rows.rows_html) are byte for byte the former template's."""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import timezone
from django.utils.translation import override

from mano.agenda.models import Action, Status
from mano.agenda.rows import ActionRow, TeamName

# agenda/_rows.html as it was before the rows were written in Python: the reference.
FORMER = (Path(__file__).parent / "data" / "former_rows.html").read_text()
NOW = "{% load agenda_rows %}{% action_rows rows show_person next_url %}\n"


def _rows() -> list[ActionRow]:
    """Every combination of what a row shows: status, urgent, late, with a time or not, recurring, family,
    categories (with characters to escape), teams (none, one, a night team)."""
    now = timezone.now()
    rows = []
    teams = [[], [TeamName(uuid.uuid4(), "Jour & <nuit>", False)], [TeamName(uuid.uuid4(), "Nuit", True)]]
    combos = itertools.product(Status.values, (False, True), (-2, 3), (False, True), (False, True), (0, 2), teams)
    for i, (status, urgent, days, with_time, repeat, family, team) in enumerate(combos):
        due = now + timedelta(days=days, minutes=i)
        action = Action(
            pk=uuid.uuid4(),
            person_id=uuid.uuid4(),
            status=status,
            urgent=urgent,
            due_at=due,
            with_time=with_time,
            completed_at=None if status == Status.TODO else due + timedelta(hours=1),
            recurrence_id=uuid.uuid4() if repeat else None,
            version=i + 1,
        )
        data = {
            "name": f'RDV "{i}" <CCAS> & co',
            "family": family,
            "categories": ["Santé", "<b>&"][: 2 if i % 3 else 0],
        }
        rows.append(ActionRow(action, data, f"Zoé d'Arc {i}" if i % 4 else "", team))
    return rows


@pytest.mark.parametrize("show_person", [True, False])
@pytest.mark.parametrize("empty", [False, True])
def test_the_rows_are_the_former_templates(show_person, empty):
    context = {
        "rows": [] if empty else _rows(),
        "show_person": show_person,
        "next_url": "/agenda/?jour=2026-12-01&qs=AbC-_x&equipe=toutes#top",
        "csrf_token": "token-0123",
    }
    with override("fr"):
        former = Template(FORMER).render(Context(context))
        now = Template(NOW).render(Context(context))
    assert now == former
