"""Writes on actions: one action per person, version-checked updates, status with its date, history, audit."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Team, User
from mano.agenda import series, words
from mano.agenda.models import Action, Status
from mano.agenda.recurrence import Rule, occurrences
from mano.agenda.stats import CATEGORIES
from mano.core import statstore
from mano.core.audit import AuditAction, audit
from mano.core.crypto import Keyring
from mano.core.records import ConflictError, record_data, record_update, records_build, records_rewrite
from mano.persons import history
from mano.persons.index import index_refresh
from mano.persons.models import Comment, Person
from mano.persons.services.comments import comment_create
from mano.persons.services.persons import person_touch

NAME_REQUIRED = _("Le nom est obligatoire.")
PERSON_REQUIRED = _("La personne suivie est obligatoire.")
TEAM_REQUIRED = _("Une action doit être associée à au moins une équipe.")
DUE_REQUIRED = _("La date d'échéance est obligatoire.")
WRITE_ROLES = ("admin", "normal", "restricted")
HISTORY_FIELDS = ["name", "description", "categories"]
# Restricted members create and edit actions but never delete them (issue 4).
DELETE_ROLES = ("admin", "normal")
# Five years of a daily action for five persons; more is a mistake, and one transaction would hold too long.
MAX_CREATED = 10_000
TOO_MANY_ACTIONS = format_lazy(
    _("Cela ferait plus de {count} actions : raccourcissez la récurrence ou choisissez moins de personnes."),
    count=MAX_CREATED,
)
BATCH = 500
NOON = time(12)
# What "cette action et les suivantes" copies from the payload (plus teams, priority and time of day).
PROPAGATED = ("name", "description", "categories", "family")


def day_only(due_at: datetime, with_time: bool) -> datetime:
    """A due date without its time shown is stored at noon, local time: its hidden time would otherwise decide
    the night of a night team (noon to noon), and differ with the hour the action happened to be typed at."""
    if with_time:
        return due_at
    return timezone.make_aware(datetime.combine(timezone.localtime(due_at).date(), NOON))


def check_writer(user: User, organisation_id: Any) -> None:
    """Members who write actions, on their own organisation's rows (PermissionDenied otherwise)."""
    if user.role not in WRITE_ROLES or user.organisation_id != organisation_id:
        raise PermissionDenied


def _validate(user: User, *, name: str, persons: list[Person], teams: list[Team], due_at: datetime | None) -> None:
    errors = {}
    if not name.strip():
        errors["name"] = NAME_REQUIRED
    if not persons:
        errors["persons"] = PERSON_REQUIRED
    if not teams:
        errors["teams"] = TEAM_REQUIRED
    if due_at is None:
        errors["due_at"] = DUE_REQUIRED
    if errors:
        raise ValidationError(errors)
    if any(p.organisation_id != user.organisation_id or p.deleted_at for p in persons) or any(
        t.organisation_id != user.organisation_id for t in teams
    ):
        raise PermissionDenied


