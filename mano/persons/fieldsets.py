"""Sets of custom fields an organisation edits with the same editor: the person fields here, the medical-file fields
and the consultation types in `mano.medical`.

A set is a JSON column of the organisation holding groups `[{name, fields: [definition], archived?}]`, and the
encrypted rows whose payload keeps the values in `data["custom"]`. The editor (services, selectors and views of
`fields`) takes a FieldSet and never names a column or a model itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mano.core.crypto import KeyKind, Keyring
from mano.core.models import EncryptedRecord
from mano.core.records import record_data

if TYPE_CHECKING:
    from mano.accounts.models import User

Payloads = Callable[["User", Keyring], Iterator[tuple[EncryptedRecord, dict[str, Any]]]]
Refresh = Callable[[list[EncryptedRecord], Keyring], None]
SCAN_CHUNK = 1000


def _persons_updated(count: int) -> str:
    if count == 0:
        return gettext("aucune personne n’avait ce choix")
    return ngettext("%(count)s personne mise à jour", "%(count)s personnes mises à jour", count) % {"count": count}


def _no_refresh(records: list[EncryptedRecord], keyring: Keyring) -> None:
    return None


@dataclass(frozen=True)
class FieldSet:
    part: str  # the name a form's config version is computed for
    column: str  # the organisation's JSON column
    namespace: str  # the URL namespace where field_patterns(self) is included
    settings_url: str  # the page listing the groups
    payloads: Payloads  # every live row of the organisation holding values of these fields
    key_kind: KeyKind = KeyKind.GENERAL  # the key those rows need: rewriting them needs it too
    default_groups: tuple[str, ...] = ()  # groups that can be neither renamed nor deleted
    group_word: Promise = _("groupe")
    refresh: Refresh = _no_refresh  # after a rewrite (the person search cards)
    updated_text: Callable[[int], str] = lambda count: _persons_updated(count)  # "3 personnes mises à jour"
    archive_groups: bool = False  # a "deleted" group is archived: its rows keep pointing to it
    # When rows name their group (a consultation's type): rewrites them on a rename, returns how many.
    rename_group: Callable[[User, Keyring, str, str], int] | None = None


FIELDSETS: dict[str, FieldSet] = {}


def register(spec: FieldSet) -> FieldSet:
    FIELDSETS[spec.part] = spec
    return spec


def payload_scan(rows: QuerySet[Any], keyring: Keyring) -> Iterator[tuple[EncryptedRecord, dict[str, Any]]]:
    """Every row of `rows`, decrypted one chunk at a time (a field set's `payloads`)."""
    for row in rows.only("id", "organisation_id", "payload", "version").order_by().iterator(SCAN_CHUNK):
        yield row, record_data(row, keyring)


def _person_payloads(user: User, keyring: Keyring) -> Iterator[tuple[EncryptedRecord, dict[str, Any]]]:
    from mano.persons.selectors.persons import persons_of

    return payload_scan(persons_of(user), keyring)


def _person_refresh(records: list[EncryptedRecord], keyring: Keyring) -> None:
    from mano.persons.index import index_refresh_many

    index_refresh_many([(r, None) for r in records], keyring)  # type: ignore[misc]


PERSON_FIELDS = register(
    FieldSet(
        part="groups",
        column="person_field_groups",
        namespace="persons",
        settings_url="persons:settings",
        payloads=_person_payloads,
        default_groups=("Informations sociales", "Informations de santé"),
        refresh=_person_refresh,
    )
)
