"""Writes on reports: the handover note and the co-interventions of one team's day.

Two colleagues often write the note at the same time at the end of a shift. A save built on an older version
never overwrites: when the saved text moved on, both texts are kept (the saved one, then the new one under its
author's name) and the writer is told so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Organisation, Team, User
from mano.core.crypto import Keyring
from mano.core.dates import DATE_OUT_OF_RANGE, in_range
from mano.core.records import ConflictError, record_create, record_data, record_update
from mano.persons import history
from mano.reports import stats
from mano.reports.models import Report

WRITE_ROLES = ("admin", "normal")
NOTE_MAX = 20_000
NOTE_TOO_LONG = _("La transmission est trop longue (20 000 caractères au plus).")


@dataclass(frozen=True)
class Saved:
    report: Report
    merged: bool  # a colleague's text saved meanwhile was kept beside this one


def _check(user: User, team: Team, day: date) -> None:
    if user.role not in WRITE_ROLES or team.organisation_id != user.organisation_id:
        raise PermissionDenied
    if not in_range(day):
        raise ValidationError({"date": DATE_OUT_OF_RANGE})


def _collaborations(user: User, chosen: list[str], kept: list[str]) -> list[str]:
    """The chosen names the organisation still lists (or the report already had): one renamed or removed while
    the form was open is left out rather than refusing the note."""
    organisation = Organisation.objects.get(pk=user.member_organisation_id)  # fresh: an admin may edit the list
    known = {name for group in organisation.collaborations for name in group["items"]}
    return sorted({name for name in chosen if name in known or name in kept})


def merged_note(saved: str, base: str, mine: str, author: str) -> str:
    """The note to keep when `saved` moved on from `base` while `mine` was typed: nothing of either is lost."""
    if mine.strip() == saved.strip() or mine.strip() in ("", base.strip()):
        return saved
    if saved.strip() in ("", base.strip()):
        return mine
    return f"{saved.rstrip()}\n\n— {author} —\n{mine.strip()}"


@transaction.atomic
def report_save(
    *,
    user: User,
    keyring: Keyring,
    team: Team,
    day: date,
    note: str,
    collaborations: list[str],
    expected_version: int,
    base_note: str = "",
) -> Saved:
    """Create or update the report of `team` on `day`. `expected_version` 0: the form saw no report yet;
    `base_note`: the text the form started from, to merge with a colleague's save instead of dropping it."""
    _check(user, team, day)
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": NOTE_TOO_LONG})
    current = Report.objects.select_for_update().filter(team=team, date=day, deleted_at=None).first()
    data: dict[str, Any] = record_data(current, keyring) if current else {"note": "", "collaborations": []}
    chosen = _collaborations(user, collaborations, data.get("collaborations") or [])
    merged = False
    if current is not None and current.version != expected_version:
        saved_note = str(data.get("note") or "")
        mine = note
        note = merged_note(saved_note, base_note, mine, str(user))
        merged = saved_note.strip() not in ("", base_note.strip()) and mine.strip() not in ("", saved_note.strip())
        chosen = sorted(set(chosen) | set(data.get("collaborations") or []))
    changes = history.diff(data, {"note": note, "collaborations": chosen}, ["note", "collaborations"])
    data.update(note=note, collaborations=chosen)
    if changes:
        history.append(data, history.entry(user, changes=changes))
    if current is None:
        try:
            with transaction.atomic():
                report = record_create(
                    Report, keyring=keyring, organisation=user.organisation, user=user, data=data, team=team, date=day
                )
        except IntegrityError as exc:  # created by a colleague between the read and the insert: save again
            raise ConflictError(None) from exc
        stats.refresh(report.organisation_id, keyring, [day])
        return Saved(report, False)
    report = record_update(current, keyring=keyring, user=user, data=data, expected_version=current.version)
    stats.refresh(report.organisation_id, keyring, [day])
    return Saved(report, merged)
