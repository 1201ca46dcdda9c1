"""Actions: what must be done, for whom, by which teams. Status and dates stay plaintext for the agenda."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from mano.core.models import EncryptedRecord, ShardRow


class Status(models.TextChoices):
    TODO = "todo", _("À faire")
    DONE = "done", _("Faite")
    CANCELLED = "cancelled", _("Annulée")


class Action(EncryptedRecord):
    """Payload: name, description, categories (list), family (bool), history (list of {at, user, changes}),
    recurrence (the rule, on recurring occurrences)."""

    person = models.ForeignKey("persons.Person", on_delete=models.CASCADE, related_name="actions")
    teams = models.ManyToManyField("accounts.Team", related_name="actions")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TODO)
    due_at = models.DateTimeField()
    with_time = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    urgent = models.BooleanField(default=False)
    # The moment that places the action in the agenda: done or cancelled date, else due date. Computed by the
    # database so that a day or a week is one indexed range whatever the statuses asked.
    agenda_at = models.GeneratedField(
        expression=models.Case(
            models.When(status=Status.TODO, then=models.F("due_at")),
            default=models.F("completed_at"),
        ),
        output_field=models.DateTimeField(null=True),
        db_persist=True,
    )
    # Occurrences of one recurring action share this id (the rule itself is in the payload, "recurrence").
    recurrence_id = models.UUIDField(null=True, blank=True, db_index=True)
    # Raised when the action's words change outside its row (a comment on it written, its person renamed; see
    # mano.agenda.words), without `version`: an open edit form of the action stays valid.
    words_version = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "deleted_at", "status", "due_at"]),
            models.Index(fields=["organisation", "deleted_at", "completed_at"]),
            # A day or a week: the range on agenda_at, and every column its counts, order and text window read
            # besides the payload (the versions and write time stamp the words of mano.agenda.words), so that
            # SQLite and PostgreSQL read and sort the range from the index alone.
            models.Index(
                fields=[
                    *("organisation", "deleted_at", "agenda_at", "status", "urgent", "due_at", "id", "person"),
                    *("version", "words_version", "updated_at"),
                ],
                name="agenda_action_day_cover",
            ),
            # The reports' "actions créées" of a day or a month.
            models.Index(fields=["organisation", "deleted_at", "created_at"]),
            models.Index(fields=["person", "deleted_at"]),
            # Partial: the Priorités count on every page reads only the few urgent rows. No literal in the
            # condition: SQLite cannot match a bound parameter (status = ?) against one.
            models.Index(
                fields=["organisation", "status"],
                condition=models.Q(urgent=True, deleted_at__isnull=True),
                name="agenda_action_urgent",
            ),
        ]


class ServiceCount(models.Model):
    """How many times a reception service was given by a team on a day. Counts only, no person."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    service = models.CharField(max_length=120)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "date", "service"], name="unique_service_count"),
        ]
        indexes = [models.Index(fields=["organisation", "date"])]


class ActionWordsShard(ShardRow):
    """The folded words of the actions placed on one UTC day (`bucket`: days since 1970-01-01), as one envelope of
    lines (see mano.agenda.words): a day or week filtered on a text opens a few of these instead of every action,
    its person's card and its comments. Written by the filter itself for the rows it had to open; each line
    carries the versions it was made from, so a line older than its action, person or comments is never used."""

    bucket = models.IntegerField()  # days since 1970-01-01: negative before (dates go back to 1900)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "bucket"], name="unique_action_words_shard")]
