"""Health isolation (SECURITY.md): members without the health key never see health content and cannot decrypt it;
no health row names its person in clear; deletions and merges reach the health rows even when made without the key.
"""

from __future__ import annotations

import base64
import re
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from mano.core.crypto import DecryptionError, KeyKind, Keyring, MissingKeyError, keyed_link
from mano.core.records import record_data
from mano.core.session import KEYS, KEYS_ID
from mano.core.tests.leaks import as_bytes, encodings
from mano.medical.access import person_link
from mano.medical.fieldsets import CONSULTATION_TYPES, MEDICAL_FIELDS
from mano.medical.models import (
    Consultation,
    ConsultationWordsShard,
    MedicalComment,
    MedicalFile,
    PendingHealthChange,
    PendingKind,
    Treatment,
)
from mano.medical.services.comments import medical_comment_create
from mano.medical.services.consultations import ConsultationInput, consultation_create
from mano.medical.services.files import medical_file_save
from mano.medical.services.treatments import TreatmentInput, treatment_create
from mano.persons.models import Person
from mano.persons.selectors.fields import config_version
from mano.persons.services import person_create
from mano.persons.services.comments import comment_create
from mano.persons.services.fields import field_add
from mano.testing import Org, Persona, login_client

pytestmark = pytest.mark.django_db

SSN = "numero_securite_sociale"
HEALTH_MODELS = (MedicalFile, Consultation, Treatment, MedicalComment)


def _health_rows(nurse: Persona, person: Person, text: str, team: Any, *, urgent: bool = False) -> dict[str, Any]:
    """One of each health row, every free text holding `text`; the consultation is due in an hour (today's agenda)."""
    common = {"user": nurse.user, "keyring": nurse.keyring, "person": person}
    medical_file = medical_file_save(**common, custom={SSN: text}, expected_version=0)
    consultation = consultation_create(
        **common,
        values=ConsultationInput(
            type="Médicale",
            name=f"{text} nom",
            due_at=timezone.now() + timedelta(hours=1),
            teams=[team],
            custom={"description": f"{text} description"},
        ),
    )
    treatment = treatment_create(
        **common,
        values=TreatmentInput(
            name=f"{text} nom",
            start=date.today(),
            dosage=f"{text} dosage",
            frequency=f"{text} fréquence",
            indication=f"{text} indication",
        ),
    )
    comment = medical_comment_create(**common, text=f"{text} commentaire", urgent=urgent, team=team)
    return {"file": medical_file, "consultation": consultation, "treatment": treatment, "comment": comment}


def _person(member: Persona, org: Org, name: str) -> Person:
    return person_create(user=member.user, keyring=member.keyring, teams=[org.day], name=name)


def _session_keyring(client: Client, persona: Persona) -> Keyring:
    """The keyring of a logged-in client's session, opened as the middleware opens it (session row + cookie)."""
    session = SessionStore(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value).load()
    secret = base64.urlsafe_b64decode(client.cookies[settings.MANO_KEY_COOKIE].value)
    aad = f"mano/v1|session|{persona.user.pk}|{session[KEYS_ID]}"
    return Keyring.open_from_session(session[KEYS], secret, aad)


