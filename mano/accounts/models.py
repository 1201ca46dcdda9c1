"""Organisations, teams, users, and the sealed key grants that link them."""

from __future__ import annotations

import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.http import Http404
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from mano.medical.vocabulary import default_consultation_types, default_medical_field_groups
from mano.persons.custom_fields import default_active_list_reasons, default_person_field_groups
from mano.reports.vocabulary import default_collaborations
from mano.structures.vocabulary import default_structure_categories
from mano.territories.vocabulary import default_observation_field_groups, default_territory_types


def default_action_categories() -> list[dict[str, object]]:
    return [{"group": "Toutes mes catégories", "items": []}]


def default_services() -> list[dict[str, object]]:
    return [{"group": "Services", "items": []}]


class Organisation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("nom"), max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    recovery_public_key = models.BinaryField(null=True)
    idle_minutes = models.PositiveSmallIntegerField(default=30)
    charter_version = models.PositiveSmallIntegerField(default=1)
    person_field_groups = models.JSONField(default=default_person_field_groups)
    active_list_reasons = models.JSONField(default=default_active_list_reasons)
    passages_enabled = models.BooleanField(_("passages"), default=True)
    rencontres_enabled = models.BooleanField(_("rencontres"), default=True)
    families_enabled = models.BooleanField(_("liens familiaux"), default=True)
    # Grouped lists, see mano.core.grouped: [{"group": title, "items": [names]}].
    action_categories = models.JSONField(default=default_action_categories)
    reception_enabled = models.BooleanField(_("accueil de jour"), default=False)
    services = models.JSONField(default=default_services)
    # Service name -> team ids offering it; a service absent from this map is offered by every team.
    service_teams = models.JSONField(default=dict)
    structure_categories = models.JSONField(default=default_structure_categories)
    # Admins always manage the directory; with this switch every member (not restricted) does too.
    structures_members_edit = models.BooleanField(_("tous les membres gèrent l’annuaire"), default=False)
    # Field sets of the medical half (see mano.persons.fieldsets): the medical file's fields, and the consultation
    # types, each a group with its own fields.
    medical_field_groups = models.JSONField(default=default_medical_field_groups)
    consultation_types = models.JSONField(default=default_consultation_types)
    territories_enabled = models.BooleanField(_("territoires"), default=True)
    # A grouped list (mano.core.grouped), edited like the action categories.
    territory_types = models.JSONField(default=default_territory_types)
    observation_field_groups = models.JSONField(default=default_observation_field_groups)
    # Partners a report can name ("co-interventions"); renaming one rewrites the reports that name it.
    collaborations = models.JSONField(default=default_collaborations)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_keys(self) -> bool:
        return self.recovery_public_key is not None


class OrganisationKey(models.Model):
    """One version of one organisation key, sealed only to the recovery public key."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="keys")
    kind = models.CharField(max_length=10)
    version = models.PositiveIntegerField()
    recovery_sealed = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind", "version"], name="unique_org_key_version")
        ]


class Team(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("nom"), max_length=80)
    night_team = models.BooleanField(_("équipe de nuit"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unique_team_name")]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrateur·rice")
    NORMAL = "normal", _("Normal")
    RESTRICTED = "restricted", _("Accès restreint")
    STATS = "stats", _("Statistiques seulement")
    SUPERADMIN = "superadmin", _("Opérateur de la plateforme")


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=(username or "").strip().lower())


class User(AbstractBaseUser):
    """A member of one organisation (or the platform operator, who has none).

    `password` stays unusable: the Argon2id verifier and the wrapped private key replace it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("adresse e-mail"), unique=True)
    name = models.CharField(_("nom"), max_length=120, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="users"
    )
    role = models.CharField(_("rôle"), max_length=12, choices=Role.choices, default=Role.NORMAL)
    is_health_professional = models.BooleanField(_("professionnel·le de santé"), default=False)
    teams = models.ManyToManyField(Team, blank=True, related_name="members", verbose_name=_("équipes"))
    disabled = models.BooleanField(_("désactivé"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    kdf_salt = models.BinaryField(null=True)
    verifier = models.BinaryField(null=True)
    public_key = models.BinaryField(null=True)
    wrapped_private_key = models.BinaryField(null=True)
    charter_accepted_at = models.DateTimeField(null=True, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    objects = UserManager()

    class Meta:
        ordering = ["name", "email"]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return not self.disabled

    @property
    def member_organisation_id(self) -> uuid.UUID:
        """`organisation_id` of a member, for scoping queries. The platform operator has none: every member
        page already answers it 404 (core.http.member_required), and so does any read scoped through here."""
        if self.organisation_id is None:
            raise Http404
        return self.organisation_id

    @property
    def is_superadmin(self) -> bool:
        return self.role == Role.SUPERADMIN

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def has_password(self) -> bool:
        return self.verifier is not None

    def get_session_auth_hash(self) -> str:
        # Sessions are tied to the verifier: a password change or reset ends all of them.
        material = bytes(self.verifier or b"") + str(self.disabled).encode()
        return salted_hmac("mano.session", material.hex(), algorithm="sha256").hexdigest()


class KeyGrant(models.Model):
    """An organisation key version sealed to one user's public key."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    kind = models.CharField(max_length=10)
    version = models.PositiveIntegerField()
    sealed = models.BinaryField()
    granted_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind", "version"], name="unique_grant")]


class TokenPurpose(models.TextChoices):
    INVITATION = "invitation"
    RESET = "reset"


class AccountToken(models.Model):
    """A single-use link; only the SHA-256 of the token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tokens")
    purpose = models.CharField(max_length=12, choices=TokenPurpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)


class LoginFailure(models.Model):
    email = models.CharField(max_length=254, db_index=True)
    ip = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)


class UserSession(models.Model):
    """Which Django sessions belong to whom, so they can be listed and ended."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now_add=True)
    ip = models.GenericIPAddressField(null=True)
    user_agent = models.CharField(max_length=200, blank=True)

    def __repr__(self) -> str:
        return f"<UserSession {self.pk}>"
