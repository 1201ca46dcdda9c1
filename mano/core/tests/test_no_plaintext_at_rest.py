"""The canary test: personal data reaches the database, its dump, the sessions, the cache and the logs only encrypted.

Every personal field holds a `CANARY-<uuid>`; persons are created through the HTTP views (middleware, forms,
views, services) and through the service directly, then edited. So is every health field (medical file, consultations,
treatments, medical comments, a medical document), by a health professional. Transactional, so `pg_dump` sees the rows.
"""

from __future__ import annotations

import logging
from datetime import date
from uuid import uuid4

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template import engines
from django.test import Client
from django.utils import timezone

from mano.accounts.models import Organisation
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
from mano.medical.fieldsets import CONSULTATION_TYPES
from mano.medical.models import (
    Consultation,
    ConsultationWordsShard,
    MedicalComment,
    MedicalDocument,
    MedicalFile,
    Treatment,
)
from mano.medical.services.comments import medical_comment_create
from mano.medical.services.consultations import ConsultationInput, consultation_create
from mano.medical.services.files import medical_file_save
from mano.medical.services.treatments import TreatmentInput, treatment_create
from mano.persons.models import Person
from mano.persons.selectors.fields import config_version
from mano.persons.services import person_create, person_update
from mano.persons.services.fields import field_add, field_group_add
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


# ---- Health fields -----------------------------------------------------------------------------------------------

SSN = "numero_securite_sociale"  # the default medical-file field


def _consultation_type(org: Org, canaries: Canaries) -> tuple[str, str]:
    """A consultation type named by a canary, with a text field of its own; returns (type name, field key).

    Type names are organisation settings, kept in clear like field labels: the name is taken out of the settings
    before the dump (see _forget_type), so that what remains of it can only be the consultations' own copy."""
    admin = org["admin_health"]
    organisation = admin.user.organisation
    name = canaries.new()
    group = field_group_add(
        user=admin.user,
        name=name,
        config_version=config_version(organisation, CONSULTATION_TYPES.part),
        spec=CONSULTATION_TYPES,
    )
    organisation.refresh_from_db()
    key = field_add(
        user=admin.user,
        group_index=group,
        config_version=config_version(organisation, CONSULTATION_TYPES.part),
        spec=CONSULTATION_TYPES,
        label="Observations",
        type="textarea",
        options=[],
        enabled_teams=[],
        enabled=True,
    )
    return name, key


def _forget_type(org: Org, name: str) -> None:
    organisation = Organisation.objects.get(pk=org.organisation.pk)
    kept = [t for t in organisation.consultation_types if t["name"] != name]
    assert len(kept) == len(organisation.consultation_types) - 1
    Organisation.objects.filter(pk=organisation.pk).update(consultation_types=kept)


def _treatment_form(canaries: Canaries, version: str = "") -> dict[str, str]:
    fields = ("name", "dosage", "frequency", "indication")
    return {**{f: canaries.new() for f in fields}, "start": "2026-01-01", "end": "2026-02-01", "version": version}