# ---- Keys --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["normal", "admin", "restricted", "stats"])
def test_a_non_health_session_keyring_cannot_decrypt_health_rows_read_straight_from_the_database(org_a, persona):
    nurse, member = org_a["normal_health"], org_a[persona]
    person = _person(nurse, org_a, "Karim Benali")
    rows = _health_rows(nurse, person, "Plaie au pied", org_a.day)
    keyring = _session_keyring(login_client(member), member)
    assert keyring.has(KeyKind.GENERAL) or persona == "stats"
    assert not keyring.has(KeyKind.HEALTH)
    nurse_keyring = _session_keyring(login_client(nurse), nurse)
    assert nurse_keyring.has(KeyKind.HEALTH)
    for row in rows.values():
        fresh = type(row).objects.get(pk=row.pk)  # the row as the database holds it
        assert record_data(fresh, nurse_keyring)["person"] == str(person.pk)  # control: the health key opens it
        with pytest.raises(DecryptionError):
            record_data(fresh, keyring)
        with pytest.raises(MissingKeyError):
            record_data(fresh, keyring)
    # The general key, even filed under the health kind, opens nothing either.
    if keyring.has(KeyKind.GENERAL):
        general = keyring.current(KeyKind.GENERAL)[1]
        relabelled = Keyring({(KeyKind.HEALTH, version): general for version in (1, 2)})
        with pytest.raises(DecryptionError):
            record_data(Consultation.objects.get(pk=rows["consultation"].pk), relabelled)
    # Nor can the member find which rows are the person's: the link needs K_health.
    with pytest.raises(MissingKeyError):
        person_link(keyring, person.pk)


# ---- No person id in the health tables ---------------------------------------------------------------------------


def _medical_tables() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(t for t in connection.introspection.table_names(cursor) if t.startswith("medical_"))


def _cells(table: str) -> list[tuple[str, bytes]]:
    """Every non-null cell of `table`, read with raw SQL, as (table.column, bytes)."""
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 (introspected name)
        columns = [c[0] for c in cursor.description]
        return [
            (f"{table}.{column}", as_bytes(value))
            for row in cursor.fetchall()
            for column, value in zip(columns, row, strict=True)
            if value is not None
        ]


def _id_forms(pk: UUID) -> set[bytes]:
    """The id with and without dashes, any case, raw bytes, and those in hex and base64."""
    texts = {str(pk), pk.hex}
    forms = {pk.bytes}
    for text in texts:
        forms |= encodings(text.encode()) | encodings(text.upper().encode())
    return forms


def _found(needles: set[bytes], cells: list[tuple[str, bytes]]) -> list[str]:
    return sorted(
        {place for place, value in cells for needle in needles if needle in value or needle.lower() in value.lower()}
    )


def test_no_health_table_holds_the_person_id_in_any_form(org_a, unlocked_client):
    nurse = org_a["normal_health"]
    person = _person(nurse, org_a, "Karim Benali")
    other = _person(nurse, org_a, "Autre personne")
    client = unlocked_client(nurse)
    # Through the pages: the medical file, two consultations, two treatments, two medical comments.
    assert (
        client.post(reverse("medical:file-edit", args=[person.pk]), {"version": "0", f"c_{SSN}": "1 85"}).status_code
        == 302
    )
    for day in ("2026-12-05T10:00", "2026-12-06T10:00"):
        response = client.post(
            reverse("medical:consultation-add", args=[person.pk]),
            {
                "type": "Médicale",
                "status": "todo",
                "due_at": day,
                "teams": [str(org_a.day.pk)],
                "c_description": "Toux",
            },
        )
        assert response.status_code == 302
    for name in ("Amoxicilline", "Paracétamol"):
        response = client.post(
            reverse("medical:treatment-add", args=[person.pk]), {"name": name, "start": "2026-01-01"}
        )
        assert response.status_code == 302
    consultation = Consultation.objects.filter(deleted_at=None).first()
    assert consultation is not None
    comments = [
        reverse("medical:comment-add", args=[person.pk]),
        reverse("medical:comment-add", args=[person.pk]) + f"?sur=consultation&id={consultation.pk}",
    ]
    for url in comments:
        assert client.post(url, {"text": "Revu", "urgent": "on"}).status_code == 302
    # Through the services too, and for another person (its id must not show either).
    _health_rows(nurse, other, "Suivi", org_a.night)
    assert client.get(reverse("persons:detail", args=[person.pk])).status_code == 200
    # The consultations' words by day (mano.medical.words): written by a week filtered on a text.
    assert client.get("/agenda/semaine/?jour=2026-12-05&equipe=toutes&statut=all&q=toux").status_code == 200
    assert ConsultationWordsShard.objects.exists()

    tables = _medical_tables()
    expected = {"medical_medicalfile", "medical_consultation", "medical_consultation_teams", "medical_treatment"}
    assert expected | {"medical_medicalcomment", "medical_medicaldocument", "medical_pendinghealthchange"} <= set(
        tables
    )
    counts = {model: model.objects.filter(deleted_at=None).count() for model in HEALTH_MODELS}
    assert counts == {MedicalFile: 2, Consultation: 3, Treatment: 3, MedicalComment: 3}
    cells = [cell for table in tables for cell in _cells(table)]
    assert {place.split(".")[0] for place, _ in cells} >= expected | {"medical_medicalcomment"}
    for pk in (person.pk, other.pk):
        assert _found(_id_forms(pk), cells) == [], f"the id of {pk} is stored in clear in a health table"
    # Control: the same search finds the ids where they are stored in clear by design, on this database.
    assert _found(_id_forms(person.pk), _cells("persons_person"))
    assert _found(_id_forms(org_a.day.pk), cells), "team ids are plaintext in medical_consultation_teams"
    # And the keyed link is what ties the rows to the person, the same for every row of that person.
    link = person_link(nurse.keyring, person.pk)
    assert {m.objects.filter(person_link=link).count() for m in HEALTH_MODELS} == {1, 2}
    assert link != keyed_link(nurse.keyring, KeyKind.GENERAL, purpose="medical-person", value=person.pk)


