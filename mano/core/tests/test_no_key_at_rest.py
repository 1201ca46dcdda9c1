"""No organisation key at rest: after logins, keys exist only in memory; the session row alone opens nothing."""

from __future__ import annotations

import base64
import logging

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory

from mano.core import crypto
from mano.core.crypto import DecryptionError, KeyKind, Keyring
from mano.core.session import KEYS, KEYS_ID, keys_open
from mano.core.tests.leaks import (
    cache_values,
    database_dump,
    encodings,
    leaks,
    session_texts,
    sql_logged,
    stored_values,
)
from mano.persons.services import person_create
from mano.testing import Org, Persona

PAGES = ["/", "/personnes/", "/compte/", "/compte/sessions/", "/organisation/membres/"]


def _organisation_keys(*orgs: Org) -> set[bytes]:
    keys = {key for org in orgs for member in org.members.values() for _, _, key in member.keyring.items()}
    assert len(keys) == 2 * len(orgs), "each organisation has exactly K_general v1 and K_health v1"
    return keys


def _session_secret(client: Client) -> bytes:
    return base64.urlsafe_b64decode(client.cookies[settings.MANO_KEY_COOKIE].value)


def _session(client: Client) -> dict:
    data = SessionStore(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value).load()
    assert data, "no server-side session for this client"
    return data


def _aad(persona: Persona, session: dict) -> str:
    """The session AAD, as mano.core.session builds it (the positive test below proves it matches)."""
    return f"mano/v1|session|{persona.user.pk}|{session[KEYS_ID]}"


@pytest.mark.django_db(transaction=True)
def test_no_organisation_key_in_the_database_dump_sessions_cache_logs_or_pages(org_a, org_b, unlocked_client, caplog):
    """Raw, hex or base64 (any alignment): 0 organisation keys and 0 cookie secrets at rest after logins."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")
    keys = _organisation_keys(org_a, org_b)
    bodies = []
    with sql_logged():
        clients = [unlocked_client(member) for org in (org_a, org_b) for member in org.members.values()]
        bob = org_a["normal"]
        person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Zoë")
        for client in clients:
            for page in PAGES:
                response = client.get(page)
                bodies.append((f"page {page}", response.content + str(response.headers).encode()))
        # Lock then unlock re-seals the keys under a new secret: still nothing stored in clear.
        clients[0].post("/verrouiller/")
        unlocked = clients[0].post("/deverrouiller/", {"password": org_a["admin_health"].password})
        assert unlocked.status_code == 302
    secrets_ = {_session_secret(client) for client in clients}
    assert len(secrets_) == len(clients)
    needles = {needle for key in keys | secrets_ for needle in encodings(key)}

    assert Session.objects.count() == len(clients)
    assert leaks(needles, stored_values()) == []
    assert leaks(needles, [("dump", database_dump())]) == []
    assert leaks(needles, [("session", text) for text in session_texts()]) == []
    assert leaks(needles, [("cache", value) for value in cache_values()]) == []
    log_text = (caplog.text + "".join(str(record.__dict__) for record in caplog.records)).encode()
    assert b"django_session" in log_text, "SQL logging did not run: the log check would prove nothing"
    assert leaks(needles, [("logs", log_text)]) == []
    assert leaks({needle for key in keys for needle in encodings(key)}, bodies) == []


@pytest.mark.django_db
def test_the_session_row_alone_cannot_open_the_keys(bob, unlocked_client):
    """Without the cookie-only secret, the sealed keys in the session are useless; with it, they open."""
    client = unlocked_client(bob)
    session = _session(client)
    sealed, aad = session[KEYS], _aad(bob, session)
    for wrong in (b"", bytes(32), crypto.new_session_secret(), _session_secret(client)[:-1]):
        with pytest.raises(DecryptionError):
            Keyring.open_from_session(sealed, wrong, aad)
    opened = Keyring.open_from_session(sealed, _session_secret(client), aad)
    assert sorted(opened.items()) == sorted(bob.keyring.items())


@pytest.mark.django_db
def test_sealed_keys_copied_to_another_users_session_do_not_open(bob, alice, unlocked_client):
    """The session AAD names the user: bob's sealed keys, even with bob's cookie, do not open as alice's."""
    bobs = unlocked_client(bob)
    session = _session(bobs)
    with pytest.raises(DecryptionError):
        Keyring.open_from_session(session[KEYS], _session_secret(bobs), _aad(alice, session))


@pytest.mark.django_db
def test_keys_open_only_when_the_request_brings_the_key_cookie(bob, unlocked_client):
    """The request path: the session alone gives an empty keyring, the right cookie gives the keys."""
    client = unlocked_client(bob)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value

    def keyring_for(cookie: str | None) -> Keyring:
        request = RequestFactory().get("/")
        request.session = SessionStore(session_key=session_key)
        request.user = bob.user
        if cookie is not None:
            request.COOKIES[settings.MANO_KEY_COOKIE] = cookie
        return keys_open(request)

    assert not keyring_for(None)
    assert not keyring_for("")
    assert not keyring_for(base64.urlsafe_b64encode(crypto.new_session_secret()).decode())
    assert not keyring_for("%%% not base64 %%%")
    keyring = keyring_for(client.cookies[settings.MANO_KEY_COOKIE].value)
    assert keyring.has(KeyKind.GENERAL)
    assert sorted(keyring.items()) == sorted(bob.keyring.items())


@pytest.mark.django_db
def test_a_client_without_the_key_cookie_is_sent_to_the_unlock_page(bob, unlocked_client):
    client = unlocked_client(bob)
    assert client.get("/personnes/").status_code == 200
    del client.cookies[settings.MANO_KEY_COOKIE]
    response = client.get("/personnes/")
    assert response.status_code == 302
    assert response["Location"].startswith("/deverrouiller/")


@pytest.mark.django_db
def test_locking_removes_the_sealed_keys_from_the_session(bob, unlocked_client):
    client = unlocked_client(bob)
    assert KEYS in _session(client)
    assert client.post("/verrouiller/").status_code == 302
    session = _session(client)
    assert KEYS not in session and KEYS_ID not in session
    assert client.get("/personnes/")["Location"].startswith("/deverrouiller/")


@pytest.mark.django_db
def test_logout_deletes_the_session_row(bob, unlocked_client):
    client = unlocked_client(bob)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=session_key).exists()
    client.post("/deconnexion/")
    assert not Session.objects.filter(session_key=session_key).exists()
