"""The reports source of the statistics store (`mano.core.statstore`): the teams' daily reports, keyed by month
(`mano.core.statmonths`), each item `[team id, ISO day, [co-interventions]]`. Only what statistics count: never
the handover note. Registered by ReportsConfig.ready; refreshed by `report_save` and by a co-intervention rename
(`refresh`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from mano.core import statstore
from mano.core.crypto import Keyring
from mano.core.records import payload_data
from mano.core.statmonths import month_filter, month_key, month_lines
from mano.reports.models import Report

SOURCE = "reports"


def _reports(org_id: Any, keyring: Any, keys: set[str] | None) -> dict[str, str]:
    rows = Report.objects.filter(organisation_id=org_id, deleted_at=None)
    where = month_filter("date", keys, moments=False)
    if where is not None:
        rows = rows.filter(where)
    values = rows.order_by().values_list("id", "team_id", "date", "payload")

    def items() -> Iterable[tuple[str, list[Any]]]:
        for pk, team, day, payload in values.iterator(2000):
            data = payload_data(Report, keyring, row_id=pk, organisation_id=org_id, payload=payload)
            names = sorted({str(n) for n in data.get("collaborations") or [] if n})
            yield month_key(day), [str(team), day.isoformat(), names]

    return month_lines(items())


def refresh(org_id: Any, keyring: Keyring, days: Iterable[date]) -> None:
    statstore.refresh(org_id, keyring, {month_key(d) for d in days}, sources=[SOURCE])


def register() -> None:
    statstore.register(statstore.Source(SOURCE, _reports, _("Comptes rendus"), per_person=False))