# ---- Non-health members never see health content -----------------------------------------------------------------


def _badge(client: Client) -> str:
    response = client.get(reverse("agenda:priority-badge"))
    assert response.status_code == 200
    return response.content.decode()


def _pages(person: Person) -> list[str]:
    whole = "?equipe=toutes"
    return [
        reverse("persons:detail", args=[person.pk]),
        reverse("persons:history", args=[person.pk]),
        reverse("persons:print", args=[person.pk]),
        reverse("agenda:day") + whole,
        reverse("agenda:week") + whole,
        reverse("agenda:list") + whole,
        reverse("agenda:day") + whole + "&voir=consultations",
        reverse("agenda:list") + whole + "&voir=consultations",
        reverse("agenda:priorities"),
        reverse("agenda:priority-badge"),
        reverse("persons:list") + "?tout=1",
        reverse("accounts:home"),
    ]


@pytest.mark.parametrize("persona", ["normal", "admin"])
def test_non_health_members_never_see_health_content(org_a, unlocked_client, persona):
    nurse, member = org_a["normal_health"], org_a[persona]
    canary = f"CANARY-{uuid4()}"
    person = _person(nurse, org_a, "Karim Benali")
    comment_create(
        user=nurse.user, keyring=nurse.keyring, person=person, text="Urgent : rappeler", urgent=True, team=org_a.day
    )
    client = unlocked_client(member)
    badge_before = _badge(client)
    assert re.search(r">1<", badge_before), "control: the urgent person comment is counted"

    _health_rows(nurse, person, canary, org_a.day, urgent=True)
    # A second consultation placed in the agenda by its date done today, another team, "visible seulement par moi".
    consultation_create(
        user=nurse.user,
        keyring=nurse.keyring,
        person=person,
        values=ConsultationInput(
            type="Médicale",
            name=f"{canary} privée",
            status="done",
            due_at=timezone.now(),
            completed_at=timezone.now(),
            teams=[org_a.night],
            only_me=True,
        ),
    )
    # Control: the canary is on the health professional's person page, so its absence below means something.
    assertContains(login_client(nurse).get(reverse("persons:detail", args=[person.pk])), canary)

    for url in _pages(person):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assertNotContains(response, "CANARY", msg_prefix=url)
        assertNotContains(response, 'id="medical"', msg_prefix=url)
    # The person search posts its text (303 with a token): by name the person is found, without any health text;
    # by the health text (a word only the consultation and the comment hold), nobody is found.
    found = client.post(reverse("persons:list"), {"q": "Karim", "tout": "1"}, follow=True)
    assertContains(found, "Karim Benali")
    assertNotContains(found, "CANARY")
    nothing = client.post(reverse("persons:list"), {"q": canary.split("-")[-1], "tout": "1"}, follow=True)
    assert nothing.status_code == 200
    assertNotContains(nothing, "Karim Benali")
    assert _badge(client) == badge_before, "the urgent medical comment changed the Priorités count"
    # The medical pages of those rows do not exist for them.
    for model, name in ((Consultation, "consultation"), (Treatment, "treatment"), (MedicalComment, "comment")):
        for row in model.objects.all():
            assert client.get(reverse(f"medical:{name}", args=[row.pk])).status_code == 404


