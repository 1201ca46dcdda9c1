"""Grouped category lists of an organisation (action categories, structure categories…): the configuration and
the rewrite of the rows that use a category on rename or merge.

Each list is a `GroupedList`: the Organisation field that holds it and how to count and rewrite the rows using a
category. Action categories are `ACTIONS`; other apps declare theirs and reuse these services and the editor pages
(views/categories.py) unchanged.

Every configuration save locks the organisation row and refuses a form built on an older configuration
(ConfigChanged). Renaming a category rewrites, in one transaction, every row of the organisation that uses it;
a version conflict on any of them aborts the whole operation. Deleting a category only touches the configuration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Organisation, User
from mano.agenda.models import Action
from mano.agenda.search import DETAILS
from mano.agenda.stats import CATEGORIES
from mano.core import grouped, statstore
from mano.core.audit import AuditAction, audit
from mano.core.config import ConfigChanged, config_hash
from mano.core.crypto import Keyring
from mano.core.records import record_data, record_update
from mano.persons import history
from mano.persons.index import search_words_add
from mano.persons.text import fold

CONFIG_CHANGED = _(
    "La liste des catégories a été modifiée entre-temps : rien n’a été enregistré. "
    "Voici la version à jour, vérifiez puis recommencez."
)
CATEGORY_REQUIRED = _("Le nom de la catégorie est obligatoire.")
CATEGORY_EXISTS = _("Cette catégorie existe déjà : {group} › {item}")
GROUP_NOT_EMPTY = _("Choisissez le groupe qui recevra les catégories de ce groupe.")
GROUP_TARGET_SAME = _("Choisissez un autre groupe que celui que vous supprimez.")
SAME_NAME = _("C’est déjà le nom de cette catégorie.")
LAST_GROUP = _("Il faut garder au moins un groupe.")
REWRITE_CONFLICT = _(
    "Une action concernée a été modifiée par quelqu’un pendant l’opération : rien n’a été changé. Recommencez."
)
BATCH = 500


@dataclass(frozen=True)
class RenamePlan:
    old: str
    new: str
    merge: bool


@dataclass(frozen=True)
class GroupedList:
    """One grouped category list kept on the Organisation, and the rows whose payload or columns use its names."""

    field: str  # the Organisation attribute
    namespace: str  # URL namespace of its editor pages (views/categories.py category_patterns)
    default_group: str  # stored as is on the first save: a data value, not translated
    title: Any
    intro: Any
    singular: Any  # the rows using a category, feminine in French ("action", "structure")
    plural: Any
    usage: Callable[[User, Keyring, str], int]
    rewrite: Callable[[User, Keyring, Organisation, RenamePlan], int]


def categories_of(organisation: Organisation, spec: GroupedList | None = None) -> grouped.Grouped:
    """The organisation's grouped categories, never empty of groups (the original's default group otherwise)."""
    spec = spec or ACTIONS
    value = getattr(organisation, spec.field)
    if not isinstance(value, list) or not value:
        return [{"group": spec.default_group, "items": []}]
    return value


def config_version(organisation: Organisation, spec: GroupedList | None = None) -> str:
    """A short hash of the configuration: forms carry it, services refuse a save if it moved on."""
    return config_hash(categories_of(organisation, spec))


def find(config: grouped.Grouped, name: str) -> str | None:
    """The configured spelling of `name`, ignoring case and accents, or None."""
    return grouped.find(config, name, key=fold)


def _locked(user: User, version: str, spec: GroupedList | None) -> Organisation:
    if not user.is_admin:
        raise PermissionDenied
    organisation = Organisation.objects.select_for_update().get(pk=user.member_organisation_id)
    if version != config_version(organisation, spec):
        raise ConfigChanged
    return organisation


def _change(
    *,
    user: User,
    version: str,
    request: HttpRequest | None,
    change: str,
    edit: Callable[[grouped.Grouped], Any],
    spec: GroupedList | None,
) -> Organisation:
    spec = spec or ACTIONS
    organisation = _locked(user, version, spec)
    setattr(organisation, spec.field, edit(categories_of(organisation, spec)))
    organisation.save(update_fields=[spec.field])
    audit(
        AuditAction.SETTINGS_CHANGE,
        organisation=organisation,
        actor=user,
        request=request,
        obj=organisation,
        change=change,
        list=spec.field,
    )
    return organisation


@transaction.atomic
def category_group_add(
    *, user: User, title: str, config_version: str, request: HttpRequest | None = None, spec: GroupedList | None = None
) -> None:
    """Append an empty group ("Le titre du groupe est obligatoire", "Ce groupe existe déjà")."""
    _change(
        user=user,
        version=config_version,
        request=request,
        change="category_group_add",
        spec=spec,
        edit=lambda c: grouped.add_group(c, title),
    )


@transaction.atomic
def category_group_rename(
    *,
    user: User,
    old: str,
    new: str,
    config_version: str,
    request: HttpRequest | None = None,
    spec: GroupedList | None = None,
) -> None:
    """Rename a group; its categories and the actions are unchanged (actions only store category names)."""
    _change(
        user=user,
        version=config_version,
        request=request,
        change="category_group_rename",
        spec=spec,
        edit=lambda c: grouped.rename_group(c, old, new),
    )


def _delete_group(config: grouped.Grouped, title: str, move_to: str | None) -> grouped.Grouped:
    group = next((g for g in config if g["group"] == title), None)
    if group is None:
        raise ValidationError({"group": grouped.UNKNOWN_GROUP})
    if len(config) == 1:
        raise ValidationError({"move_to": LAST_GROUP})
    if group["items"]:
        if not move_to:
            raise ValidationError({"move_to": GROUP_NOT_EMPTY})
        if move_to == title:
            raise ValidationError({"move_to": GROUP_TARGET_SAME})
        for item in list(group["items"]):
            config = grouped.move_item(config, item, to_group=move_to)
    return grouped.delete_group(config, title)


@transaction.atomic
def category_group_delete(
    *,
    user: User,
    title: str,
    move_to: str | None,
    config_version: str,
    request: HttpRequest | None = None,
    spec: GroupedList | None = None,
) -> None:
    """Delete a group; its categories (if any) go to the end of `move_to`, so no category is lost."""
    _change(
        user=user,
        version=config_version,
        request=request,
        change="category_group_delete",
        spec=spec,
        edit=lambda c: _delete_group(c, title, move_to),
    )


@transaction.atomic
def category_group_move(
    *,
    user: User,
    title: str,
    offset: int,
    config_version: str,
    request: HttpRequest | None = None,
    spec: GroupedList | None = None,
) -> None:
    """Move a group up (offset -1) or down (+1)."""
    _change(
        user=user,
        version=config_version,
        request=request,
        change="category_group_move",
        spec=spec,
        edit=lambda c: grouped.move_group(c, title, offset),
    )


def _add(config: grouped.Grouped, group: str, name: str) -> grouped.Grouped:
    name = grouped.clean_name(name, CATEGORY_REQUIRED)
    existing = find(config, name)
    if existing is not None:
        raise ValidationError(
            {"name": str(CATEGORY_EXISTS).format(group=grouped.group_of(config, existing), item=existing)}
        )
    return grouped.add_item(config, group, name)


@transaction.atomic
def category_add(
    *,
    user: User,
    group: str,
    name: str,
    config_version: str,
    request: HttpRequest | None = None,
    spec: GroupedList | None = None,
) -> None:
    """Add a category at the end of a group; names are unique in the organisation (ignoring case and accents)."""
    _change(
        user=user,
        version=config_version,
        request=request,
        change="category_add",
        spec=spec,
        edit=lambda c: _add(c, group, name),
    )


@transaction.atomic
def category_move(
    *,
    user: User,
    name: str,
    offset: int = 0,
    to_group: str | None = None,
    config_version: str,
    request: HttpRequest | None = None,
    spec: GroupedList | None = None,
) -> None:
    """Move a category up/down in its group, or to the end of another group."""
    _change(
        user=user,
        version=config_version,
        request=request,
        change="category_move",
        spec=spec,
        edit=lambda c: grouped.move_item(c, name, offset=offset, to_group=to_group),
    )


@transaction.atomic
def category_delete(
    *, user: User, name: str, config_version: str, request: HttpRequest | None = None, spec: GroupedList | None = None
) -> None:
    """Remove a category from the configuration only: actions that have it keep it (as in the original)."""
    _change(
        user=user,
        version=config_version,
        request=request,
        change="category_delete",
        spec=spec,
        edit=lambda c: grouped.delete_item(c, name),
    )


def rename_plan(organisation: Organisation, old: str, new: str, spec: GroupedList | None = None) -> RenamePlan:
    """Validate a rename: `new` equal to another category (ignoring case and accents) means a merge into it."""
    config = categories_of(organisation, spec)
    if grouped.group_of(config, old) is None:
        raise ValidationError({"name": grouped.UNKNOWN_ITEM})
    new = grouped.clean_name(new, CATEGORY_REQUIRED)
    if new == old:
        raise ValidationError({"name": SAME_NAME})
    existing = find(config, new)
    if existing is not None and existing != old:
        return RenamePlan(old, existing, merge=True)
    return RenamePlan(old, new, merge=False)


def _actions(organisation_id: Any, keyring: Keyring) -> Iterator[tuple[Action, dict[str, Any]]]:
    """Every live action of the organisation, decrypted BATCH rows at a time (keyset pages, bounded memory)."""
    rows = Action.objects.filter(organisation_id=organisation_id, deleted_at=None).order_by("pk")
    last = None
    while True:
        batch = list((rows if last is None else rows.filter(pk__gt=last))[:BATCH])
        for action in batch:
            yield action, record_data(action, keyring)
        if len(batch) < BATCH:
            return
        last = batch[-1].pk


def category_usage(*, user: User, keyring: Keyring, name: str, spec: GroupedList | None = None) -> int:
    """How many live rows of the user's organisation carry this category (shown before a rename)."""
    if not user.is_admin:
        raise PermissionDenied
    return (spec or ACTIONS).usage(user, keyring, name)


