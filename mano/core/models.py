"""Abstract bases shared by every domain table."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from mano.core.audit import AuditEvent  # noqa: F401  (registers the model)
from mano.core.crypto import KeyKind


class OrgScopedModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class EncryptedRecord(OrgScopedModel):
    """A row whose personal content lives only in `payload`, an AAD-bound envelope.

    Write it with `core.records.record_create` / `record_update` (version-checked), read it
    with `core.records.record_data`. `KEY_KIND` says which organisation key protects it.
    """

    KEY_KIND = KeyKind.GENERAL

    payload = models.BinaryField()
    key_version = models.PositiveIntegerField()
    version = models.PositiveIntegerField(default=1)
    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        abstract = True


class ShardRow(models.Model):
    """A row of a `mano.core.shards.ShardStore`: one envelope of an organisation's lines; each store adds its bucket
    (and scope) columns."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    payload = models.BinaryField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class StatShard(ShardRow):
    """One shard of the statistics store (`mano.core.statstore`): for one organisation and one source
    ("persons", "comments", …), the encrypted lines of the keys whose bucket this is. It lives in core, with
    the mechanism that writes it, because every domain app's services write it and core imports none of them.
    Plaintext: organisation, source name, bucket number; nothing else."""

    source = models.CharField(max_length=40)
    bucket = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "source", "bucket"], name="unique_stat_shard"),
        ]
