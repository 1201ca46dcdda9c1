"""Demo medical data, written through the medical services by the health-professional admin: medical files,
consultations around today, treatments and a few medical comments (one urgent)."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from mano.accounts.models import Team
from mano.accounts.services.bootstrap import Member
from mano.medical.models import Status
from mano.medical.services.comments import medical_comment_create
from mano.medical.services.consultations import ConsultationInput, consultation_create
from mano.medical.services.files import medical_file_save
from mano.medical.services.treatments import TreatmentInput, treatment_create
from mano.persons.models import Person

REASONS = ["Plaie au pied", "Toux persistante", "Renouvellement d’ordonnance", "Suivi diabète", "Dépistage VHC"]
TREATMENTS = [
    ("Amoxicilline", "1 g", "3 fois par jour", "Infection cutanée"),
    ("Paracétamol", "1 g", "si douleur, 4 fois par jour au plus", "Douleurs"),
    ("Méthadone", "40 mg", "1 fois par jour", "TSO"),
    ("Metformine", "850 mg", "2 fois par jour", "Diabète"),
]


def seed_medical(admin: Member, teams: list[Team], persons: list[Person], rng: random.Random) -> None:
    user, keyring = admin.user, admin.keyring
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    for index, person in enumerate(rng.sample(persons, min(30, len(persons)))):
        born = f"{rng.choice('12')} {rng.randint(50, 99)} {rng.randint(1, 12):02d}"
        ssn = f"{born} 75 {rng.randint(100, 999)} {rng.randint(100, 999)}"
        medical_file_save(
            user=user, keyring=keyring, person=person, custom={"numero_securite_sociale": ssn}, expected_version=0
        )
        for _ in range(rng.randint(1, 3)):
            when = now + timedelta(days=rng.randint(-20, 10), hours=rng.randint(-3, 5))
            status = Status.TODO if when > now else rng.choice([Status.DONE, Status.DONE, Status.CANCELLED])
            values: dict[str, Any] = {"description": rng.choice(REASONS)}
            consultation_create(
                user=user,
                keyring=keyring,
                person=person,
                values=ConsultationInput(
                    type="Médicale",
                    due_at=when,
                    status=status,
                    teams=[rng.choice(teams[:2])],
                    custom=values,
                    completed_at=when if status != Status.TODO else None,
                ),
            )
        if index % 3 == 0:
            name, dosage, frequency, indication = rng.choice(TREATMENTS)
            start = (now - timedelta(days=rng.randint(5, 200))).date()
            treatment_create(
                user=user,
                keyring=keyring,
                person=person,
                values=TreatmentInput(
                    name=name, start=start, dosage=dosage, frequency=frequency, indication=indication
                ),
            )
        if index % 5 == 0:
            medical_comment_create(
                user=user,
                keyring=keyring,
                person=person,
                text="Allergie à la pénicilline signalée." if index == 0 else "Vu en consultation, à revoir.",
                urgent=index == 0,
                team=teams[0],
            )
