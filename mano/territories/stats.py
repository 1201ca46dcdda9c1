"""The observations source of the statistics store (`mano.core.statstore`): the territories' observations, keyed
by the month they were made in (`mano.core.statmonths`), each item `[team id, half-day code, custom values]`
(texts cut: no chart reads a long text). Not per person: an observation names nobody. Registered by
TerritoriesConfig.ready; refreshed by the observation services (`refresh`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from mano.core import statstore
from mano.core.crypto import Keyring
from mano.core.records import payload_data
from mano.core.statlines import half_day
from mano.core.statmonths import month_filter, month_key, month_lines
from mano.territories.models import Observation

SOURCE = "observations"
TEXT_MAX = 200


def _short(value: Any) -> Any:
    return value[:TEXT_MAX] if isinstance(value, str) else value


def _observations(org_id: Any, keyring: Any, keys: set[str] | None) -> dict[str, str]:
    rows = Observation.objects.filter(organisation_id=org_id, deleted_at=None, territory__deleted_at=None)
    where = month_filter("observed_at", keys, moments=True)
    if where is not None:
        rows = rows.filter(where)
    values = rows.order_by().values_list("id", "team_id", "observed_at", "payload")

    def items() -> Iterable[tuple[str, list[Any]]]:
        for pk, team, at, payload in values.iterator(2000):
            data = payload_data(Observation, keyring, row_id=pk, organisation_id=org_id, payload=payload)
            custom = {k: _short(v) for k, v in (data.get("custom") or {}).items() if v not in (None, "", [])}
            yield month_key(at), [str(team or ""), half_day(at), custom]

    return month_lines(items())


def refresh(org_id: Any, keyring: Keyring, moments: Iterable[datetime]) -> None:
    """Recompute the months of these moments (an observation made, moved or deleted)."""
    statstore.refresh(org_id, keyring, {month_key(m) for m in moments}, sources=[SOURCE])


def register() -> None:
    statstore.register(
        statstore.Source(SOURCE, _observations, _("Observations"), "territories_enabled", per_person=False)
    )
