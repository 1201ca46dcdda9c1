"""The medical half of the person file, under K_health only.

No row here names its person in clear: `person_link` is an HMAC of the person id under a key derived from
K_health (core.crypto.keyed_link), so a dump tells neither who has a medical file nor how many consultations
they had. Only a health professional's session can compute the link again. The person id itself is in the payload.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mano.core.crypto import KeyKind
from mano.core.models import EncryptedRecord, OrgScopedModel, ShardRow


class HealthRecord(EncryptedRecord):
    KEY_KIND = KeyKind.HEALTH

    person_link = models.CharField(max_length=64)

    class Meta:
        abstract = True


class MedicalFile(HealthRecord):
    """One per person. Payload: person, custom (medical custom field values), history, folders (free document
    folders: [{id, name}])."""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "person_link"], name="unique_medical_file"),
        ]


class Status(models.TextChoices):
    TODO = "todo", _("À faire")
    DONE = "done", _("Faite")
    CANCELLED = "cancelled", _("Annulée")


class Consultation(HealthRecord):
    """Payload: person, type (a consultation type's name), name, custom (the type's field values), history.

    Status and dates stay plaintext (SECURITY.md), so that the agenda finds a day's consultations in SQL."""

    teams = models.ManyToManyField("accounts.Team", related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TODO)
    due_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    agenda_at = models.GeneratedField(
        expression=models.Case(
            models.When(status=Status.TODO, then=models.F("due_at")),
            default=models.F("completed_at"),
        ),
        output_field=models.DateTimeField(null=True),
        db_persist=True,
    )
    # "Visible seulement par moi": other health professionals see a greyed line, never the content.
    only_visible_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "person_link", "deleted_at"]),
            # A day or a week: the range on agenda_at and every column the agenda's placing and its words' digests
            # read (mano.medical.words.day_digests), so that the range is read from the index alone.
            models.Index(
                fields=[
                    *("organisation", "deleted_at", "agenda_at", "status", "due_at", "id", "only_visible_by"),
                    *("version", "updated_at"),
                ],
                name="medical_consultation_day_cover",
            ),
        ]


class Treatment(HealthRecord):
    """Payload: person, name, dosage, frequency, indication, start, end (ISO dates), history."""

    class Meta:
        indexes = [models.Index(fields=["organisation", "person_link", "deleted_at"])]


class MedicalComment(HealthRecord):
    """Payload: person, text, date, subject ({"kind": "file" | "consultation" | "treatment", "id"}), edited.

    `urgent` and `team` are plaintext like a person comment's: the Priorités count of health professionals
    reads them without opening every comment. They say nothing of the person."""

    team = models.ForeignKey("accounts.Team", null=True, on_delete=models.SET_NULL, related_name="+")
    urgent = models.BooleanField(default=False)
    # Copied from its consultation: what is written on a private consultation is private too.
    only_visible_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "person_link", "deleted_at"]),
            models.Index(
                fields=["organisation", "team"],
                condition=models.Q(urgent=True, deleted_at__isnull=True),
                name="medical_comment_urgent",
            ),
        ]


class MedicalDocument(HealthRecord):
    """A file encrypted on disk with its own key, like a person document. Payload: person, name, mime,
    folder ("consultations", "treatments" or a free folder id, or None), subject, file_key."""

    size = models.PositiveIntegerField()
    storage_name = models.CharField(max_length=100, unique=True)
    only_visible_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["organisation", "person_link", "deleted_at"])]


class PendingKind(models.TextChoices):
    MERGE = "merge", _("Fusion")
    DELETE = "delete", _("Suppression")


class PendingHealthChange(OrgScopedModel):
    """A merge or a deletion made without the health key: the health rows of `person_id` follow (moved to
    `into_id`, or deleted) as soon as a health professional's session runs. Every merge and every deletion by a
    non-health member writes one, whether or not the person has health data, so the row itself tells nothing."""

    kind = models.CharField(max_length=10, choices=PendingKind.choices)
    person_id = models.UUIDField()
    into_id = models.UUIDField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "created_at"])]


class MedicalShard(ShardRow):
    """One of an organisation's 64 medical search shards, sealed with K_health: one line per person with health
    rows (keyed link, person id, folded consultation names and types, treatments, medical comments). The bucket
    comes from the keyed link, so even the shard a person falls in says nothing without the key."""

    bucket = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "bucket"], name="unique_medical_shard")]


class ConsultationWordsShard(ShardRow):
    """The folded words of the shared consultations placed on one UTC day (`bucket`: days since 1970-01-01), sealed
    with K_health (see mano.medical.words): the agenda filtered on a text opens a week's few of these instead of
    every consultation and its person's card. Private consultations never have a line here. Plaintext:
    organisation and day only."""

    bucket = models.IntegerField()  # days since 1970-01-01: negative before (dates go back to 1900)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "bucket"], name="unique_consultation_words_shard")
        ]
