"""The agenda filtered on a text reads the consultations' words from their days' shards (mano.medical.words): the
lines a first read writes serve the next reads, a line older than its consultation or person is never used, and
private consultations never enter a shard."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from mano.agenda.days import day_window
from mano.agenda.filters import AgendaFilters
from mano.core.crypto import DecryptionError
from mano.core.day_words import EPOCH
from mano.core.search_param import Search
from mano.medical import agenda, words
from mano.medical.models import Consultation, ConsultationWordsShard
from mano.medical.services.consultations import (
    ConsultationInput,
    consultation_create,
    consultation_delete,
    consultation_update,
)
from mano.persons.services import person_create, person_update
from mano.persons.services.lifecycle import person_delete
from mano.testing import merge_persons

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 30)
TUESDAY, FRIDAY = MONDAY + timedelta(days=1), MONDAY + timedelta(days=4)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _create(member, person, day, name, **values):
    values = {"type": "Médicale", "teams": [member.user.teams.first()], **values}
    return consultation_create(
        user=member.user,
        keyring=member.keyring,
        person=person,
        values=ConsultationInput(due_at=_at(day, 10), name=name, **values),
    )


def _update(member, consultation, **changes):
    consultation.refresh_from_db()
    values = {"type": "Médicale", "due_at": consultation.due_at, "teams": list(consultation.teams.all()), **changes}
    return consultation_update(
        user=member.user,
        keyring=member.keyring,
        consultation=consultation,
        values=ConsultationInput(**values),
        expected_version=consultation.version,
    )


@pytest.fixture
def held(org_a):
    """Karim's "Bilan pied" on Tuesday and Zoé's "Pansement" on Friday, by a nurse."""
    nurse = org_a["normal_health"]
    karim = person_create(user=nurse.user, keyring=nurse.keyring, teams=[org_a.day], name="Karim Benali")
    zoe = person_create(user=nurse.user, keyring=nurse.keyring, teams=[org_a.day], name="Zoé")
    return _create(nurse, karim, TUESDAY, "Bilan pied"), _create(nurse, zoe, FRIDAY, "Pansement"), karim, zoe


def _week(member, text: str, monday: date = MONDAY) -> dict[date, list[str]]:
    """The names of the week's consultations matching `text`, by day, for the whole organisation."""
    request = RequestFactory().get("/agenda/semaine/")
    request.user, request.keyring = member.user, member.keyring
    scope = {
        "whole": True,
        "teams": [],
        "without_team": False,
        "statuses": ["todo", "done", "cancelled"],
        "filters": AgendaFilters(whole=True, status="all", search=Search(text)),
    }
    start, end = day_window(monday, night=False)[0], day_window(monday + timedelta(days=6), night=False)[1]
    found: dict[date, list[str]] = {}
    for placed in agenda.CONSULTATIONS.rows(request, start, end, scope):
        row = Consultation.objects.get(pk=placed.pk)
        name = words.opened(member.user, member.keyring, [(row.pk, row.payload)])[row.pk]["name"]
        found.setdefault(timezone.localdate(placed.moment), []).append(name)
    return found


def _lines(keyring) -> list[str]:
    """The rows' lines of every shard (digest lines left out)."""
    lines = []
    for shard in ConsultationWordsShard.objects.all():
        lines += words.WORDS.store.open(shard.organisation_id, shard.bucket, shard.payload, keyring).split("\n")
    return [line for line in lines if line and ":digest\t" not in line]


def test_a_second_read_opens_no_consultation_and_finds_the_same_rows(org_a, held, monkeypatch):
    nurse, colleague = org_a["normal_health"], org_a["admin_health"]
    assert _week(nurse, "bilan") == {TUESDAY: ["Bilan pied"]}
    assert ConsultationWordsShard.objects.filter(organisation=org_a.organisation).count() == 2
    stored = b"".join(bytes(p) for p in ConsultationWordsShard.objects.values_list("payload", flat=True))
    assert b"bilan" not in stored.lower() and b"benali" not in stored.lower()
    opened = []
    monkeypatch.setattr(words, "_fresh", lambda user, keyring, rows, **_: opened.extend(rows) or {})
    assert _week(colleague, "bilan") == {TUESDAY: ["Bilan pied"]}
    assert _week(nurse, "karim pied") == {TUESDAY: ["Bilan pied"]}  # person's name and consultation's name
    assert _week(nurse, "medicale zoe") == {FRIDAY: ["Pansement"]}  # the type, accents folded
    assert _week(nurse, "absent") == {}
    assert opened == []


