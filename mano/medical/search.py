"""The persons search, for health professionals, also looks inside the medical half: consultation names and types,
treatment names, medical comments ("trouvé dans : consultation"). Rows are opened in memory, never indexed in
clear; a colleague's private consultation is not searched."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import User
from mano.core.crypto import Keyring
from mano.core.records import payload_data
from mano.medical.access import is_health
from mano.medical.models import Consultation, MedicalComment, Treatment
from mano.persons.index import KIND_SEP
from mano.persons.search import Query
from mano.persons.text import fold

LABELS = {"consultation": _("consultation"), "treatment": _("traitement"), "medical_comment": _("commentaire médical")}
SCAN_CHUNK = 2000


def _texts(model: Any, user: User, keyring: Keyring, keys: tuple[str, ...], extra: Q | None = None) -> Any:
    rows = model.objects.filter(organisation_id=user.member_organisation_id, deleted_at=None)
    if extra is not None:
        rows = rows.filter(extra)
    for row_id, org_id, payload in rows.values_list("id", "organisation_id", "payload").iterator(SCAN_CHUNK):
        data = payload_data(model, keyring, row_id=row_id, organisation_id=org_id, payload=payload)
        yield str(data.get("person") or ""), fold(" ".join(str(data.get(k) or "") for k in keys))


def medical_matches(user: User, keyring: Keyring, search: Query) -> dict[str, list[str]]:
    """{person id: ["consultation\\x1e<folded text>", …]} for the health rows holding at least one of the words."""
    if not is_health(user, keyring) or not search:
        return {}
    terms = [term for term, _ in search.terms]
    visible = Q(only_visible_by=None) | Q(only_visible_by=user)
    sources = [
        ("consultation", _texts(Consultation, user, keyring, ("name", "type"), visible)),
        ("treatment", _texts(Treatment, user, keyring, ("name", "indication"))),
        ("medical_comment", _texts(MedicalComment, user, keyring, ("text",))),
    ]
    found: dict[str, list[str]] = {}
    for kind, texts in sources:
        for person_id, text in texts:
            if person_id and any(term in text for term in terms):
                found.setdefault(person_id, []).append(f"{kind}{KIND_SEP}{text}")
    return found