# ---- "Visible seulement par moi" ---------------------------------------------------------------------------------


def test_a_private_consultation_is_a_greyed_line_without_content_for_another_health_professional(
    org_a, unlocked_client
):
    nurse, doctor = org_a["normal_health"], org_a["admin_health"]
    canary = f"CANARY-{uuid4()}"
    person = _person(nurse, org_a, "Karim Benali")
    client = unlocked_client(nurse)
    response = client.post(
        reverse("medical:consultation-add", args=[person.pk]),
        {
            "type": "Médicale",
            "name": f"{canary} nom",
            "status": "todo",
            "due_at": "2026-12-05T10:00",
            "only_me": "on",
            "c_description": f"{canary} description",
        },
    )
    assert response.status_code == 302
    private = Consultation.objects.get()
    assert private.only_visible_by_id == nurse.user.pk
    assertContains(client.get(reverse("medical:consultation", args=[private.pk])), canary)  # its author sees it

    other = unlocked_client(doctor)
    for name in ("medical:consultation", "medical:consultation-delete"):
        assert other.get(reverse(name, args=[private.pk])).status_code == 404
        assert other.post(reverse(name, args=[private.pk]), {"version": str(private.version)}).status_code == 404
    duplicate = reverse("medical:consultation-add", args=[person.pk]) + f"?dupliquer={private.pk}"
    assert other.get(duplicate).status_code == 404
    comment = reverse("medical:comment-add", args=[person.pk]) + f"?sur=consultation&id={private.pk}"
    assert other.get(comment).status_code == 404
    page = other.get(reverse("persons:detail", args=[person.pk]))
    assertContains(page, 'id="medical"')
    assertContains(page, "consultation--hidden", count=1)
    assertContains(page, f"visible seulement par {nurse.user.name}", count=1)
    assertNotContains(page, canary)
    assertNotContains(page, reverse("medical:consultation", args=[private.pk]))
    printed = other.get(reverse("medical:file-print", args=[person.pk]))
    assert printed.status_code == 200
    assertNotContains(printed, canary)
    private.refresh_from_db()
    assert private.deleted_at is None and private.version == 1


# ---- Deletions and merges reach the health rows ------------------------------------------------------------------


def _delete(client: Client, person: Person, name: str) -> None:
    response = client.post(reverse("persons:delete", args=[person.pk]), {"name": name, "version": str(person.version)})
    assert response.status_code == 302, response.content.decode()[:2000]


def _live(rows: dict[str, Any]) -> dict[str, bool]:
    return {key: type(row).objects.get(pk=row.pk).deleted_at is None for key, row in rows.items()}


def test_a_person_deleted_by_a_health_professional_takes_its_health_rows_at_once(org_a, unlocked_client):
    nurse = org_a["normal_health"]
    person = _person(nurse, org_a, "Karim Benali")
    kept = _person(nurse, org_a, "Samir")
    rows, others = _health_rows(nurse, person, "Toux", org_a.day), _health_rows(nurse, kept, "Fièvre", org_a.day)
    _delete(unlocked_client(nurse), person, "Karim Benali")
    assert _live(rows) == dict.fromkeys(rows, False)
    assert _live(others) == dict.fromkeys(others, True)
    assert not PendingHealthChange.objects.exists()