def _rename_consultation(member, consultation, person, other):
    _update(member, consultation, name="Bilan CPAM")


def _rename_person(member, consultation, person, other):
    person.refresh_from_db()
    person_update(user=member.user, keyring=member.keyring, person=person, expected_version=person.version, name="CPAM")


def _merge(member, consultation, person, other):
    """Karim merged into "Cpam Martin" by a health professional: the consultation names its new person."""
    merge_persons(member, other, person)


def _fill_a_field(member, consultation, person, other):
    _update(member, consultation, name="Bilan pied", custom={"notes": "orientation CPAM"})


@pytest.mark.parametrize(
    "change", [_rename_consultation, _rename_person, _merge, _fill_a_field], ids=lambda c: c.__name__
)
def test_a_line_older_than_what_it_was_made_from_is_never_used(org_a, held, change):
    nurse = org_a["normal_health"]
    bilan, _, karim, _ = held
    other = person_create(user=nurse.user, keyring=nurse.keyring, teams=[org_a.day], name="Cpam Martin")
    assert _week(nurse, "cpam") == {}
    change(nurse, bilan, karim, other)
    assert _week(nurse, "cpam") == {TUESDAY: ["Bilan CPAM" if change is _rename_consultation else "Bilan pied"]}


def test_a_persons_write_other_than_a_new_name_keeps_the_lines_of_their_consultations(org_a, held, monkeypatch):
    """The lines hold the person's name only: a phone number or a comment on the person does not make them again
    (each write on a person raises its version; lines stamped with it were all opened again)."""
    nurse = org_a["normal_health"]
    karim = held[2]
    assert _week(nurse, "karim") == {TUESDAY: ["Bilan pied"]}
    karim.refresh_from_db()
    person_update(user=nurse.user, keyring=nurse.keyring, person=karim, expected_version=karim.version, phone="0601")
    opened = []
    monkeypatch.setattr(words, "_fresh", lambda user, keyring, rows, **_: opened.extend(rows) or {})
    assert _week(nurse, "karim") == {TUESDAY: ["Bilan pied"]}
    assert opened == []


def test_a_new_name_makes_again_the_lines_of_that_persons_consultations_only(org_a, held, monkeypatch):
    nurse = org_a["normal_health"]
    bilan, pansement, karim, zoe = held
    assert _week(nurse, "karim") == {TUESDAY: ["Bilan pied"]}
    zoe_file = _create(nurse, zoe, TUESDAY, "Prise de sang")
    assert _week(nurse, "zoe") == {TUESDAY: ["Prise de sang"], FRIDAY: ["Pansement"]}
    karim.refresh_from_db()
    person_update(user=nurse.user, keyring=nurse.keyring, person=karim, expected_version=karim.version, name="Kamel")
    opened, fresh = [], words._fresh
    monkeypatch.setattr(
        words, "_fresh", lambda user, keyring, rows, **kw: fresh(user, keyring, opened.extend(rows) or rows, **kw)
    )
    assert _week(nurse, "karim") == {}
    assert _week(nurse, "kamel") == {TUESDAY: ["Bilan pied"]}
    assert _week(nurse, "zoe") == {TUESDAY: ["Prise de sang"], FRIDAY: ["Pansement"]}
    assert {row.pk for row in opened} == {bilan.pk}  # not Zoé's, on the same day or another
    zoe.refresh_from_db()
    person_update(user=nurse.user, keyring=nurse.keyring, person=zoe, expected_version=zoe.version, name="Zoë Petit")
    assert _week(nurse, "petit") == {TUESDAY: ["Prise de sang"], FRIDAY: ["Pansement"]}
    assert {row.pk for row in opened} == {bilan.pk, zoe_file.pk, pansement.pk}


