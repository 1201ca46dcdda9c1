"""Invitation → password → waiting → admin grant; reset; recovery; health key rules."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains

from mano.accounts.models import KeyGrant, Organisation, User
from mano.accounts.services.bootstrap import superadmin_create
from mano.core.audit import AuditAction, AuditEvent
from mano.core.crypto import KeyKind
from mano.persons.services import person_create
from mano.testing import PASSWORD, login_client

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "une phrase de passe assez longue"


def _link(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+/)", message.body)
    assert match
    return match.group(1)


def _invite(client: Client, org, *, email: str, health: bool, captured) -> str:
    data = {"email": email, "name": "Nina Nouvelle", "role": "normal", "teams": [str(org.day.pk)]}
    if health:
        data["is_health_professional"] = "on"
    with captured(execute=True):
        response = client.post("/organisation/membres/inviter/", data)
    assert response.status_code == 302
    return _link(mail.outbox[-1])


def _activate(link: str) -> Client:
    client = Client()
    response = client.post(link, {"name": "Nina", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 302
    return client


def test_an_invited_member_waits_for_an_admin_then_reads(
    org_a, alice, unlocked_client, django_capture_on_commit_callbacks
):
    person_create(user=alice.user, keyring=alice.keyring, teams=[org_a.day], name="Karim Benali")
    admin = unlocked_client(alice)
    link = _invite(admin, org_a, email="nina@a.test", health=False, captured=django_capture_on_commit_callbacks)
    assert "72 heures" in mail.outbox[-1].body
    newcomer = _activate(link)
    newcomer.post("/charte/")
    assert newcomer.get("/personnes/")["Location"].startswith("/deverrouiller/")
    assert newcomer.get("/deverrouiller/")["Location"] == "/en-attente/"
    nina = User.objects.get(email="nina@a.test")
    assertContains(admin.get(f"/organisation/membres/{nina.pk}/"), "Donner l’accès")
    admin.post(f"/organisation/membres/{nina.pk}/acces/")
    fresh = Client()
    fresh.post("/connexion/", {"email": "nina@a.test", "password": NEW_PASSWORD})
    assertContains(fresh.get("/personnes/?tout=1"), "Karim Benali")


def test_an_invitation_link_works_once(org_a, alice, unlocked_client, django_capture_on_commit_callbacks):
    link = _invite(
        unlocked_client(alice), org_a, email="once@a.test", health=False, captured=django_capture_on_commit_callbacks
    )
    _activate(link)
    assertContains(Client().get(link), "n’est pas valide ou a expiré", status_code=410)


def test_an_invitation_link_expires_after_72_hours(org_a, alice, unlocked_client, django_capture_on_commit_callbacks):
    link = _invite(
        unlocked_client(alice), org_a, email="late@a.test", health=False, captured=django_capture_on_commit_callbacks
    )
    with time_machine.travel(timezone.now() + timedelta(hours=73)):
        assert Client().get(link).status_code == 410


def test_the_health_key_comes_only_from_a_health_professional(
    org_a, unlocked_client, django_capture_on_commit_callbacks
):
    plain_admin = unlocked_client(org_a["admin"])
    _activate(
        _invite(plain_admin, org_a, email="nurse@a.test", health=True, captured=django_capture_on_commit_callbacks)
    )
    nurse = User.objects.get(email="nurse@a.test")
    plain_admin.post(f"/organisation/membres/{nurse.pk}/acces/")
    assert set(KeyGrant.objects.filter(user=nurse).values_list("kind", flat=True)) == {KeyKind.GENERAL}
    health_admin = unlocked_client(org_a["admin_health"])
    health_admin.post(f"/organisation/membres/{nurse.pk}/acces/")
    assert set(KeyGrant.objects.filter(user=nurse).values_list("kind", flat=True)) == {KeyKind.GENERAL, KeyKind.HEALTH}


def test_non_health_members_hold_no_health_key(org_a):
    for key in ("admin", "normal", "restricted", "stats"):
        assert not org_a[key].keyring.has(KeyKind.HEALTH)
    for key in ("admin_health", "normal_health"):
        assert org_a[key].keyring.has(KeyKind.HEALTH)


def test_removing_the_health_flag_deletes_the_health_grant_and_sessions(org_a, alice, unlocked_client):
    nurse = org_a["normal_health"]
    nurse_client = login_client(nurse)
    admin = unlocked_client(alice)
    admin.post(
        f"/organisation/membres/{nurse.user.pk}/",
        {"name": "Infirmière", "role": "normal", "teams": [str(org_a.day.pk)]},
    )
    assert not KeyGrant.objects.filter(user=nurse.user, kind=KeyKind.HEALTH).exists()
    assert nurse_client.get("/").status_code == 302


def test_disabling_a_member_removes_every_grant_and_blocks_login(org_a, alice, bob, unlocked_client):
    admin = unlocked_client(alice)
    admin.post(
        f"/organisation/membres/{bob.user.pk}/",
        {"name": "Bob", "role": "normal", "teams": [str(org_a.day.pk)], "disabled": "on"},
    )
    assert not KeyGrant.objects.filter(user=bob.user).exists()
    response = Client().post("/connexion/", {"email": bob.user.email, "password": PASSWORD})
    assertContains(response, "E-mail ou mot de passe incorrect.")


def test_the_last_admin_cannot_demote_themself(org_a, unlocked_client):
    org_a["admin"].user.disabled = True
    org_a["admin"].user.save()
    alice = org_a["admin_health"]
    response = unlocked_client(alice).post(
        f"/organisation/membres/{alice.user.pk}/", {"name": "Alice", "role": "normal", "teams": [str(org_a.day.pk)]}
    )
    assertContains(response, "au moins un·e administrateur·rice")
    alice.user.refresh_from_db()
    assert alice.user.role == "admin"


def test_an_invitation_needs_a_team_and_a_new_email(org_a, alice, unlocked_client):
    admin = unlocked_client(alice)
    response = admin.post("/organisation/membres/inviter/", {"email": alice.user.email, "name": "X", "role": "normal"})
    assertContains(response, "Choisissez au moins une équipe.")
    response = admin.post(
        "/organisation/membres/inviter/",
        {"email": alice.user.email, "name": "X", "role": "normal", "teams": [str(org_a.day.pk)]},
    )
    assertContains(response, "Un compte existe déjà avec cette adresse e-mail.")
    assert User.objects.filter(organisation=org_a.organisation).count() == 6


def test_forgotten_password_resets_keys_and_waits_for_an_admin(
    bob, alice, unlocked_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/mot-de-passe-oublie/", {"email": bob.user.email})
    assertContains(response, "Si cette adresse correspond")
    link = _link(mail.outbox[-1])
    other = Client().post("/mot-de-passe-oublie/", {"email": "nobody@nowhere.test"})
    assert other.content == response.content
    assert Client().post(link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}).status_code == 302
    assert not KeyGrant.objects.filter(user=bob.user).exists()
    assert Client().get(link).status_code == 410
    client = Client()
    client.post("/connexion/", {"email": bob.user.email, "password": NEW_PASSWORD})
    assert client.get("/")["Location"] == "/en-attente/"
    unlocked_client(alice).post(f"/organisation/membres/{bob.user.pk}/acces/")
    fresh = Client()
    fresh.post("/connexion/", {"email": bob.user.email, "password": NEW_PASSWORD})
    assert fresh.get("/personnes/").status_code == 200


def test_a_reset_link_expires_after_one_hour(bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/mot-de-passe-oublie/", {"email": bob.user.email})
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert Client().get(_link(mail.outbox[-1])).status_code == 410


def test_the_recovery_code_reopens_the_keys_and_is_audited(db, django_capture_on_commit_callbacks):
    from mano.accounts.services.bootstrap import organisation_bootstrap

    first, code = organisation_bootstrap(name="Org R", admin_email="r@r.test", admin_name="R", password=PASSWORD)
    client = Client()
    client.post("/connexion/", {"email": "r@r.test", "password": PASSWORD})
    client.post("/charte/")
    client.post("/verrouiller/")
    wrong = client.post("/organisation/recuperation/", {"code": "AAAA-BBBB"})
    assertContains(wrong, "ne correspond pas")
    right = client.post("/organisation/recuperation/", {"code": code.lower().replace("-", " ")})
    assert right.status_code == 302
    assert client.get("/organisation/membres/").status_code == 200
    uses = AuditEvent.objects.filter(action=AuditAction.RECOVERY_USE).values_list("detail", flat=True)
    assert sorted(d["success"] for d in uses) == [False, True]


def test_the_operator_creates_an_organisation_without_ever_holding_a_key(db, django_capture_on_commit_callbacks):
    superadmin_create(email="op@platform.test", name="Op", password=PASSWORD)
    operator = Client()
    operator.post("/connexion/", {"email": "op@platform.test", "password": PASSWORD})
    with django_capture_on_commit_callbacks(execute=True):
        response = operator.post(
            "/plateforme/nouvelle/", {"name": "Maraude Sud", "admin_name": "Sam", "admin_email": "sam@sud.test"}
        )
    assertContains(response, "Maraude Sud")
    organisation = Organisation.objects.get(name="Maraude Sud")
    assert not organisation.has_keys and not organisation.keys.exists()
    assert operator.get("/personnes/").status_code == 404
    admin = Client()
    page = admin.post(_link(mail.outbox[-1]), {"name": "Sam", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assertContains(page, "Votre code de récupération")
    organisation.refresh_from_db()
    assert organisation.keys.count() == 2
    assert KeyGrant.objects.filter(user__email="sam@sud.test").count() >= 1
    assert not KeyGrant.objects.filter(user__email="op@platform.test").exists()
    listing = operator.get("/plateforme/")
    assertContains(listing, "Maraude Sud")