def test_a_person_deleted_without_the_health_key_loses_its_health_rows_on_the_next_health_request(
    org_a, org_b, unlocked_client
):
    nurse, admin = org_a["normal_health"], org_a["admin"]
    person = _person(nurse, org_a, "Karim Benali")
    kept = _person(nurse, org_a, "Samir")
    rows, others = _health_rows(nurse, person, "Toux", org_a.day), _health_rows(nurse, kept, "Fièvre", org_a.day)
    _delete(unlocked_client(admin), person, "Karim Benali")
    change = PendingHealthChange.objects.get()
    assert (change.organisation_id, change.kind, change.person_id) == (
        org_a.organisation.pk,
        PendingKind.DELETE,
        person.pk,
    )
    assert _live(rows) == dict.fromkeys(rows, True)  # the admin could not even find them

    # Requests without the health key, or of a health professional of another organisation, leave it pending.
    assert unlocked_client(org_a["normal"]).get(reverse("accounts:home")).status_code == 200
    assert unlocked_client(org_b["admin_health"]).get(reverse("accounts:home")).status_code == 200
    assert PendingHealthChange.objects.count() == 1 and _live(rows) == dict.fromkeys(rows, True)

    assert unlocked_client(org_a["admin_health"]).get(reverse("accounts:home")).status_code == 200
    assert not PendingHealthChange.objects.exists()
    assert _live(rows) == dict.fromkeys(rows, False)
    assert _live(others) == dict.fromkeys(others, True)


