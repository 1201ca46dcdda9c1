"""The canary test for the agenda and the reception desk: action names, descriptions, comments (copies,
recurring series, edits, duplicates) and persons created at the desk reach the database, its dump, the
sessions, the cache and the logs only encrypted."""

from __future__ import annotations

import pytest

from mano.agenda.models import Action, ActionWordsShard
from mano.core.records import record_data
from mano.core.tests.leaks import cache_values, database_dump, leaks, session_texts, sql_logged, stored_values
from mano.core.tests.test_no_plaintext_at_rest import Canaries, _debug_logging
from mano.persons.models import Comment, Person
from mano.persons.services import person_create

pytestmark = pytest.mark.django_db(transaction=True)


def _seed(org, client, canaries: Canaries) -> list[Person]:
    bob = org["normal"]
    persons = [
        person_create(user=bob.user, keyring=bob.keyring, teams=[org.day], name=canaries.new()) for _ in range(2)
    ]
    created = client.post(
        "/agenda/nouvelle/",
        {
            "persons": [str(p.pk) for p in persons],
            "name": canaries.new(),
            "description": canaries.new(),
            "comment": canaries.new(),
            "due_at": "2027-03-01T09:00",
            "teams": [str(org.day.pk)],
            "repeat": "on",
            "recurrence_interval": "1",
            "recurrence_unit": "week",
            "recurrence_weekdays": ["0"],
            "recurrence_end": "2027-03-29",
        },
    )
    assert created.status_code == 302, created.content[:3000]
    first = Action.objects.order_by("due_at").first()
    assert first is not None
    edit = {
        "name": canaries.new(),
        "description": canaries.new(),
        "due_at": "2027-03-01T09:00",
        "teams": [str(org.day.pk)],
        "status": "cancelled",
        "version": str(first.version),
        "scope": "following",
    }
    assert client.post(f"/agenda/{first.pk}/", edit).status_code == 302
    comment = client.post(f"/agenda/{first.pk}/commentaires/ajouter/", {"text": canaries.new(), "date": "2027-03-01"})
    assert comment.status_code == 302, comment.content[:3000]
    duplicate = {"name": canaries.new(), "teams": [str(org.day.pk)], "due_at": "2027-04-02T10:00"}
    assert client.post(f"/agenda/{first.pk}/dupliquer/", duplicate).status_code == 302
    assert client.post("/agenda/accueil/personne/", {"name": canaries.new()}).status_code == 302
    return persons


def test_no_agenda_canary_at_rest(org_a, unlocked_client, caplog):
    organisation = org_a.organisation
    organisation.reception_enabled = True
    organisation.save()
    _debug_logging(caplog)
    canaries = Canaries()
    client = unlocked_client(org_a["normal"])
    with sql_logged():
        _seed(org_a, client, canaries)
        for url in ("/agenda/?jour=2027-03-01", "/agenda/semaine/?jour=2027-03-01", "/agenda/liste/"):
            assert client.get(url).status_code == 200
        assert client.get("/agenda/liste/", {"q": canaries.all[-2][:20]}).status_code == 200
        # The actions' words by day (mano.agenda.words): written by a week filtered on a text.
        assert client.get("/agenda/semaine/?jour=2027-03-01&equipe=toutes&statut=all&q=canary").status_code == 200
        assert ActionWordsShard.objects.exists()
        assert client.get("/agenda/accueil/").status_code == 200

    # Positive control: the canaries are there, encrypted (they decrypt back).
    keyring = org_a["normal"].keyring
    texts = [str(record_data(a, keyring)) for a in Action.objects.all()]
    texts += [str(record_data(c, keyring)) for c in Comment.objects.all()]
    texts += [str(record_data(p, keyring)) for p in Person.objects.all()]
    assert all(any(c in t for t in texts) for c in canaries.all), "a canary never reached the database"
    assert Action.objects.count() == 11  # 5 Mondays × 2 persons, and the duplicate

    needles = canaries.needles() | {b"CANARY", b"canary"}
    values = list(stored_values())
    assert leaks(needles, values) == []
    assert leaks([b"canary"], [(table, value.lower()) for table, value in values]) == []
    dump = database_dump()
    assert b"canary" not in dump.lower()
    assert leaks(needles, [("session", s) for s in session_texts()]) == []
    assert leaks(needles, [("cache", v) for v in cache_values()]) == []
    log_text = caplog.text + "".join(str(record.__dict__) for record in caplog.records)
    assert "agenda_action" in log_text, "SQL logging did not run: the log check would prove nothing"
    assert "canary" not in log_text.lower()