def _action_usage(user: User, keyring: Keyring, name: str) -> int:
    return sum(1 for _, data in _actions(user.organisation_id, keyring) if name in (data.get("categories") or []))


def renamed(categories: list[str], old: str, new: str) -> list[str]:
    """`categories` with `old` replaced by `new`, without a double when `new` was there already (a merge)."""
    return list(dict.fromkeys(new if c == old else c for c in categories))


def _action_rewrite(user: User, keyring: Keyring, organisation: Organisation, plan: RenamePlan) -> int:
    """Rewrite every action using `plan.old`, each saved with the version it was read at (ConflictError)."""
    rewritten, persons = 0, set()
    for action, data in _actions(organisation.pk, keyring):
        before = list(data.get("categories") or [])
        if plan.old not in before:
            continue
        data["categories"] = renamed(before, plan.old, plan.new)
        history.append(data, history.entry(user, changes={"categories": [before, data["categories"]]}))
        record_update(action, keyring=keyring, user=user, data=data, expected_version=action.version)
        rewritten += 1
        persons.add(action.person_id)
    # The statistics count actions by category name, and the agenda's text filter first looks for its words in
    # the persons' search lines: both take the new name.
    statstore.refresh(organisation.pk, keyring, persons, sources=[CATEGORIES])
    search_words_add(organisation.pk, persons, DETAILS, [plan.new], keyring)
    return rewritten


