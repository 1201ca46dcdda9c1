"""Append-only audit trail of security events. Never holds personal data in clear."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN_SUCCESS = "login_success", _("Connexion réussie")
    LOGIN_FAILURE = "login_failure", _("Échec de connexion")
    LOCKOUT = "lockout", _("Compte ou adresse bloqué")
    LOGOUT = "logout", _("Déconnexion")
    SESSION_ENDED = "session_ended", _("Session terminée")
    LOCK = "lock", _("Session verrouillée")
    UNLOCK = "unlock", _("Session déverrouillée")
    PASSWORD_CHANGE = "password_change", _("Mot de passe modifié")
    PASSWORD_RESET_REQUEST = "password_reset_request", _("Demande de réinitialisation")
    PASSWORD_RESET = "password_reset", _("Mot de passe réinitialisé")
    INVITATION = "invitation", _("Invitation envoyée")
    ACTIVATION = "activation", _("Compte activé")
    CHARTER_ACCEPTED = "charter_accepted", _("Charte acceptée")
    ROLE_CHANGE = "role_change", _("Rôle ou équipes modifiés")
    GRANT = "grant", _("Accès accordé")
    REVOKE = "revoke", _("Accès retiré")
    RECOVERY_USE = "recovery_use", _("Code de récupération utilisé")
    ORGANISATION_CREATE = "organisation_create", _("Organisation créée")
    ORGANISATION_KEYS = "organisation_keys", _("Clés de l'organisation créées")
    TEAM_CHANGE = "team_change", _("Équipe créée ou modifiée")
    SETTINGS_CHANGE = "settings_change", _("Réglages modifiés")
    DECRYPTION_FAILURE = "decryption_failure", _("Échec de déchiffrement")
    PERSON_CREATE = "person_create", _("Personne créée")
    PERSON_UPDATE = "person_update", _("Personne modifiée")
    PERSON_DELETE = "person_delete", _("Personne supprimée")
    RECORD_DELETE = "record_delete", _("Élément du dossier supprimé")
    DOCUMENT_DELETE = "document_delete", _("Document supprimé")
    PERSON_MERGE = "person_merge", _("Dossiers fusionnés")
    PLACE_DELETE = "place_delete", _("Lieu supprimé")
    ACTION_CREATE = "action_create", _("Action créée")
    ACTION_UPDATE = "action_update", _("Action modifiée")
    ACTION_CATEGORY_RENAME = "action_category_rename", _("Catégorie d’action renommée ou fusionnée")
    EXPORT = "export", _("Export")
    IMPORT = "import", _("Import")
    MEDICAL_OPEN = "medical_open", _("Dossier médical ouvert")
    STRUCTURE_CHANGE = "structure_change", _("Structure ajoutée ou modifiée")
    STRUCTURE_DELETE = "structure_delete", _("Structure supprimée")
    REFERRAL_CREATE = "referral_create", _("Orientation enregistrée")


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    """No bulk path around the append-only rule either."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events cannot be deleted")


class AuditEvent(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", null=True, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    ip = models.GenericIPAddressField(null=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation", "-at"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events cannot be deleted")


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit(
    action: AuditAction,
    *,
    organisation: Any = None,
    actor: Any = None,
    request: HttpRequest | None = None,
    obj: Any = None,
    **detail: str | int | bool,
) -> AuditEvent:
    """Record one security event. `detail` takes ids and flags only, never personal text."""
    return AuditEvent.objects.create(
        organisation=organisation,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        ip=client_ip(request),
        detail=detail,
    )