@transaction.atomic
def actions_create(
    *,
    user: User,
    keyring: Keyring,
    persons: Iterable[Person],
    name: str,
    teams: Iterable[Team],
    due_at: datetime | None,
    with_time: bool = False,
    urgent: bool = False,
    description: str = "",
    categories: Iterable[str] = (),
    comment: str = "",
    family: bool = False,
    recurrence: Rule | None = None,
    links: dict[str, str] | None = None,
    request: HttpRequest | None = None,
) -> list[Action]:
    """One action per person, each with its own copy of the first comment (restricted: no description/comment).

    With a `recurrence`, every occurrence is created now, in this transaction: one series per person sharing a
    `recurrence_id`, the rule in each payload. The comment goes on the person's first occurrence only: it is
    about the request being made, and a copy on every occurrence would repeat it on the person's page.
    `links` are payload keys another app attaches (structures: "structure", the id a referral points to)."""
    persons, teams = list(persons), list(teams)
    _validate(user, name=name, persons=persons, teams=teams, due_at=due_at)
    assert due_at is not None  # _validate refused it
    due_at = day_only(due_at, with_time)
    moments = [due_at] if recurrence is None else occurrences(recurrence, due_at)
    if len(moments) * len(persons) > MAX_CREATED:
        raise ValidationError({"recurrence_end": TOO_MANY_ACTIONS})
    if user.role == "restricted":
        description, comment = "", ""
    data = {
        "name": name.strip(),
        "description": description.strip(),
        "categories": list(categories),
        "family": family,
        "history": [history.entry(user, kind="creation")],
        **(links or {}),
    }
    if recurrence is not None:
        data["recurrence"] = {**recurrence.to_payload(), "start": timezone.localtime(due_at).date().isoformat()}
    plain = {"with_time": with_time, "urgent": urgent}
    created = []
    for person in persons:
        check_writer(user, person.organisation_id)
        recurrence_id = uuid.uuid4() if recurrence is not None else None
        series = series_create(user, keyring, person, moments, teams, data, plain, recurrence_id)
        if comment.strip():  # the comment service also touches the person, and adds only the comment's words
            comment_create(
                user=user, keyring=keyring, person=person, text=comment, team=teams[0], action_id=series[0].pk
            )
        else:
            person_touch(person)
        index_refresh(person, keyring)
        detail: dict[str, str | int | bool] = (
            {"count": len(series), "recurrence": str(series[0].recurrence_id)} if recurrence else {}
        )
        audit(
            AuditAction.ACTION_CREATE,
            organisation=user.organisation,
            actor=user,
            request=request,
            obj=series[0],
            **detail,
        )
        created += series
    return created


def series_create(
    user: User,
    keyring: Keyring,
    person: Person,
    moments: list[datetime],
    teams: Iterable[Team],
    data: dict[str, Any],
    plain: dict[str, Any],
    recurrence_id: uuid.UUID | None,
) -> list[Action]:
    """The person's actions at `moments` (one query per 500 rows, whatever the number of occurrences)."""
    rows = [
        records_build(
            Action,
            keyring=keyring,
            organisation=user.organisation,
            user=user,
            data=data,
            person=person,
            due_at=moment,
            recurrence_id=recurrence_id,
            **plain,
        )
        for moment in moments
    ]
    Action.objects.bulk_create(rows, batch_size=BATCH)
    through = Action.teams.through
    links = [through(action_id=row.pk, team_id=team.pk) for row in rows for team in teams]
    through.objects.bulk_create(links, batch_size=BATCH)
    return rows


@transaction.atomic
def action_update(
    *,
    user: User,
    keyring: Keyring,
    action: Action,
    expected_version: int,
    name: str,
    teams: Iterable[Team],
    due_at: datetime | None,
    with_time: bool,
    urgent: bool,
    description: str,
    categories: Iterable[str],
    status: str,
    completed_at: datetime | None,
    family: bool | None = None,
    scope: str = series.ONE,
    request: HttpRequest | None = None,
) -> Action:
    """Save an edit made on `expected_version` (ConflictError otherwise). Changing the status to done or
    cancelled sets its date to now unless one is given; back to "to do" clears it. `family` None: the form
    did not offer the family flag, it stays as it was.

    `scope` FOLLOWING on an occurrence also copies what this edit changed (name, description, categories,
    teams, priority, shown time, time of day) onto the later occurrences still to do; their dates and
    statuses stay theirs. Only the edited one is version-checked: the later ones are locked and rewritten."""
    check_writer(user, action.organisation_id)
    teams = list(teams)
    _validate(user, name=name, persons=[action.person], teams=teams, due_at=due_at)
    assert due_at is not None  # _validate refused it
    due_at = day_only(due_at, with_time)
    series.lock(action)
    later = list(series.following(action).select_for_update().order_by("due_at")) if scope == series.FOLLOWING else []
    before = Action(
        due_at=action.due_at, with_time=action.with_time, urgent=action.urgent, recurrence_id=action.recurrence_id
    )
    previous_teams = list(action.teams.all())
    before_teams = {t.pk for t in previous_teams}
    old = record_data(action, keyring)
    data = {**old, "name": name.strip(), "categories": list(categories)}
    if user.role != "restricted":
        data["description"] = description.strip()
    if family is not None:
        data["family"] = family
    completed = _completion(status, action, completed_at)
    changes = _changes(old, data)
    if status != action.status:
        changes["status"] = [action.status, status]
    changes |= _plain_changes(
        action, previous_teams, teams, due_at=due_at, with_time=with_time, urgent=urgent, completed=completed
    )
    if changes:
        history.append(data, history.entry(user, changes=changes))
    saved = record_update(
        action,
        keyring=keyring,
        user=user,
        data=data,
        expected_version=expected_version,
        due_at=due_at,
        with_time=with_time,
        urgent=urgent,
        status=status,
        completed_at=completed,
    )
    saved.teams.set(teams)
    detail = {}
    if later:
        edit = {"due_at": due_at, "with_time": with_time, "urgent": urgent}
        detail["following"] = _propagate(user, keyring, later, (old, data), (before, before_teams), edit, teams)
    index_refresh(saved.person, keyring)
    audit(AuditAction.ACTION_UPDATE, organisation=user.organisation, actor=user, request=request, obj=saved, **detail)
    return saved


