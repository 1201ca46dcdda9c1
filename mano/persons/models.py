"""The person file. Every personal value lives in an encrypted payload; plaintext is ids, teams and timestamps."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from mano.core.models import EncryptedRecord, OrgScopedModel, ShardRow
from mano.core.shards import EnvelopeHead

GENDERS = ["Aucun", "Homme", "Femme", "Homme transgenre", "Femme transgenre", "Non binaire", "Autre"]


class Person(EncryptedRecord):
    """Payload: name, other_names, gender, birth_date, phone, email, description, vulnerable, in_street_since,
    followed_since, custom (dict of custom field values), out_of_active_list (dict team id → {date, reasons}),
    history (list of {at, user, changes | kind})."""

    teams = models.ManyToManyField("accounts.Team", related_name="persons", verbose_name=_("équipes en charge"))
    # A timestamp only (like updated_at): lets the list sort by last interaction in SQL.
    last_interaction_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "deleted_at", "-created_at"]),
            models.Index(fields=["organisation", "deleted_at", "-last_interaction_at"]),
            # Covering index: counting a team's persons never reads the (large) payload rows.
            models.Index(fields=["organisation", "deleted_at", "id"]),
        ]


class PersonIndex(models.Model):
    """The person's `card` (what a list row shows), rebuilt by the services on every write so that a page of
    50 rows opens 50 small envelopes, never whole files. Encrypted with K_general, bound to this row."""

    person = models.OneToOneField(Person, primary_key=True, on_delete=models.CASCADE, related_name="index")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    card = models.BinaryField()
    updated_at = models.DateTimeField(auto_now=True)


class NamesEpoch(models.Model):
    """How many times a person of the organisation took a new name or left (deleted, merged into another file), each
    raising it by one in its own transaction (the row lock orders them). An app that keeps names in lines it cannot
    find again by person (the consultations' day words name their person by a keyed link only) stamps them with it,
    then asks which persons changed since (`NameChange`). Plaintext: a count."""

    organisation = models.OneToOneField(
        "accounts.Organisation", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    version = models.PositiveBigIntegerField(default=0)


class NameChange(models.Model):
    """The names epoch at which the person last took a new name or left. Plaintext: which persons were renamed or
    deleted, and in what order, not their names."""

    person = models.OneToOneField(Person, primary_key=True, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    epoch = models.PositiveBigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["organisation", "epoch"])]


class PersonShard(ShardRow):
    """One of an organisation's 64 search shards: one text line per person (id, teams, sort keys, card and
    folded search text), encrypted as one envelope. Searching or sorting 20,000 persons opens 64 envelopes
    instead of 20,000. Rewritten under a row lock when one of its persons changes."""

    bucket = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "bucket"], name="unique_person_shard")]
        # The shards' stamp (ShardStore.stamp: each envelope's nonce) read from the index, never from the row:
        # a SQLite row puts its later columns after the ~400 KB payload's overflow pages.
        indexes = [models.Index(F("organisation"), F("bucket"), EnvelopeHead("payload"), name="persons_shard_stamp")]


class Comment(EncryptedRecord):
    """Payload: text, urgent, family, date (ISO datetime the comment concerns), edited (list of {by, at})."""

    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    action_id = models.UUIDField(null=True, blank=True)
    team = models.ForeignKey("accounts.Team", null=True, on_delete=models.SET_NULL, related_name="+")
    # Plaintext like an action's: the "Priorités" count on every page cannot decrypt every comment.
    urgent = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["person", "deleted_at", "-created_at"]),
            # The reports' comments of a day or a month, across persons.
            models.Index(fields=["organisation", "deleted_at", "created_at"]),
            models.Index(
                fields=["organisation", "team"],
                condition=models.Q(urgent=True, deleted_at__isnull=True),
                name="persons_comment_urgent",
            ),
            # Partial: most comments have no action, and with the NULLs in it SQLite's statistics say the
            # index is useless, so an action's comments were found by scanning every comment (60 ms at 300,000).
            models.Index(
                fields=["action_id"], condition=models.Q(action_id__isnull=False), name="persons_comment_action"
            ),
        ]


class Passage(EncryptedRecord):
    """A visit to the day centre or team. No person means an anonymous passage. Payload: comment."""

    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="passages")
    team = models.ForeignKey("accounts.Team", null=True, on_delete=models.SET_NULL, related_name="+")
    date = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "deleted_at", "date"]),
            # A person's live rows newest first (the person page reads the ten newest and every id and date): walked
            # in order and stopped, not gathered and sorted (727 passages of a heavy file: 1.9 -> 0.3 ms). Partial:
            # PostgreSQL does not take `deleted_at IS NULL` as fixing an index column, so would still sort.
            models.Index(
                fields=["person", "date", "id"], condition=models.Q(deleted_at=None), name="persons_passage_person_date"
            ),
        ]


class Rencontre(EncryptedRecord):
    """A meeting in the street. Payload: comment."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="rencontres")
    team = models.ForeignKey("accounts.Team", null=True, on_delete=models.SET_NULL, related_name="+")
    date = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "deleted_at", "date"]),
            # A person's live rows newest first (the person page reads the ten newest and every id and date): walked
            # in order and stopped, not gathered and sorted (727 passages of a heavy file: 1.9 -> 0.3 ms). Partial:
            # PostgreSQL does not take `deleted_at IS NULL` as fixing an index column, so would still sort.
            models.Index(
                fields=["person", "date", "id"],
                condition=models.Q(deleted_at=None),
                name="persons_rencontre_person_date",
            ),
        ]


class Place(EncryptedRecord):
    """A place persons frequent, shared by the organisation. Payload: name."""


class PersonPlace(OrgScopedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="place_links")
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="person_links")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "place"], name="unique_person_place")]


class Family(EncryptedRecord):
    """Family links. Payload: members (person ids), relations (list of {id, persons: [a, b], description,
    user, at}). Membership stays encrypted: who is related to whom is personal data."""


class DocumentFolder(EncryptedRecord):
    """Payload: name, parent (folder id or None)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="folders")


class Document(EncryptedRecord):
    """A file encrypted on disk with its own key. Payload: name, mime, folder (id or None), family (bool),
    file_key (base64 key of the file). The storage name is random and says nothing."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    size = models.PositiveIntegerField()
    storage_name = models.CharField(max_length=100, unique=True)
