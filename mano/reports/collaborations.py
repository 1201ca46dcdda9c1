"""The co-interventions a report can name, edited with the grouped-list editor of the action categories; renaming
or merging one rewrites every report that names it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Organisation, User
from mano.agenda.categories import GroupedList, RenamePlan, renamed
from mano.core.crypto import Keyring
from mano.core.records import record_data, record_update
from mano.reports import stats
from mano.reports.models import Report
from mano.reports.vocabulary import default_collaborations


def _reports(organisation_id: Any, keyring: Keyring, name: str) -> list[tuple[Report, dict[str, Any]]]:
    rows = Report.objects.filter(organisation_id=organisation_id, deleted_at=None)
    found = [(r, record_data(r, keyring)) for r in rows]
    return [(r, d) for r, d in found if name in (d.get("collaborations") or [])]


def _usage(user: User, keyring: Keyring, name: str) -> int:
    return len(_reports(user.member_organisation_id, keyring, name))


def _rewrite(user: User, keyring: Keyring, organisation: Organisation, plan: RenamePlan) -> int:
    """Rename the co-intervention in every report naming it, each saved with the version it was read at."""
    reports = _reports(organisation.pk, keyring, plan.old)
    for report, data in reports:
        data["collaborations"] = renamed(list(data["collaborations"]), plan.old, plan.new)
        record_update(report, keyring=keyring, user=user, data=data, expected_version=report.version)
    stats.refresh(organisation.pk, keyring, [r.date for r, _ in reports])
    return len(reports)


COLLABORATIONS = GroupedList(
    field="collaborations",
    namespace="collaborations",
    default_group=default_collaborations()[0]["group"],
    title=_("Co-interventions"),
    intro=_(
        "Les partenaires avec qui vos équipes interviennent : chaque compte rendu peut en nommer. Renommer ou "
        "fusionner un partenaire met à jour les comptes rendus qui le nomment."
    ),
    singular=_("transmission"),  # the word is feminine in the shared editor's sentences
    plural=_("transmissions"),
    usage=_usage,
    rewrite=_rewrite,
)