def _propagate(
    user: User,
    keyring: Keyring,
    later: list[Action],
    payloads: tuple[dict[str, Any], dict[str, Any]],
    previous: tuple[Action, set[Any]],
    edit: dict[str, Any],
    teams: list[Team],
) -> int:
    """Copy onto `later` what the edit changed (`payloads`: before/after, `previous`: plain values and team
    ids before); how many occurrences were rewritten (0 when the edit changed nothing they share)."""
    (old, new), (before, before_teams) = payloads, previous
    fields = {k: new.get(k) for k in PROPAGATED if (old.get(k) or None) != (new.get(k) or None)}
    plain = {k: edit[k] for k in ("with_time", "urgent") if edit[k] != getattr(before, k)}
    wall = timezone.localtime(edit["due_at"]).time()
    moved = wall != timezone.localtime(before.due_at).time()
    teams_changed = {t.pk for t in teams} != before_teams
    if not (fields or plain or moved or teams_changed):
        return 0
    rewritten = []
    for occurrence in later:  # locked by action_update: one bulk write, no version check each
        data = record_data(occurrence, keyring)
        updated = {**data, **fields}
        changes = _changes(data, updated)
        if changes:
            history.append(updated, history.entry(user, changes=changes))
        for key, value in plain.items():
            setattr(occurrence, key, value)
        if moved:
            day = timezone.localtime(occurrence.due_at).date()
            occurrence.due_at = timezone.make_aware(datetime.combine(day, wall))
        rewritten.append((occurrence, updated))
    records_rewrite(rewritten, keyring=keyring, user=user, fields=[*plain, *(["due_at"] if moved else [])])
    if teams_changed:
        through = Action.teams.through
        through.objects.filter(action_id__in=[o.pk for o in later]).delete()
        links = [through(action_id=o.pk, team_id=t.pk) for o in later for t in teams]
        through.objects.bulk_create(links, batch_size=BATCH)
    return len(later)


def _plain_changes(action: Action, previous_teams: list[Team], teams: list[Team], **after: Any) -> dict[str, list[Any]]:
    """The history lines of the plaintext columns an edit changed, as the page shows them."""
    changes: dict[str, list[Any]] = {}
    was_due = _when(action.due_at, action.with_time)
    if was_due != (due := _when(after["due_at"], after["with_time"])):
        changes["due_at"] = [was_due, due]
    for key in ("with_time", "urgent"):
        if getattr(action, key) != after[key]:
            changes[key] = [getattr(action, key), after[key]]
    was_done, done = _when(action.completed_at, True), _when(after["completed"], True)
    if was_done != done and action.completed_at and after["completed"]:  # the status line covers the others
        changes["completed_at"] = [was_done, done]
    names = sorted(str(t.name) for t in previous_teams)
    if names != (now := sorted(str(t.name) for t in teams)):
        changes["teams"] = [", ".join(names), ", ".join(now)]
    return changes


def _when(moment: datetime | None, with_time: bool) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")


def _changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    changes = history.diff(old, new, HISTORY_FIELDS)
    if bool(old.get("family")) != bool(new.get("family")):
        changes["family"] = [bool(old.get("family")), bool(new.get("family"))]
    return changes


def _completion(status: str, action: Action, given: datetime | None) -> datetime | None:
    if status == Status.TODO:
        return None
    if given is not None:
        return given
    return action.completed_at if action.status == status and action.completed_at else timezone.now()


