"""Actions: what must be done, for whom, by which teams. Status and dates stay plaintext for the agenda."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from mano.core.models import EncryptedRecord


class Status(models.TextChoices):
    TODO = "todo", _("À faire")
    DONE = "done", _("Faite")
    CANCELLED = "cancelled", _("Annulée")


class Action(EncryptedRecord):
    """Payload: name, description, categories (list), family (bool), history (list of {at, user, changes})."""

    person = models.ForeignKey("persons.Person", on_delete=models.CASCADE, related_name="actions")
    teams = models.ManyToManyField("accounts.Team", related_name="actions")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TODO)
    due_at = models.DateTimeField()
    with_time = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    urgent = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "deleted_at", "status", "due_at"]),
            models.Index(fields=["organisation", "deleted_at", "completed_at"]),
            models.Index(fields=["person", "deleted_at"]),
            # Partial: the Priorités count on every page reads only the few urgent rows. No literal in the
            # condition: SQLite cannot match a bound parameter (status = ?) against one.
            models.Index(
                fields=["organisation", "status"],
                condition=models.Q(urgent=True, deleted_at__isnull=True),
                name="agenda_action_urgent",
            ),
        ]