def _seed_health(org: Org, unlocked_client, canaries: Canaries, persons: list[Person], type_: tuple[str, str]) -> None:
    """Through the medical pages for one person (each row created then edited, so that histories hold old values
    too), through the services for another; then the pages that show them are opened."""
    nurse = org["normal_health"]
    type_name, type_field = type_
    client = unlocked_client(nurse)
    first, second = persons[1], persons[2]

    def post(url: str, data: dict[str, object]) -> None:
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:3000]

    file_edit = f"/sante/personnes/{first.pk}/dossier/"
    post(file_edit, {"version": "0", f"c_{SSN}": canaries.new()})
    post(file_edit, {"version": "1", f"c_{SSN}": canaries.new()})
    post(
        f"/sante/personnes/{first.pk}/consultations/ajouter/",
        {
            "type": "Médicale",
            "name": canaries.new(),
            "status": "todo",
            "due_at": "2026-12-05T10:00",
            "teams": [str(org.day.pk)],
            "c_description": canaries.new(),
        },
    )
    consultation = Consultation.objects.get()
    post(
        f"/sante/consultations/{consultation.pk}/",
        {
            "type": type_name,
            "name": canaries.new(),
            "status": "done",
            "due_at": "2026-12-05T10:00",
            "completed_at": "2026-12-05T11:00",
            "teams": [str(org.night.pk)],
            f"c_{type_field}": canaries.new(),
            "version": "1",
        },
    )
    post(f"/sante/personnes/{first.pk}/traitements/ajouter/", _treatment_form(canaries))
    treatment = Treatment.objects.get()
    post(f"/sante/traitements/{treatment.pk}/", _treatment_form(canaries, version="1"))
    post(f"/sante/personnes/{first.pk}/commentaires/ajouter/", {"text": canaries.new(), "urgent": "on"})
    about = f"/sante/personnes/{first.pk}/commentaires/ajouter/?sur=consultation&id={consultation.pk}"
    post(about, {"text": canaries.new()})
    comment = MedicalComment.objects.order_by("created_at").first()
    assert comment is not None
    post(f"/sante/commentaires/{comment.pk}/", {"text": canaries.new(), "urgent": "on", "version": "1"})
    # A medical document: its name in the sealed row, its bytes in the documents folder (encrypted there).
    document = SimpleUploadedFile(f"{canaries.short()}.pdf", b"%PDF-1.4\n" + canaries.new().encode() * 50)
    post(f"/sante/personnes/{first.pk}/documents/ajouter/?sur=consultation&id={consultation.pk}", {"files": document})

    nurse.user.organisation.refresh_from_db()  # the new consultation type
    common = {"user": nurse.user, "keyring": nurse.keyring, "person": second}
    medical_file_save(**common, custom={SSN: canaries.new()}, expected_version=0)
    consultation_create(
        **common,
        values=ConsultationInput(
            type=type_name,
            name=canaries.new(),
            due_at=timezone.now(),
            teams=[org.day],
            only_me=True,
            custom={type_field: canaries.new()},
        ),
    )
    values = {f: canaries.new() for f in ("name", "dosage", "frequency", "indication")}
    treatment_create(**common, values=TreatmentInput(start=date(2025, 1, 1), **values))
    medical_comment_create(**common, text=canaries.new(), urgent=True, team=org.day)

    pages = [
        f"/personnes/{first.pk}/",
        f"/personnes/{second.pk}/",
        f"/sante/consultations/{consultation.pk}/",
        f"/sante/traitements/{treatment.pk}/",
        f"/sante/personnes/{first.pk}/imprimer/",
        f"/sante/personnes/{first.pk}/historique/",
        "/agenda/?equipe=toutes",
        "/agenda/semaine/?jour=2026-12-05&equipe=toutes&statut=all&q=canary",  # writes the consultations' words
        "/agenda/priorites/",
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url
    assert ConsultationWordsShard.objects.exists()


def _check_health_seeded(org: Org, canaries: Canaries, type_name: str) -> None:
    """Positive control: every health field holds a canary, sealed under K_health (it decrypts back)."""
    keyring = org["normal_health"].keyring

    def canary(value: object) -> bool:
        return isinstance(value, str) and value in canaries.all

    files = [record_data(r, keyring) for r in MedicalFile.objects.all()]
    assert len(files) == 2 and all(canary(d["custom"][SSN]) for d in files)
    consultations = [record_data(r, keyring) for r in Consultation.objects.all()]
    assert len(consultations) == 2
    for data in consultations:
        assert data["type"] == type_name and canary(data["name"])
        assert data["custom"] and all(canary(v) for v in data["custom"].values())
    treatments = [record_data(r, keyring) for r in Treatment.objects.all()]
    assert len(treatments) == 2
    assert all(canary(d[f]) for d in treatments for f in ("name", "dosage", "frequency", "indication"))
    comments = [record_data(r, keyring) for r in MedicalComment.objects.all()]
    assert len(comments) == 3 and all(canary(d["text"]) for d in comments)
    documents = [record_data(r, keyring) for r in MedicalDocument.objects.all()]
    assert len(documents) == 1 and canary(documents[0]["name"].removesuffix(".pdf"))
    # The histories hold the values before each edit: canaries too, encrypted with the rest.
    assert any(canary(c[0]) for d in files for e in d["history"] for c in e.get("changes", {}).values())


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
    canaries = Canaries()
    consultation_type = _consultation_type(org_a, canaries)  # a setting, before the logs are watched
    _debug_logging(caplog)
    with sql_logged():
        client, persons = _seed(org_a, unlocked_client, canaries)
        for person in persons:
            assert client.get(f"/personnes/{person.pk}/").status_code == 200
        assert client.get("/personnes/?tout=1").status_code == 200
        searched = client.get("/personnes/", {"tout": "1", "q": canaries.all[0][:20]})
        assert searched.status_code == 200
        _seed_health(org_a, unlocked_client, canaries, persons, consultation_type)
    _check_seeded(org_a, persons, canaries)
    _check_health_seeded(org_a, canaries, consultation_type[0])
    _forget_type(org_a, consultation_type[0])
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
    # The documents folder: the medical document's bytes are there, encrypted.
    assert len(files_under(tmp_path)) == 1
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
