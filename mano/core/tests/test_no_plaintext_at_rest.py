"""The canary test: personal data reaches the database, its dump, the sessions, the cache and the logs only encrypted.

Every personal field holds a `CANARY-<uuid>`; persons are created through the HTTP views (middleware, forms,
views, services) and through the service directly, then edited. Transactional, so `pg_dump` sees the rows.
"""

from __future__ import annotations

import logging
from datetime import date
from uuid import uuid4

import pytest
from django.db import connection
from django.template import engines
from django.test import Client

from mano.core.records import record_data
from mano.core.tests.leaks import (
    cache_values,
    database_dump,
    encodings,
    files_under,
    leaks,
    session_texts,
    sql_logged,
    stored_values,
)
from mano.persons.models import Person
from mano.persons.services import person_create, person_update
from mano.testing import Org

# Transactional only where pg_dump must see committed rows.
transactional = pytest.mark.django_db(transaction=True)


class Canaries:
    def __init__(self) -> None:
        self.all: list[str] = []

    def new(self) -> str:
        value = f"CANARY-{uuid4()}"
        self.all.append(value)
        return value

    def short(self) -> str:
        """For fields limited to 40 characters (phone): the uuid without dashes."""
        value = f"CANARY-{uuid4().hex}"
        self.all.append(value)
        return value

    def needles(self) -> set[bytes]:
        return {needle for value in self.all for needle in encodings(value.encode())}


def _form(canaries: Canaries, org: Org) -> dict[str, object]:
    return {
        "name": canaries.new(),
        "other_names": canaries.new(),
        "gender": "Autre",  # a choice, not free text
        "birth_date": "1980-02-29",
        "phone": canaries.short(),
        "email": f"{canaries.short()}@canary.test",
        "description": f"{canaries.new()}\n{canaries.new()} é 🌍",
        "in_street_since": "2020-01-01",
        "followed_since": "2021-06-15",
        "vulnerable": "on",
        "teams": [str(org.day.pk)],
    }


def _service_fields(canaries: Canaries) -> dict[str, object]:
    return {
        "name": canaries.new(),
        "other_names": canaries.new(),
        "gender": canaries.new(),
        "birth_date": date(1975, 5, 17),
        "phone": canaries.new(),
        "email": canaries.new(),
        "description": canaries.new(),
        "vulnerable": True,
        "in_street_since": date(2019, 3, 1),
        "followed_since": date(2022, 11, 30),
    }


def _seed(org: Org, unlocked_client, canaries: Canaries) -> tuple[Client, list[Person]]:
    """Three persons through HTTP, two through the service, one HTTP edit and one service edit."""
    bob, alice = org["normal"], org["admin_health"]
    client = unlocked_client(bob)
    for _ in range(3):
        response = client.post("/personnes/nouvelle/", _form(canaries, org))
        assert response.status_code == 302, response.content[:2000]
    for member in (alice, org["normal_health"]):
        person_create(
            user=member.user,
            keyring=member.keyring,
            teams=[org.day, org.night],
            custom={"note": canaries.new()},
            **_service_fields(canaries),
        )
    persons = list(Person.objects.order_by("created_at"))
    edited = persons[0]
    edit = {**_form(canaries, org), "version": str(edited.version)}
    response = client.post(f"/personnes/{edited.pk}/modifier/", edit)
    assert response.status_code == 302, response.content[:2000]
    other = Person.objects.get(pk=persons[-1].pk)
    person_update(
        user=alice.user,
        keyring=alice.keyring,
        person=other,
        expected_version=other.version,
        teams=[org.night],
        **_service_fields(canaries),
    )
    return client, list(Person.objects.order_by("created_at"))


def _check_seeded(org: Org, persons: list[Person], canaries: Canaries) -> None:
    """Positive control: the canaries are really in the database, encrypted (they decrypt back)."""
    assert len(persons) == 5
    for person in persons:
        data = record_data(person, org["admin_health"].keyring)
        for field in ("name", "other_names", "phone", "email", "description"):
            assert any(c in data[field] for c in canaries.all), (field, data)
    assert [p.version for p in persons] == [2, 1, 1, 1, 2]