def test_lines_made_before_the_names_epoch_are_made_again(org_a, held):
    """After the upgrade, a stored line stamped with its person's version (and a name that may be older than the
    person's) is never trusted, nor a digest naming persons and their versions."""
    nurse = org_a["normal_health"]
    bilan, karim = held[0], held[2]
    tuesday = (TUESDAY - EPOCH).days
    digest = words.day_digests(org_a.organisation.pk, range(tuesday, tuesday + 1))[tuesday]
    line = f"{tuesday}:{bilan.pk.hex}\t{bilan.version}.{karim.pk.hex}.{karim.version}\tbilan pied ancien nom"
    shard = [f"{tuesday}:digest\t{digest};{karim.pk.hex}.{karim.version}\t", line]
    words.WORDS.store.replace(org_a.organisation.pk, {tuesday: shard}, nurse.keyring)
    assert _week(nurse, "ancien") == {}
    assert _week(nurse, "karim") == {TUESDAY: ["Bilan pied"]}


def test_a_consultation_moved_to_another_day_is_counted_there_only(org_a, held):
    nurse = org_a["normal_health"]
    bilan = held[0]
    assert _week(nurse, "bilan") == {TUESDAY: ["Bilan pied"]}
    _update(nurse, bilan, name="Bilan pied", due_at=_at(FRIDAY, 9))
    assert _week(nurse, "bilan") == {FRIDAY: ["Bilan pied"]}
    friday = (FRIDAY - EPOCH).days
    assert {line.split("\t")[0] for line in _lines(nurse.keyring)} == {f"{friday}:{c.pk.hex}" for c in held[:2]}


@pytest.mark.parametrize("many_rows", [0, 1000], ids=["window-read-whole", "rows-by-id"])
def test_private_consultations_never_enter_a_shard(org_a, held, monkeypatch, many_rows):
    """Their owner finds them, opened each time; a colleague never does, even once one was shared first. Past
    MANY_ROWS rows to open, the writer reads the whole window's payloads, private ones included: it keeps only
    the rows it was given."""
    monkeypatch.setattr(words, "MANY_ROWS", many_rows)
    nurse, colleague = org_a["normal_health"], org_a["admin_health"]
    bilan, pansement, karim, _ = held
    _create(nurse, karim, TUESDAY, "Mon secret", only_me=True)
    assert _week(nurse, "secret") == {TUESDAY: ["Mon secret"]}
    assert _week(colleague, "secret") == {}
    _update(nurse, pansement, name="Pansement", only_me=True)
    assert _week(colleague, "pansement") == {}
    assert _week(nurse, "pansement") == {FRIDAY: ["Pansement"]}
    assert [line.split("\t")[0].split(":")[1] for line in _lines(nurse.keyring)] == [bilan.pk.hex]


def _ids(keyring) -> set[str]:
    return {line.split("\t")[0].split(":")[1] for line in _lines(keyring)}


def test_a_deleted_consultation_is_not_found_and_its_line_is_dropped_at_once(org_a, held):
    nurse = org_a["normal_health"]
    bilan, pansement, *_ = held
    assert _week(nurse, "pansement") == {FRIDAY: ["Pansement"]}
    pansement.refresh_from_db()
    consultation_delete(
        user=nurse.user, keyring=nurse.keyring, consultation=pansement, expected_version=pansement.version
    )
    assert _ids(nurse.keyring) == {bilan.pk.hex}
    assert _week(nurse, "pansement") == {}


def test_a_consultation_created_late_while_another_leaves_its_day_is_found(org_a, held):
    """A creation takes its write time, an edit of the day a later one and commits first; the day is written; the
    creation commits and a never-edited consultation of the day is deleted: only the sum of write times moved."""
    nurse = org_a["normal_health"]
    bilan, _, karim, _ = held
    soins = _create(nurse, karim, TUESDAY, "Soins")
    taken = timezone.now()
    _update(nurse, soins, name="Soins de plaie")
    assert _week(nurse, "bilan") == {TUESDAY: ["Bilan pied"]}
    created = _create(nurse, karim, TUESDAY, "Vaccin")
    Consultation.objects.filter(pk=created.pk).update(updated_at=taken)
    bilan.refresh_from_db()
    assert bilan.version == created.version == 1
    consultation_delete(user=nurse.user, keyring=nurse.keyring, consultation=bilan, expected_version=bilan.version)
    assert _week(nurse, "vaccin") == {TUESDAY: ["Vaccin"]}


