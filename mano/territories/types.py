"""The organisation's territory types, a grouped list edited with the action categories' editor. Renaming (or
merging) a type rewrites, in the editor's one transaction, every territory that has it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Organisation, User
from mano.agenda.categories import GroupedList, RenamePlan, renamed
from mano.core.crypto import Keyring
from mano.core.records import record_data, record_update
from mano.persons import history
from mano.territories.models import Territory
from mano.territories.vocabulary import default_territory_types


def _territories(organisation_id: Any, keyring: Keyring) -> Iterator[tuple[Territory, dict[str, Any]]]:
    """Every live territory of the organisation (archived too), decrypted: dozens, not thousands."""
    for territory in Territory.objects.filter(organisation_id=organisation_id, deleted_at=None).order_by("pk"):
        yield territory, record_data(territory, keyring)


def _usage(user: User, keyring: Keyring, name: str) -> int:
    return sum(1 for _, data in _territories(user.member_organisation_id, keyring) if name in (data.get("types") or []))


def _rewrite(user: User, keyring: Keyring, organisation: Organisation, plan: RenamePlan) -> int:
    """Rename the type in every territory having it, each saved with the version it was read at (ConflictError
    rolls the whole rename back), with a history line."""
    rewritten = 0
    for territory, data in _territories(organisation.pk, keyring):
        before = list(data.get("types") or [])
        if plan.old not in before:
            continue
        data["types"] = renamed(before, plan.old, plan.new)
        history.append(data, history.entry(user, changes={"types": [before, data["types"]]}))
        record_update(territory, keyring=keyring, user=user, data=data, expected_version=territory.version)
        rewritten += 1
    return rewritten


TERRITORY_TYPES = GroupedList(
    field="territory_types",
    namespace="territories",
    default_group=default_territory_types()[0]["group"],
    title=_("Types de territoire"),
    intro=_(
        "Ces types valent pour toute l’organisation ; ils se choisissent sur la fiche d’un territoire. Renommer un "
        "type met à jour tous les territoires qui l’ont."
    ),
    # The editor's sentences agree with a feminine noun ("toutes les … qui l’utilisent").
    singular=_("fiche de territoire"),
    plural=_("fiches de territoire"),
    usage=_usage,
    rewrite=_rewrite,
)