def _debug_logging(caplog) -> None:
    """The most verbose production setting (LOG_LEVEL=DEBUG), plus every SQL statement with its parameters."""
    caplog.set_level(logging.DEBUG)
    for name in ("mano", "django.request", "django.security", "django.db.backends"):
        caplog.set_level(logging.DEBUG, logger=name)


@transactional
def test_no_canary_in_any_table_the_dump_the_sessions_the_cache_or_the_logs(
    org_a, unlocked_client, caplog, settings, tmp_path
):
    """0 canaries at rest, whatever the path the data took (HTTP views or services)."""
    settings.MANO_DOCUMENTS_DIR = tmp_path / "documents"
    _debug_logging(caplog)
    canaries = Canaries()
    with sql_logged():
        client, persons = _seed(org_a, unlocked_client, canaries)
        for person in persons:
            assert client.get(f"/personnes/{person.pk}/").status_code == 200
        assert client.get("/personnes/?tout=1").status_code == 200
        searched = client.get("/personnes/", {"tout": "1", "q": canaries.all[0][:20]})
        assert searched.status_code == 200
    _check_seeded(org_a, persons, canaries)
    needles = canaries.needles() | {b"CANARY", b"canary"}

    values = list(stored_values())
    assert leaks(needles, values) == []
    lowered = [(table, value.lower()) for table, value in values]
    assert leaks([b"canary"], lowered) == []
    # Control: the same search does find plaintext that is stored in clear by design.
    assert leaks([org_a["normal"].user.email.encode()], values)

    dump = database_dump()
    assert leaks(needles, [("dump", dump)]) == []
    assert b"canary" not in dump.lower()
    assert org_a["normal"].user.email.encode() in dump

    sessions = session_texts()
    assert sessions
    assert leaks(needles, [("session", s) for s in sessions]) == []
    assert leaks(needles, [("cache", v) for v in cache_values()]) == []
    # The documents folder (files are encrypted there; persons seeded above have none yet).
    assert leaks(needles, files_under(tmp_path)) == []

    log_text = caplog.text + "".join(str(record.__dict__) for record in caplog.records)
    assert "persons_person" in log_text, "SQL logging did not run: the log check would prove nothing"
    assert "canary" not in log_text.lower()


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["", "?tout=1", "nouvelle/", "{pk}/", "{pk}/modifier/"])
def test_person_pages_are_never_stored_by_a_cache(org_a, unlocked_client, suffix):
    """Pages that may show personal data carry Cache-Control: no-store."""
    bob = org_a["normal"]
    person = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name=f"CANARY-{uuid4()}")
    client = unlocked_client(bob)
    response = client.get("/personnes/" + suffix.format(pk=person.pk))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_the_conflict_page_is_never_stored_by_a_cache(org_a, unlocked_client):
    bob = org_a["normal"]
    person = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Zoë")
    client = unlocked_client(bob)
    stale = {"name": "Stale", "teams": [str(org_a.day.pk)], "version": "0"}
    response = client.post(f"/personnes/{person.pk}/modifier/", stale)
    assert response.status_code == 409
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_the_dump_is_the_test_database_with_every_table():
    """Meta: the dump searched above is this test database, schema included (not an empty or other file)."""
    dump = database_dump()
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    assert "persons_person" in tables
    assert all(table.encode() in dump for table in tables)


def test_template_lookups_never_log_personal_data_even_with_django_debug_logs(caplog):
    """An operator who turns Django's own logs up to DEBUG must not get decrypted records in them."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")
    canary = f"CANARY-{uuid4()}"
    engines["django"].from_string("{{ card.family }}").render({"card": {"name": canary}})
    assert canary not in caplog.text