def test_a_deleted_persons_lines_are_dropped_at_once(org_a, held):
    nurse = org_a["normal_health"]
    bilan, pansement, karim, _ = held
    assert _week(nurse, "medicale") == {TUESDAY: ["Bilan pied"], FRIDAY: ["Pansement"]}
    karim.refresh_from_db()
    person_delete(user=nurse.user, keyring=nurse.keyring, person=karim, expected_version=karim.version)
    assert _ids(nurse.keyring) == {pansement.pk.hex}
    assert _week(nurse, "medicale") == {FRIDAY: ["Pansement"]}


def test_a_person_deleted_without_the_health_key_is_no_longer_found_by_name_in_the_agenda(org_a, held):
    """A member who is not a health professional deletes Karim: his consultations wait for a health professional's
    key to be deleted, and meanwhile the agenda's text no longer finds them by his name."""
    nurse, member = org_a["normal_health"], org_a["admin"]
    karim = held[2]
    assert _week(nurse, "karim") == {TUESDAY: ["Bilan pied"]}
    karim.refresh_from_db()
    person_delete(user=member.user, keyring=member.keyring, person=karim, expected_version=karim.version)
    assert Consultation.objects.filter(pk=held[0].pk, deleted_at=None).exists()
    assert _week(nurse, "karim") == {}


def test_a_consultation_made_private_while_it_is_read_is_neither_matched_nor_written(org_a, held, monkeypatch):
    """Between the window's query and the reading of its shards, the nurse makes her consultation private: the
    colleague's read must not match its new words, nor write them in the shared shard."""
    nurse, colleague = org_a["normal_health"], org_a["admin_health"]
    pansement = held[1]
    texts = words.WORDS.texts.__func__  # type: ignore[attr-defined]

    def meanwhile(self, *args):
        _update(nurse, pansement, name="Pansement secret", only_me=True)
        return texts(self, *args)

    monkeypatch.setattr(type(words.WORDS), "texts", meanwhile)
    assert _week(colleague, "secret") == {}
    monkeypatch.undo()
    assert pansement.pk.hex not in _ids(nurse.keyring)
    assert _week(colleague, "secret") == {}
    assert _week(nurse, "secret") == {FRIDAY: ["Pansement secret"]}


def test_a_consultation_before_1970_has_its_line(org_a, held):
    """UTC days count from 1970: earlier ones are negative buckets (dates go back to 1900)."""
    nurse = org_a["normal_health"]
    old = date(1965, 3, 2)
    _create(nurse, held[2], old, "Bilan ancien")
    monday = old - timedelta(days=old.weekday())
    assert _week(nurse, "ancien", monday) == {old: ["Bilan ancien"]}
    assert ConsultationWordsShard.objects.get(bucket__lt=0).bucket == (old - EPOCH).days
    assert _week(nurse, "ancien", monday) == {old: ["Bilan ancien"]}


def test_rows_that_leave_the_table_while_they_are_read_are_not_a_crash(org_a, held, monkeypatch):
    nurse = org_a["normal_health"]
    bilan = held[0]
    texts = words.WORDS.texts.__func__  # type: ignore[attr-defined]

    def meanwhile(self, *args):
        Consultation.objects.filter(pk=bilan.pk).delete()
        return texts(self, *args)

    monkeypatch.setattr(type(words.WORDS), "texts", meanwhile)
    assert _week(nurse, "bilan") == {}


def test_a_shard_copied_to_another_organisation_fails_to_open(org_a, org_b, held):
    nurse, other = org_a["normal_health"], org_b["normal_health"]
    lea = person_create(user=other.user, keyring=other.keyring, teams=[org_b.day], name="Léa")
    _create(other, lea, TUESDAY, "Bilan pied")
    _week(nurse, "bilan")
    assert _week(other, "bilan") == {TUESDAY: ["Bilan pied"]}
    bucket = (TUESDAY - EPOCH).days
    ours = ConsultationWordsShard.objects.get(organisation=org_a.organisation, bucket=bucket)
    ConsultationWordsShard.objects.filter(organisation=org_b.organisation, bucket=bucket).update(payload=ours.payload)
    with pytest.raises(DecryptionError):
        _week(other, "bilan")
