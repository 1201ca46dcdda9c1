"""The persons search, for health professionals, also looks inside the medical half: consultation names and types,
treatment names and indications, medical comments ("trouvé dans : consultation"). It reads the 64 medical search
shards (mano.medical.index), never a row per consultation; a colleague's private consultation is not searched."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mano.accounts.models import User
from mano.core.crypto import Keyring
from mano.medical.access import is_health
from mano.medical.index import MEDICAL_SHARDS, OWNER_SEP
from mano.persons.index import KIND_SEP
from mano.persons.search import Query

LABELS = {"consultation": _("consultation"), "treatment": _("traitement"), "medical_comment": _("commentaire médical")}


def medical_matches(user: User, keyring: Keyring, search: Query) -> dict[str, list[str]]:
    """{person id: ["consultation\\x1e<folded text>", …]} for the texts holding at least one of the words."""
    if not is_health(user, keyring) or not search:
        return {}
    terms = [term for term, _ in search.terms]
    mine = str(user.pk)
    found: dict[str, list[str]] = {}
    for raw in MEDICAL_SHARDS.lines_with(user.member_organisation_id, keyring, terms):
        _link, person_id, *items = raw.split("\t")
        for item in items:
            label, _sep, text = item.partition(KIND_SEP)
            kind, _at, owner = label.partition(OWNER_SEP)
            if (not owner or owner == mine) and any(term in text for term in terms):
                found.setdefault(person_id, []).append(f"{kind}{KIND_SEP}{text}")
    return found