def _merge(client: Client, kept: Person, other: Person) -> None:
    picks = {f"pick_f_{name}": "left" for name in ("name", "phone", "birth_date", "description", "followed_since")}
    data = {**picks, "left_version": str(kept.version), "right_version": str(other.version), "confirm": "on"}
    response = client.post(reverse("persons:merge", args=[kept.pk, other.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_a_merge_without_the_health_key_moves_the_health_rows_on_the_next_health_request(org_a, unlocked_client):
    nurse, admin = org_a["normal_health"], org_a["admin"]
    kept, other = _person(nurse, org_a, "Karim Benali"), _person(nurse, org_a, "Karim B.")
    medical_file_save(user=nurse.user, keyring=nurse.keyring, person=kept, custom={SSN: "1 11"}, expected_version=0)
    moved = _health_rows(nurse, other, "Toux sèche", org_a.day)  # its medical file says SSN "Toux sèche"
    kept_file = MedicalFile.objects.get(person_link=person_link(nurse.keyring, kept.pk))

    _merge(unlocked_client(admin), kept, other)
    change = PendingHealthChange.objects.get()
    assert (change.kind, change.person_id, change.into_id) == (PendingKind.MERGE, other.pk, kept.pk)
    assert _live(moved) == dict.fromkeys(moved, True)

    client = unlocked_client(nurse)
    page = client.get(reverse("persons:detail", args=[kept.pk]))  # this very request carries the merge out first
    assert not PendingHealthChange.objects.exists()
    for text in ("Toux sèche nom", "Toux sèche commentaire", "1 11"):
        assertContains(page, text)
    link = person_link(nurse.keyring, kept.pk)
    for key in ("consultation", "treatment", "comment"):
        row = type(moved[key]).objects.get(pk=moved[key].pk)
        assert row.deleted_at is None and row.person_link == link
        assert record_data(row, nurse.keyring)["person"] == str(kept.pk)
    assert client.get(reverse("medical:consultation", args=[moved["consultation"].pk])).status_code == 200
    # Two medical files became one: the kept value stays, the other one is in the kept file's history.
    assert MedicalFile.objects.get(pk=moved["file"].pk).deleted_at is not None
    assert list(MedicalFile.objects.filter(deleted_at=None).values_list("pk", flat=True)) == [kept_file.pk]
    data = record_data(MedicalFile.objects.get(pk=kept_file.pk), nurse.keyring)
    assert data["custom"][SSN] == "1 11"
    assert data["history"][-1]["kind"] == "merge"
    assert data["history"][-1]["changes"] == {f"custom.{SSN}": ["Toux sèche", "1 11"]}
    history = client.get(reverse("medical:file-history", args=[kept.pk]))
    assertContains(history, "Fusion de deux dossiers médicaux")
    assertContains(history, "Toux sèche")


def test_a_merge_without_the_health_key_moves_a_lone_medical_file_to_the_kept_person(org_a, unlocked_client):
    nurse, admin = org_a["normal_health"], org_a["admin"]
    kept, other = _person(nurse, org_a, "Karim Benali"), _person(nurse, org_a, "Karim B.")
    moved = _health_rows(nurse, other, "Toux", org_a.day)
    _merge(unlocked_client(admin), kept, other)
    assert unlocked_client(nurse).get(reverse("accounts:home")).status_code == 200
    medical_file = MedicalFile.objects.get(pk=moved["file"].pk)
    assert medical_file.deleted_at is None and medical_file.person_link == person_link(nurse.keyring, kept.pk)
    assert record_data(medical_file, nurse.keyring)["custom"][SSN] == "Toux"


# ---- Settings: what rewrites health rows needs the health key ----------------------------------------------------


def test_renames_that_rewrite_health_rows_are_refused_to_an_admin_without_the_health_key(org_a, unlocked_client):
    nurse, admin, doctor = org_a["normal_health"], org_a["admin"], org_a["admin_health"]
    organisation = org_a.organisation
    person = _person(nurse, org_a, "Karim Benali")
    rows = _health_rows(nurse, person, "Toux", org_a.day)
    choice = field_add(
        user=doctor.user,
        group_index=0,
        config_version=config_version(organisation, MEDICAL_FIELDS.part),
        spec=MEDICAL_FIELDS,
        label="Couverture",
        type="enum",
        options=["AME", "CSS"],
        enabled_teams=[],
        enabled=True,
    )
    medical_file = MedicalFile.objects.get(pk=rows["file"].pk)
    medical_file_save(
        user=nurse.user,
        keyring=nurse.keyring,
        person=person,
        custom={choice: "AME"},
        expected_version=medical_file.version,
    )
    client = unlocked_client(admin)
    assert client.get(reverse("medical:settings")).status_code == 200  # the settings are theirs too

    organisation.refresh_from_db()
    rename_type = reverse("consultation-types:field-group-edit", args=[0])
    typed = {"name": "Somatique", "version": config_version(organisation, CONSULTATION_TYPES.part)}
    assertContains(client.post(rename_type, typed), "Seul·e un·e professionnel·le de santé")
    rename_choice = reverse("medical-fields:field-choice-rename", args=[choice])
    version = config_version(organisation, MEDICAL_FIELDS.part)
    for confirm in ("", "1"):  # the count step, and a confirmation posted straight away
        posted = {"old": "AME", "new": "Aide médicale", "version": version, "confirm": confirm}
        assertContains(client.post(rename_choice, posted), "Seul·e un·e professionnel·le de santé")
    organisation.refresh_from_db()
    assert organisation.consultation_types[0]["name"] == "Médicale"
    assert [f["options"] for f in organisation.medical_field_groups[0]["fields"] if f["key"] == choice] == [
        ["AME", "CSS"]
    ]
    consultation = Consultation.objects.get(pk=rows["consultation"].pk)
    assert consultation.version == 1 and record_data(consultation, nurse.keyring)["type"] == "Médicale"
    assert record_data(MedicalFile.objects.get(pk=medical_file.pk), nurse.keyring)["custom"][choice] == "AME"

    # Control: a health professional admin renames the type, and the consultation follows.
    response = unlocked_client(doctor).post(rename_type, typed)
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert record_data(consultation, nurse.keyring)["type"] == "Somatique"
