"""Territories a team watches (a camp, a squat, a station) and what it observes there, naming nobody.

Encrypted with K_general like the rest of the file: where people live rough is sensitive. Plaintext: the territory
an observation belongs to, its team and moment (the daily report finds a day's observations in SQL), archiving."""

from __future__ import annotations

from django.db import models

from mano.core.models import EncryptedRecord


class Territory(EncryptedRecord):
    """Payload: name, types (list), perimeter, description, history."""

    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "deleted_at"])]


class Observation(EncryptedRecord):
    """Payload: custom (the organisation's observation field values), persons (ids of the persons met, each with
    a rencontre), history."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="observations")
    team = models.ForeignKey("accounts.Team", null=True, on_delete=models.SET_NULL, related_name="+")
    observed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["territory", "deleted_at", "-observed_at"]),
            models.Index(fields=["organisation", "deleted_at", "observed_at"]),
        ]
