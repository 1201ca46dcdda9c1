"""Reads of territories and observations (placeholder until the territories pages land: the report's query)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.urls import reverse

from mano.accounts.models import User
from mano.core.crypto import Keyring
from mano.core.records import record_data
from mano.territories.models import Observation


@dataclass(frozen=True)
class ObservationRow:
    observation: Observation
    data: dict[str, Any]
    territory_name: str

    @property
    def moment(self) -> datetime:
        return self.observation.observed_at

    @property
    def url(self) -> str:
        return reverse("territories:detail", args=[self.observation.territory_id])


def observations_between(
    *, user: User, keyring: Keyring, start: datetime, end: datetime, team_ids: list[Any] | None
) -> list[ObservationRow]:
    rows = Observation.objects.filter(
        organisation_id=user.member_organisation_id,
        deleted_at=None,
        territory__deleted_at=None,
        observed_at__gte=start,
        observed_at__lt=end,
    )
    if team_ids is not None:
        rows = rows.filter(team_id__in=team_ids)
    found = list(rows.select_related("territory").order_by("observed_at"))
    return [
        ObservationRow(o, record_data(o, keyring), str(record_data(o.territory, keyring).get("name") or ""))
        for o in found
    ]