@transaction.atomic
def category_rename(
    *,
    user: User,
    keyring: Keyring,
    old: str,
    new: str,
    config_version: str,
    request: HttpRequest | None = None,
    spec: GroupedList | None = None,
) -> int:
    """Rename (or merge into an existing category) and rewrite every row using `old`; returns how many.

    All or nothing: the configuration and the rows change in one transaction. Each row is saved with the
    version it was read at; if anyone saved one meanwhile, ConflictError rolls everything back.
    """
    spec = spec or ACTIONS
    organisation = _locked(user, config_version, spec)
    plan = rename_plan(organisation, old, new, spec)
    rewritten = spec.rewrite(user, keyring, organisation, plan)
    config = categories_of(organisation, spec)
    setattr(organisation, spec.field, grouped.rename_item(config, plan.old, plan.new))
    organisation.save(update_fields=[spec.field])
    audit(
        AuditAction.ACTION_CATEGORY_RENAME,
        organisation=organisation,
        actor=user,
        request=request,
        obj=organisation,
        actions=rewritten,
        merge=plan.merge,
        list=spec.field,
    )
    return rewritten


ACTIONS = GroupedList(
    field="action_categories",
    namespace="agenda",
    default_group="Toutes mes catégories",
    title=_("Catégories d’action"),
    intro=_(
        "Ces catégories valent pour toute l’organisation ; elles se choisissent dans le formulaire d’une action et "
        "servent de filtre dans l’agenda. Prévenez vos équipes quand vous les modifiez."
    ),
    singular=_("action"),
    plural=_("actions"),
    usage=_action_usage,
    rewrite=_action_rewrite,
)
