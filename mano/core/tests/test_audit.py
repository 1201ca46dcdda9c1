"""The audit trail is append-only and records security events without personal data or secrets."""

from __future__ import annotations

from uuid import uuid4

import pytest
from django.test import Client

from mano.core.audit import AppendOnlyError, AuditAction, AuditEvent, audit

pytestmark = pytest.mark.django_db


def test_an_audit_event_cannot_be_changed(bob):
    """save() on a stored event raises; the row keeps its original content."""
    event = audit(AuditAction.LOGIN_SUCCESS, organisation=bob.user.organisation, actor=bob.user)
    event.detail = {"forged": True}
    with pytest.raises(AppendOnlyError):
        event.save()
    fetched = AuditEvent.objects.get(pk=event.pk)
    fetched.action = AuditAction.LOGOUT
    with pytest.raises(AppendOnlyError):
        fetched.save(update_fields=["action"])
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == AuditAction.LOGIN_SUCCESS and stored.detail == {}


def test_an_audit_event_cannot_be_deleted(bob):
    event = audit(AuditAction.LOGIN_SUCCESS, organisation=bob.user.organisation, actor=bob.user)
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.get(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_new_events_can_still_be_added(bob):
    before = AuditEvent.objects.count()
    audit(AuditAction.LOCK, organisation=bob.user.organisation, actor=bob.user)
    AuditEvent(action=AuditAction.LOGOUT).save()
    assert AuditEvent.objects.count() == before + 2


def _post(client: Client, url: str, data: dict | None = None, status: int = 302) -> None:
    response = client.post(url, data or {})
    assert response.status_code == status, response.content[:1000]


def test_login_failure_success_lock_unlock_and_logout_are_audited_without_personal_data(org_a):
    """Each security event leaves one row naming who and when; no canary, password or typed e-mail in it."""
    bob = org_a["normal"]
    start = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    canary_password = f"CANARY-{uuid4()}"
    unknown_email = f"canary-{uuid4()}@nowhere.test"
    client = Client(REMOTE_ADDR="203.0.113.7")

    _post(client, "/connexion/", {"email": bob.user.email, "password": canary_password}, status=200)
    _post(client, "/connexion/", {"email": unknown_email, "password": canary_password}, status=200)
    _post(client, "/connexion/", {"email": bob.user.email, "password": bob.password})
    _post(client, "/personnes/nouvelle/", {"name": f"CANARY-{uuid4()}", "teams": [str(org_a.day.pk)]})
    _post(client, "/verrouiller/")
    _post(client, "/deverrouiller/", {"password": bob.password})
    _post(client, "/deconnexion/")

    events = list(AuditEvent.objects.filter(id__gt=start).order_by("id"))
    assert [e.action for e in events] == [
        AuditAction.LOGIN_FAILURE,
        AuditAction.LOGIN_FAILURE,
        AuditAction.LOGIN_SUCCESS,
        AuditAction.PERSON_CREATE,
        AuditAction.LOCK,
        AuditAction.LOGIN_SUCCESS,  # unlocking checks the password through the login service
        AuditAction.UNLOCK,
        AuditAction.LOGOUT,
    ]
    unknown = events[1]
    assert unknown.actor_id is None and unknown.organisation_id is None
    for event in events:
        if event is not unknown:
            assert event.actor_id == bob.user.pk
            assert event.organisation_id == org_a.organisation.pk
        assert event.ip == "203.0.113.7"
        assert all(isinstance(value, str | int | bool) for value in event.detail.values())
        stored = " ".join(str(value) for value in AuditEvent.objects.filter(pk=event.pk).values().first().values())
        assert "canary" not in stored.lower(), event.action
        assert bob.password not in stored
        assert "nowhere.test" not in stored


def test_a_lockout_is_audited_without_the_typed_password(bob, settings):
    client = Client()
    canary_password = f"CANARY-{uuid4()}"
    for _ in range(settings.MANO_LOCKOUT_FAILURES + 1):
        client.post("/connexion/", {"email": bob.user.email, "password": canary_password})
    lockouts = AuditEvent.objects.filter(action=AuditAction.LOCKOUT, actor=bob.user)
    assert lockouts.count() == 1
    for row in AuditEvent.objects.values():
        assert "canary" not in " ".join(str(value) for value in row.values()).lower()


def test_bulk_update_and_delete_cannot_rewrite_the_audit_trail(bob):
    """The queryset path must be as append-only as the instance path."""
    event = audit(AuditAction.LOGIN_SUCCESS, organisation=bob.user.organisation, actor=bob.user)
    for rewrite in (
        lambda: AuditEvent.objects.filter(pk=event.pk).update(action=AuditAction.LOGOUT),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
    ):
        try:
            rewrite()
        except AppendOnlyError:
            continue
        raise AssertionError("the audit trail was rewritten through a queryset")
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.LOGIN_SUCCESS
