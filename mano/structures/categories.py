"""The structures' category groups, edited with the same grouped-list editor as the action categories."""

from __future__ import annotations

from uuid import UUID

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Organisation, User
from mano.agenda.categories import GroupedList, RenamePlan, renamed
from mano.core.crypto import Keyring
from mano.structures.models import Structure, facets_of
from mano.structures.services import search_text
from mano.structures.vocabulary import default_structure_categories


def _using(organisation_id: UUID, name: str) -> list[Structure]:
    """Structures (archived too) carrying `name`; a JSON list is read in Python, the same on every database."""
    rows = Structure.objects.filter(organisation_id=organisation_id, facets__contains="|categories:")
    return [s for s in rows if name in (s.categories or [])]


def _usage(user: User, keyring: Keyring, name: str) -> int:
    return len(_using(user.member_organisation_id, name))


def _rewrite(user: User, keyring: Keyring, organisation: Organisation, plan: RenamePlan) -> int:
    """Rename the category in every structure carrying it (plain columns: no decryption needed)."""
    structures = _using(organisation.pk, plan.old)
    for structure in structures:
        categories = renamed(list(structure.categories), plan.old, plan.new)
        fields = {f: getattr(structure, f) for f in ("name", "description", "city", "postcode", "address")}
        Structure.objects.filter(pk=structure.pk).update(
            categories=categories,
            facets=facets_of(categories, structure.publics or []),
            search_text=search_text({**fields, "categories": categories}),
            version=F("version") + 1,
            updated_by=user,
        )
    return len(structures)


STRUCTURE_CATEGORIES = GroupedList(
    field="structure_categories",
    namespace="structures",
    default_group=default_structure_categories()[0]["group"],
    title=_("Catégories des structures"),
    intro=_(
        "Ces catégories classent l’annuaire de toute l’organisation ; elles se choisissent sur la fiche d’une "
        "structure et servent de filtre dans l’annuaire."
    ),
    singular=_("structure"),
    plural=_("structures"),
    usage=_usage,
    rewrite=_rewrite,
)
