"""The bench organisation's health rows: consultations and treatments under K_health, written in bulk.

Like the app writes them (mano.medical.services): the person id only inside the payload, the row tied to its person
by the keyed `person_link`. One designated person carries a heavy medical file (200 consultations, 50 treatments at
both sizes, like the marked person's 50 comments); the rest spread over the others with Pareto weights. The marked
person (the `person_page` line) gets none, so that line keeps measuring what it measured.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from mano.accounts.models import Organisation, User
from mano.accounts.services.bootstrap import Member
from mano.agenda.days import day_window
from mano.core.crypto import KeyKind, Keyring
from mano.core.records import record_data, records_build
from mano.medical.access import HEALTH_ROLES, person_link
from mano.medical.index import medical_index_rebuild
from mano.medical.models import Consultation, MedicalFile, Status, Treatment
from mano.persons.models import Person
from mano.persons.selectors.persons import person_search

HEAVY_CONSULTATIONS = 200
HEAVY_TREATMENTS = 50
BATCH = 5000
PRIVATE_SHARE = 0.05  # "visible seulement par moi"
CONSULTATION_TYPE = "Médicale"  # the organisation's default consultation type
CONSULTATION_NAMES = ["", "", "Suivi", "Pansement", "Renouvellement d'ordonnance", "Bilan", "Soins de pieds"]
CONSULTATION_TEXTS = [
    "Plaie à la jambe gauche, pansement refait.",
    "Toux depuis une semaine, pas de fièvre.",
    "Renouvellement du traitement, tension correcte.",
    "Douleurs dentaires, orientation vers la PASS dentaire.",
    "Mycose des pieds, soins et chaussettes propres.",
    "",
]
TREATMENTS = [
    ("Paracétamol", "1 g", "3 fois par jour", "Douleurs"),
    ("Amoxicilline", "1 g", "2 fois par jour", "Infection cutanée"),
    ("Buprénorphine", "8 mg", "1 fois par jour", "Traitement de substitution"),
    ("Méthadone", "60 mg", "1 fois par jour", "Traitement de substitution"),
    ("Oméprazole", "20 mg", "le matin", "Brûlures d'estomac"),
    ("Salbutamol", "2 bouffées", "si besoin", "Asthme"),
    ("Metformine", "850 mg", "matin et soir", "Diabète"),
    ("Amlodipine", "5 mg", "le matin", "Hypertension"),
]
WINDOW_DAYS = 60  # consultations fall in the last and next two months, like the actions


def _skewed(rng: random.Random, items: list[Any], count: int) -> Iterator[Any]:
    """Most persons get a few rows, a few get many (the same Pareto weights as bench.seed)."""
    weights = [min(rng.paretovariate(1.1), 400.0) for _ in items]
    return iter(rng.choices(items, weights=weights, k=count))


@transaction.atomic
def seed_medical(
    member: Member, heavy: Person, people: list[Person], team_of: dict[Any, Any], sizes: dict[str, int]
) -> None:
    """`heavy` gets the heavy medical file; the other rows spread over `people` (which holds neither `heavy` nor
    the marked person). `member`: a health professional whose keyring holds K_health (the bench's first admin)."""
    admin, keyring, organisation = member.user, member.keyring, member.user.organisation
    assert organisation is not None and keyring.has(KeyKind.HEALTH)
    rng = random.Random(23)  # noqa: S311  (reproducible bench data, a stream of its own)
    links: dict[Any, str] = {}

    def link(person: Person) -> str:
        if person.pk not in links:
            links[person.pk] = person_link(keyring, person.pk)
        return links[person.pk]

    teams = list(organisation.teams.order_by("name"))
    health = list(
        User.objects.filter(organisation=organisation, is_health_professional=True, role__in=HEALTH_ROLES).exclude(
            pk=admin.pk
        )
    )
    consultations = [heavy] * HEAVY_CONSULTATIONS
    consultations += list(_skewed(rng, people, max(0, sizes["consultations"] - HEAVY_CONSULTATIONS)))
    treatments = [heavy] * HEAVY_TREATMENTS
    treatments += list(_skewed(rng, people, max(0, sizes["treatments"] - HEAVY_TREATMENTS)))
    now = timezone.now()
    batch: list[Consultation] = []
    through = Consultation.teams.through
    team_rows = []
    for person in consultations:
        consultation = _consultation(rng, organisation, admin, keyring, person, link(person), now, health)
        batch.append(consultation)
        own = team_of[person.pk]
        team_rows.append(through(consultation_id=consultation.pk, team_id=own))
        if rng.random() < 0.1 and len(teams) > 1:  # a few are shared with a second team
            other = rng.choice([t for t in teams if t.pk != own])
            team_rows.append(through(consultation_id=consultation.pk, team_id=other.pk))
        if len(batch) == BATCH:
            Consultation.objects.bulk_create(batch)
            batch = []
    Consultation.objects.bulk_create(batch)
    through.objects.bulk_create(team_rows, batch_size=BATCH)
    today = timezone.localdate()
    rows = [_treatment(rng, organisation, admin, keyring, person, link(person), today) for person in treatments]
    Treatment.objects.bulk_create(rows, batch_size=BATCH)
    MedicalFile.objects.bulk_create(
        [
            records_build(
                MedicalFile,
                keyring=keyring,
                organisation=organisation,
                user=admin,
                data={
                    "person": str(heavy.pk),
                    "custom": {"numero_securite_sociale": "1 84 12 69 123 456 78"},
                    "history": [],
                },
                person_link=link(heavy),
            )
        ]
    )
    medical_index_rebuild(organisation.pk, keyring)  # the search shards the services keep up to date


def seed_medical_later(member: Member, organisation: Organisation, sizes: dict[str, int], *, marked: str) -> None:
    """The health rows added to a database seeded before the medical app: the marked person found by a search, the
    heavy medical file on the first other person by id."""
    found = person_search(user=member.user, keyring=member.keyring, query=marked, page=1)
    marked_id = next(iter(found)).person_id
    people = list(
        Person.objects.filter(organisation=organisation, deleted_at=None).exclude(pk=marked_id).order_by("pk")
    )
    through = Person.teams.through
    team_of = dict(through.objects.filter(person__organisation=organisation).values_list("person_id", "team_id"))
    seed_medical(member, people[0], people[1:], team_of, sizes)


def _consultation(
    rng: random.Random,
    organisation: Organisation,
    admin: User,
    keyring: Keyring,
    person: Person,
    link: str,
    now: datetime,
    health: list[User],
) -> Consultation:
    """Past ones mostly done (a few cancelled or still to do), future ones to do; 5 % private to someone."""
    due = now + timedelta(minutes=rng.randint(-60 * 24 * WINDOW_DAYS, 60 * 24 * WINDOW_DAYS))
    status = Status.TODO if due > now or rng.random() < 0.15 else rng.choice([Status.DONE] * 4 + [Status.CANCELLED])
    private = rng.random() < PRIVATE_SHARE
    owner = (admin if rng.random() < 0.5 or not health else rng.choice(health)) if private else None
    return records_build(
        Consultation,
        keyring=keyring,
        organisation=organisation,
        user=admin,
        data={
            "person": str(person.pk),
            "type": CONSULTATION_TYPE,
            "name": rng.choice(CONSULTATION_NAMES),
            "custom": {"description": rng.choice(CONSULTATION_TEXTS)},
            "history": [],
        },
        person_link=link,
        status=status,
        due_at=due,
        completed_at=due + timedelta(minutes=30) if status != Status.TODO else None,
        only_visible_by=owner,
    )


def _treatment(
    rng: random.Random,
    organisation: Organisation,
    admin: User,
    keyring: Keyring,
    person: Person,
    link: str,
    today: date,
) -> Treatment:
    """Started within two years; a third still open-ended, the others ended or ending within six months."""
    name, dosage, frequency, indication = rng.choice(TREATMENTS)
    start = today - timedelta(days=rng.randint(0, 730))
    end = None if rng.random() < 1 / 3 else start + timedelta(days=rng.randint(5, 180))
    return records_build(
        Treatment,
        keyring=keyring,
        organisation=organisation,
        user=admin,
        data={
            "person": str(person.pk),
            "name": name,
            "dosage": dosage,
            "frequency": frequency,
            "indication": indication,
            "start": start.isoformat(),
            "end": end.isoformat() if end else None,
            "history": [],
        },
        person_link=link,
    )


def heavy_person(organisation_id: Any, keyring: Keyring) -> UUID:
    """The designated person: the one link with the most consultations, its person id read from a payload."""
    rows = Consultation.objects.filter(organisation_id=organisation_id, deleted_at=None)
    top = rows.values("person_link").annotate(n=Count("id")).order_by("-n").first()
    assert top is not None, "no consultations seeded"
    one = rows.filter(person_link=top["person_link"]).first()
    assert one is not None
    return UUID(record_data(one, keyring)["person"])


def consultations_on(organisation_id: Any, day: date) -> int:
    """How many consultations the agenda places on this day (a day team's window), all statuses."""
    start, end = day_window(day, night=False)
    rows = Consultation.objects.filter(organisation_id=organisation_id, deleted_at=None)
    return rows.filter(agenda_at__gte=start, agenda_at__lt=end).count()