@transaction.atomic
def action_set_status(
    *,
    user: User,
    keyring: Keyring,
    action: Action,
    status: str,
    expected_version: int,
    completed_at: datetime | None = None,
    request: HttpRequest | None = None,
) -> Action:
    """The one-tap "Fait" / "Annulé" / "À faire" of the agenda, version-checked like any edit; the done or
    cancelled date is now unless `completed_at` is given."""
    check_writer(user, action.organisation_id)
    data = record_data(action, keyring)
    if status != action.status:
        history.append(data, history.entry(user, changes={"status": [action.status, status]}))
    saved = record_update(
        action,
        keyring=keyring,
        user=user,
        data=data,
        expected_version=expected_version,
        status=status,
        completed_at=_completion(status, action, completed_at),
    )
    statstore.refresh(saved.organisation_id, keyring, [saved.person_id], sources=["actions", CATEGORIES])
    audit(
        AuditAction.ACTION_UPDATE, organisation=user.organisation, actor=user, request=request, obj=saved, status=status
    )
    return saved


def _gone(user: User) -> dict[str, Any]:
    now = timezone.now()
    return {"deleted_at": now, "version": F("version") + 1, "updated_at": now, "updated_by": user}


# Other apps clean up after actions are deleted (structures: the referral counted for an action); each gets the
# keyring, since what they keep about an action may be keyed by it.
REMOVED_HANDLERS: list[Callable[[Keyring, list[Any]], None]] = []


def actions_removed(organisation_id: Any, keyring: Keyring, ids: list[Any]) -> None:
    """Drop the words of the actions `ids` (gone) and tell the other apps."""
    words.WORDS.drop(organisation_id, keyring, Action.objects.filter(organisation_id=organisation_id, pk__in=ids))
    for handler in REMOVED_HANDLERS:
        handler(keyring, ids)


def actions_remove(user: User, keyring: Keyring, ids: list[Any]) -> int:
    """Soft-delete the actions `ids` (already locked and checked by the caller) and their comments;
    how many comments went with them."""
    Action.objects.filter(pk__in=ids, deleted_at=None).update(**_gone(user))
    actions_removed(user.member_organisation_id, keyring, ids)
    now = timezone.now()
    return Comment.objects.filter(
        organisation_id=user.member_organisation_id, action_id__in=ids, deleted_at=None
    ).update(deleted_at=now, updated_at=now, updated_by=user)


@transaction.atomic
def action_delete(
    *,
    user: User,
    keyring: Keyring,
    action: Action,
    expected_version: int,
    scope: str = series.ONE,
    request: HttpRequest | None = None,
) -> int:
    """Soft-delete the action seen at `expected_version` (ConflictError otherwise) and, with `scope` FOLLOWING,
    the later occurrences of its series still to do; their comments go too. Returns how many actions.

    Admins and normal members only: restricted members never delete actions."""
    if user.role not in DELETE_ROLES or user.organisation_id != action.organisation_id:
        raise PermissionDenied
    later = list(series.following(action).values_list("pk", flat=True)) if scope == series.FOLLOWING else []
    if Action.objects.filter(pk=action.pk, version=expected_version, deleted_at=None).update(**_gone(user)) != 1:
        raise ConflictError(Action.objects.filter(pk=action.pk).values_list("version", flat=True).first())
    if later:
        # Only those still to do now: one marked done or cancelled since they were listed records work done.
        kept = Action.objects.filter(pk__in=later, deleted_at=None, status=Status.TODO)
        later = list(kept.select_for_update().order_by("due_at").values_list("pk", flat=True))
    ids = [action.pk, *later]
    comments = actions_remove(user, keyring, ids)  # the action itself is already gone, version-checked above
    index_refresh(action.person, keyring)
    audit_deletion(user, action, count=len(ids), comments=comments, scope=scope, request=request)
    return len(ids)


def audit_deletion(
    user: User, action: Action, *, count: int, comments: int, scope: str, request: HttpRequest | None
) -> None:
    """One audit line for actions deleted together (from `action`), with how many comments went with them."""
    audit(
        AuditAction.RECORD_DELETE,
        organisation=user.organisation,
        actor=user,
        request=request,
        obj=action,
        person=str(action.person_id),
        count=count,
        comments=comments,
        scope=scope,
    )
