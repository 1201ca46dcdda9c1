"""Login, lockout, session limits, lock/unlock and cookie flags."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from mano.core import crypto
from mano.core.audit import AuditAction, AuditEvent
from mano.persons.services import person_create
from mano.testing import PASSWORD, login_client

pytestmark = pytest.mark.django_db


def _login(client: Client, email: str, password: str):
    return client.post("/connexion/", {"email": email, "password": password})


def test_wrong_password_and_unknown_email_get_the_same_message(bob, monkeypatch):
    calls = []
    real = crypto.derive_login_secrets
    monkeypatch.setattr(crypto, "derive_login_secrets", lambda p, s: calls.append(1) or real(p, s))
    wrong = _login(Client(), bob.user.email, "not the password at all")
    unknown = _login(Client(), "nobody@nowhere.test", "not the password at all")
    assert wrong.status_code == unknown.status_code == 200
    assertContains(wrong, "E-mail ou mot de passe incorrect.")
    assertContains(unknown, "E-mail ou mot de passe incorrect.")
    # Same work on both paths: one Argon2id each, so timing does not reveal accounts.
    assert len(calls) == 2


def test_the_eleventh_attempt_is_refused_even_with_the_right_password(bob):
    client = Client()
    for _ in range(settings.MANO_LOCKOUT_FAILURES):
        _login(client, bob.user.email, "wrong password here")
    response = _login(client, bob.user.email, PASSWORD)
    assertContains(response, "Trop de tentatives")
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.LOCKOUT, actor=bob.user).exists()


def test_lockout_ends_after_fifteen_minutes(bob):
    client = Client()
    for _ in range(settings.MANO_LOCKOUT_FAILURES):
        _login(client, bob.user.email, "wrong password here")
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert _login(client, bob.user.email, PASSWORD).status_code == 302


def test_lockout_is_also_per_ip(bob, alice):
    client = Client()
    for i in range(50):
        _login(client, f"nobody{i}@nowhere.test", "wrong password here")
    assertContains(_login(client, alice.user.email, PASSWORD), "Trop de tentatives")


def test_cookies_carry_the_production_flags(bob):
    client = Client()
    response = _login(client, bob.user.email, PASSWORD)
    key_cookie = response.cookies[settings.MANO_KEY_COOKIE]
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert settings.MANO_KEY_COOKIE.startswith("__Host-")
    assert key_cookie["httponly"] and key_cookie["secure"] and key_cookie["samesite"] == "Strict"
    assert key_cookie["path"] == "/"
    assert session_cookie["httponly"] and session_cookie["secure"]


def test_idle_for_31_minutes_goes_back_to_login_without_keys(bob):
    client = login_client(bob)
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = client.get("/personnes/")
        assert response.status_code == 302 and response["Location"] == "/connexion/"
        assert client.get("/").status_code == 302
    assert "mano_keys" not in client.session


def test_activity_keeps_the_session_alive(bob):
    client = login_client(bob)
    start = timezone.now()
    for minutes in (20, 40, 60):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert client.get("/personnes/").status_code == 200


def test_a_session_ends_after_twelve_hours_even_when_active(bob):
    client = login_client(bob)
    start = timezone.now()
    for minutes in range(25, 12 * 60, 25):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=1)):
        assert client.get("/").status_code == 302


def test_lock_hides_personal_data_until_the_password_is_typed(bob, org_a):
    person = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Éloïse Dupont")
    client = login_client(bob)
    assert client.post("/verrouiller/").status_code == 302
    response = client.get(f"/personnes/{person.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/deverrouiller/")
    page = client.get(response["Location"])
    assertNotContains(page, "Éloïse")
    wrong = client.post(response["Location"], {"password": "wrong password here"})
    assertContains(wrong, "E-mail ou mot de passe incorrect.")
    unlocked = client.post(response["Location"], {"password": PASSWORD}, follow=True)
    assertContains(unlocked, "Éloïse Dupont")


def test_logout_ends_the_session_on_the_server(bob):
    client = login_client(bob)
    key = client.session.session_key
    client.post("/deconnexion/")
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/personnes/").status_code == 302


def test_the_session_cookie_alone_does_not_open_the_keys(bob):
    client = login_client(bob)
    client.cookies.pop(settings.MANO_KEY_COOKIE)
    response = client.get("/personnes/")
    assert response.status_code == 302 and response["Location"].startswith("/deverrouiller/")


def test_pages_are_not_cached(bob):
    client = login_client(bob)
    assert client.get("/personnes/")["Cache-Control"] == "no-store"


def test_the_charter_comes_first(org_a):
    from mano.accounts.services.bootstrap import member_add_active

    newcomer = member_add_active(
        admin=org_a["admin_health"],
        email="new@a.test",
        name="Nouveau",
        role="normal",
        password=PASSWORD,
        teams=[org_a.day],
        charter=False,
    )
    client = login_client(newcomer)
    assert client.get("/personnes/")["Location"] == "/charte/"
    charter = client.get("/charte/").content.decode()
    # No navigation, and no htmx fetch that would come back as a second copy of this page.
    assert "hx-get" not in charter and "/personnes/" not in charter
    badge = client.get("/agenda/priorites/compte/", headers={"HX-Request": "true"})
    assert (badge.status_code, badge["HX-Redirect"]) == (204, "/charte/")
    client.post("/charte/")
    assert client.get("/personnes/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.CHARTER_ACCEPTED, actor=newcomer.user).exists()


def test_a_user_sees_and_ends_another_session(bob):
    phone, desk = login_client(bob), login_client(bob)
    page = desk.get("/compte/sessions/")
    phone_row = bob.user.sessions.get(session_key=phone.session.session_key)
    assertContains(page, "Cette session")
    desk.post(f"/compte/sessions/{phone_row.pk}/fermer/")
    assert phone.get("/").status_code == 302
    assert desk.get("/").status_code == 200


def test_password_change_ends_other_sessions_and_keeps_the_keys(bob):
    phone, desk = login_client(bob), login_client(bob)
    new = "a brand new long passphrase"
    response = desk.post("/compte/mot-de-passe/", {"current": PASSWORD, "password": new, "password_again": new})
    assert response.status_code == 302
    assert phone.get("/").status_code == 302
    assert desk.get("/personnes/").status_code == 200
    assert _login(Client(), bob.user.email, PASSWORD).status_code == 200
    fresh = Client()
    assert _login(fresh, bob.user.email, new).status_code == 302
    assert fresh.get("/personnes/").status_code == 200


def test_password_change_refuses_a_wrong_current_password(bob):
    client = login_client(bob)
    new = "a brand new long passphrase"
    response = client.post(
        "/compte/mot-de-passe/", {"current": "nope nope nope", "password": new, "password_again": new}
    )
    assertContains(response, "Mot de passe incorrect.")
    assert _login(Client(), bob.user.email, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [("short", "trop court"), ("password1234", "trop courant"), ("x" * 129, "129")],
)
def test_weak_new_passwords_are_refused_with_a_reason(bob, password, message):
    client = login_client(bob)
    response = client.post(
        "/compte/mot-de-passe/", {"current": PASSWORD, "password": password, "password_again": password}
    )
    assert response.status_code == 200
    assertContains(response, message)
