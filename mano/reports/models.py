"""The daily report ("compte rendu") of a team: what the day shows is computed from the other apps' rows; what is
stored is the handover note ("transmission") and the co-interventions chosen, per team and day."""

from __future__ import annotations

from django.db import models

from mano.core.models import EncryptedRecord


class Report(EncryptedRecord):
    """Payload: note (the handover text), collaborations (names from the organisation's list), history."""

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "date"], name="unique_report_team_date")]
        indexes = [models.Index(fields=["organisation", "date"])]
