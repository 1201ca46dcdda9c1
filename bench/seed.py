"""A large organisation for benchmarks, written with the real encryption through bulk paths.

Sizes are the reference of issue 5; BENCH_SIZE=small divides them by ten and BENCH_SIZE=large (issue 13: the largest
organisations) multiplies them by 1.5. The directory keeps its 5,000 structures at every size: a city's directory does
not grow or shrink with the team. The health rows (consultations, treatments) are in bench.seed_medical; territories,
observations and the reports' handover notes in bench.seed_territories.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from bench.seed_medical import seed_medical, seed_medical_later
from bench.seed_territories import seed_reports, seed_territories
from mano.accounts.models import Organisation, Role, User
from mano.accounts.services.auth import login
from mano.accounts.services.bootstrap import (
    Member,
    charter_accept,
    member_add_active,
    organisation_bootstrap,
    teams_create,
)
from mano.agenda.models import Action, Status
from mano.agenda.search import action_texts
from mano.core import grouped, statstore
from mano.core.models import StatShard
from mano.core.records import records_build
from mano.demo.data import DESCRIPTIONS, demo_person, seed_reception
from mano.medical.index import medical_index_rebuild
from mano.medical.models import Consultation, MedicalShard
from mano.persons.index import bucket_of, card_envelope, card_of, search_of, shard_envelope, shard_line
from mano.persons.models import Comment, Passage, Person, PersonIndex, PersonShard, Rencontre
from mano.persons.services.persons import FIXED_FIELDS
from mano.persons.text import fold
from mano.reports.models import Report as HandoverNote
from mano.structures.models import Structure, facets_of, name_key_of
from mano.structures.services import categories_of, search_text, structure_clean
from mano.structures.vocabulary import ACCESS_CONDITIONS, PUBLICS
from mano.territories.models import Observation

Meeting = TypeVar("Meeting", Passage, Rencontre)

ORGANISATION = "Maraude bench"
PASSWORD = "mano-bench-2026"
ADMIN_EMAIL = "bench-admin@bench.mano.local"
MARKED_PERSON = "Bench Cinquante Commentaires"
FULL = {
    "persons": 20_000,
    "comments": 300_000,
    "passages": 200_000,
    "rencontres": 50_000,
    "teams": 30,
    "users": 300,
    "actions": 100_000,
    "territories": 300,
    "observations": 10_000,
    "consultations": 20_000,
    "treatments": 5_000,
}
COMMENT_TEXTS = [
    "Vu au camion, va mieux depuis la semaine dernière.",
    "Besoin d'une domiciliation au CCAS.",
    "Orientation vers le CSAPA pour un suivi.",
    "A récupéré sa carte d'identité.",
    "Demande de duvet et de chaussettes.",
    "Rendez-vous pris à la PASS mardi.",
    "Pas vu depuis dix jours, à rechercher.",
    "Dort sous le pont avec son chien.",
]
BATCH = 5000
STRUCTURES = 5000


@dataclass
class Report:
    sizes: dict[str, int]
    seconds: dict[str, float]
    skipped: list[str]


# Each size as a fraction of FULL: large is the largest organisations' shape (issue 13), full × 1.5.
SCALES = {"small": (1, 10), "full": (1, 1), "large": (3, 2)}


def sizes_for(size: str) -> dict[str, int]:
    if size not in SCALES:
        raise ValueError(f"Unknown bench size {size!r}: choose one of {', '.join(SCALES)}")
    times, per = SCALES[size]
    return {**{k: max(1, v * times // per) for k, v in FULL.items()}, "structures": STRUCTURES}


def _timed(report: Report, name: str, work: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = work()
    report.seconds[name] = round(time.perf_counter() - started, 1)
    return result


def _skewed(rng: random.Random, items: list[Any], count: int) -> Iterator[Any]:
    """Most persons get a few items, a few get hundreds (Pareto weights)."""
    weights = [min(rng.paretovariate(1.1), 400.0) for _ in items]
    return iter(rng.choices(items, weights=weights, k=count))


def seed(size: str) -> Report:
    """Create the bench organisation once (idempotent: an existing one is kept)."""
    sizes = sizes_for(size)
    report = Report(sizes=sizes, seconds={}, skipped=[])
    existing = Organisation.objects.filter(name=ORGANISATION).first()
    if existing is not None:
        if not existing.reception_enabled:  # a database seeded before the reception desk existed
            _timed(report, "reception", lambda: _reception(existing))
        if not Structure.objects.filter(organisation=existing).exists():  # seeded before the directory existed
            _timed(report, "structures", lambda: _structures(existing, sizes["structures"]))
            _timed(report, "analyze", _analyze)
        if not Consultation.objects.filter(organisation=existing).exists():  # seeded before the medical app
            later = login(email=ADMIN_EMAIL, password=PASSWORD)
            admin = Member(later.user, PASSWORD, later.keyring)
            _timed(report, "medical", lambda: seed_medical_later(admin, existing, sizes, marked=MARKED_PERSON))
            _timed(report, "analyze", _analyze)
        elif not MedicalShard.objects.filter(organisation=existing).exists():  # seeded before the medical shards
            later = login(email=ADMIN_EMAIL, password=PASSWORD)
            _timed(report, "medical_shards", lambda: medical_index_rebuild(existing.pk, later.keyring))
        if not Observation.objects.filter(organisation=existing).exists():  # seeded before the territories
            _timed(report, "territories", lambda: seed_territories(_admin(), existing, sizes))
            _timed(report, "analyze", _analyze)
        if not HandoverNote.objects.filter(organisation=existing).exists():  # seeded before the reports
            _timed(report, "reports", lambda: seed_reports(_admin(), existing))
            _timed(report, "analyze", _analyze)
        stored = set(StatShard.objects.filter(organisation=existing).values_list("source", flat=True))
        missing = [name for name in statstore.SOURCES if name not in stored]  # seeded before these sources
        if missing:
            keyring = _admin().keyring  # the bench admin is a health professional: the medical source too
            _timed(report, "statistics store", lambda: statstore.rebuild(existing.pk, keyring, sources=missing))
        return report
    rng = random.Random(20)  # noqa: S311  (reproducible bench data)
    admin, teams = _timed(report, "organisation", lambda: _organisation(sizes))
    _timed(report, "users", lambda: _users(admin, teams, sizes["users"]))
    persons, team_of = _timed(report, "persons", lambda: _persons(admin, teams, sizes["persons"], rng))
    texts = _timed(report, "comments", lambda: _comments(admin, teams, persons, sizes["comments"], rng))
    _timed(report, "passages+rencontres", lambda: _meetings(admin, teams, persons, sizes, rng))
    actions = _timed(report, "actions", lambda: _actions(admin, persons, team_of, sizes["actions"], rng))
    _timed(report, "reception", lambda: _reception(Organisation.objects.get(name=ORGANISATION)))
    _timed(report, "structures", lambda: _structures(Organisation.objects.get(name=ORGANISATION), sizes["structures"]))
    _timed(report, "search index", lambda: _indexes(admin, persons, texts, team_of, actions))
    people = [p for p, _ in persons]  # the marked person (first) gets no health rows; the second is the heavy one
    _timed(report, "medical", lambda: seed_medical(admin, people[1], people[2:], team_of, sizes))
    organisation = Organisation.objects.get(name=ORGANISATION)
    _timed(report, "territories", lambda: seed_territories(admin, organisation, sizes))
    _timed(report, "reports", lambda: seed_reports(admin, organisation))
    # The bulk paths above skip the services: the statistics store is built from the records once, at the end.
    _timed(report, "statistics store", lambda: statstore.rebuild(organisation.pk, admin.keyring))
    _timed(report, "analyze", _analyze)
    return report


def _admin() -> Member:
    """The bench admin with its keyring, for the steps added to an organisation seeded earlier."""
    later = login(email=ADMIN_EMAIL, password=PASSWORD)
    return Member(later.user, PASSWORD, later.keyring)


def _reception(organisation: Organisation) -> None:
    """The reception desk on with the demo's services and a week of counts per team."""
    seed_reception(organisation.pk, list(organisation.teams.order_by("name")), random.Random(21))  # noqa: S311


def _analyze() -> None:
    """Fresh planner statistics, as a production database has them after its first maintenance run; on PostgreSQL
    a vacuum too, as autovacuum gives a table after bulk inserts: without its visibility map every index-only scan
    reads the table (a week's actions: 31 → 19 ms, their persons' versions 24 → 11 ms at full size)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _organisation(sizes: dict[str, int]) -> tuple[Member, list[Any]]:
    admin, _ = organisation_bootstrap(
        name=ORGANISATION, admin_email=ADMIN_EMAIL, admin_name="Admin Bench", password=PASSWORD
    )
    charter_accept(user=admin.user)
    teams = teams_create(admin=admin, names=[(f"Équipe {i:02d}", i % 5 == 4) for i in range(sizes["teams"])])
    return admin, teams


def _users(admin: Member, teams: list[Any], count: int) -> None:
    """Members with the real Argon2id cost (one derivation each)."""
    for i in range(count - 1):
        member_add_active(
            admin=admin,
            email=f"bench-{i:03d}@bench.mano.local",
            name=f"Membre {i:03d}",
            role=Role.NORMAL if i % 10 else Role.RESTRICTED,
            password=PASSWORD,
            teams=[teams[i % len(teams)]],
            is_health_professional=i % 7 == 0,
        )


@transaction.atomic
def _persons(admin: Member, teams: list[Any], count: int, rng: random.Random) -> tuple[list[tuple[Person, dict]], dict]:
    today = timezone.localdate()
    rows = []
    for i in range(count):
        fields = demo_person(rng, today)
        if i == 0:
            fields["name"] = MARKED_PERSON
        data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in fields.items() if k in FIXED_FIELDS}
        data.update(
            custom={"resources": rng.sample(["RSA", "AAH", "ARE", "SANS"], 1)}, out_of_active_list={}, history=[]
        )
        person = records_build(
            Person,
            keyring=admin.keyring,
            organisation=admin.user.organisation,
            user=admin.user,
            data=data,
            last_interaction_at=timezone.now() - timedelta(days=rng.randint(0, 900)),
        )
        rows.append((person, data))
    Person.objects.bulk_create([p for p, _ in rows], batch_size=BATCH)
    through = Person.teams.through
    links = [through(person_id=p.pk, team_id=rng.choice(teams).pk) for p, _ in rows]
    through.objects.bulk_create(links, batch_size=BATCH)
    return rows, {link.person_id: link.team_id for link in links}


@transaction.atomic
def _comment_text(rng: random.Random) -> str:
    """A sentence of the pool, most often followed by a detail that varies (a date, an hour, a place), as real notes
    are: a person's comments share their common words but not all of them (the search shards keep each word once,
    and a pool of whole sentences would flatter that)."""
    text = rng.choice(COMMENT_TEXTS + DESCRIPTIONS[:-1])
    if rng.random() < 0.7:
        day, month, hour = f"{rng.randint(1, 28):02d}", f"{rng.randint(1, 12):02d}", rng.randint(8, 21)
        details = [
            f"Revu le {day}/{month} vers {hour}h.",
            f"RDV le {day}/{month} à {hour}h30.",
            f"Croisé à {rng.choice(PLACE_NAMES)} vers {hour}h{rng.choice(['', '15', '30', '45'])}.",
        ]
        text = f"{text} {rng.choice(details)}"
    return text


def _comments(
    admin: Member, teams: list[Any], persons: list[tuple[Person, dict]], count: int, rng: random.Random
) -> dict[Any, list[str]]:
    texts: dict[Any, list[str]] = defaultdict(list)
    marked = persons[0][0]
    targets = [marked] * 50
    others = [p for p, _ in persons[1:]]
    targets += list(_skewed(rng, others, max(0, count - 50)))
    batch = []
    for person in targets:
        text = _comment_text(rng)
        texts[person.pk].append(fold(text))
        urgent = rng.random() < 0.002
        batch.append(
            records_build(
                Comment,
                keyring=admin.keyring,
                organisation=admin.user.organisation,
                user=admin.user,
                data={"text": text, "urgent": urgent, "date": timezone.now().isoformat()},
                person=person,
                team=rng.choice(teams),
                urgent=urgent,
            )
        )
        if len(batch) == BATCH:
            Comment.objects.bulk_create(batch)
            batch = []
    Comment.objects.bulk_create(batch)
    return texts


@transaction.atomic
def _meetings(
    admin: Member, teams: list[Any], persons: list[tuple[Person, dict]], sizes: dict[str, int], rng: random.Random
) -> None:
    people = [p for p, _ in persons]
    now = timezone.now()
    _meetings_of(Passage, admin, teams, people, sizes["passages"], rng, now)
    _meetings_of(Rencontre, admin, teams, people, sizes["rencontres"], rng, now)


def _meetings_of(
    model: type[Meeting],
    admin: Member,
    teams: list[Any],
    people: list[Person],
    count: int,
    rng: random.Random,
    now: datetime,
) -> None:
    batch: list[Meeting] = []
    for person in _skewed(rng, people, count):
        batch.append(
            records_build(
                model,
                keyring=admin.keyring,
                organisation=admin.user.organisation,
                user=admin.user,
                data={"comment": ""},
                person=person,
                team=rng.choice(teams),
                date=now - timedelta(minutes=rng.randint(0, 525600)),
            )
        )
        if len(batch) == BATCH:
            model.objects.bulk_create(batch)
            batch = []
    model.objects.bulk_create(batch)


ACTION_NAMES = [
    "Rendez-vous CCAS",
    "Accompagnement PASS",
    "Demande de domiciliation",
    "Dossier RSA",
    "Appel au 115",
    "Rendez-vous CSAPA",
    "Récupérer la carte d'identité",
    "Orientation accueil de jour",
]


@transaction.atomic
def _actions(
    admin: Member, persons: list[tuple[Person, dict]], team_of: dict[Any, Any], count: int, rng: random.Random
) -> dict[Any, list[dict[str, Any]]]:
    """Actions spread over four months around today; past ones mostly done, a few urgent. Returns their payloads
    by person (the search lines hold their texts)."""
    payloads: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    now = timezone.now()
    batch, links = [], []
    for person in _skewed(rng, [p for p, _ in persons], count):
        due = now + timedelta(minutes=rng.randint(-60 * 24 * 60, 60 * 24 * 60))
        status = (
            Status.TODO if due > now or rng.random() < 0.2 else rng.choice([Status.DONE, Status.DONE, Status.CANCELLED])
        )
        data = {"name": rng.choice(ACTION_NAMES), "description": "", "categories": []}
        payloads[person.pk].append(data)
        action = records_build(
            Action,
            keyring=admin.keyring,
            organisation=admin.user.organisation,
            user=admin.user,
            data=data,
            person=person,
            due_at=due,
            urgent=rng.random() < 0.03,
            status=status,
            completed_at=due + timedelta(hours=1) if status != Status.TODO else None,
        )
        batch.append(action)
        links.append(Action.teams.through(action_id=action.pk, team_id=team_of[person.pk]))
        if len(batch) == BATCH:
            Action.objects.bulk_create(batch)
            batch = []
    Action.objects.bulk_create(batch)
    Action.teams.through.objects.bulk_create(links, batch_size=BATCH)
    return payloads


@transaction.atomic
def _indexes(
    admin: Member,
    persons: list[tuple[Person, dict]],
    texts: dict[Any, list[str]],
    team_of: dict[Any, Any],
    actions: dict[Any, list[dict[str, Any]]],
) -> None:
    org_id = admin.user.member_organisation_id
    cards = [(p, card_of(d)) for p, d in persons]
    PersonIndex.objects.bulk_create(
        [
            PersonIndex(person=p, organisation_id=org_id, card=card_envelope(p, card, admin.keyring))
            for p, card in cards
        ],
        batch_size=BATCH,
    )
    buckets: dict[int, list[str]] = defaultdict(list)
    for (person, data), (_, card) in zip(persons, cards, strict=True):
        search = search_of(data, texts.get(person.pk, []))
        search.update({kind: [fold(t) for t in found] for kind, found in action_texts(actions[person.pk]).items()})
        line = shard_line(person.pk, [team_of[person.pk]], card, search)
        buckets[bucket_of(person.pk)].append(line)
    PersonShard.objects.bulk_create(
        [
            PersonShard(organisation_id=org_id, bucket=b, payload=shard_envelope(org_id, b, lines, admin.keyring))
            for b, lines in buckets.items()
        ]
    )


# The kinds of place by category, the names they take and where they are: combined into distinct names.
STRUCTURE_KINDS = {
    "Douche": ["Bains-douches", "Douches solidaires", "Espace hygiène"],
    "Laverie": ["Laverie solidaire", "Espace hygiène et laverie"],
    "Halte de nuit": ["Halte de nuit", "Accueil de nuit"],
    "Hébergement d’urgence": ["Mise à l’abri", "Centre d’hébergement d’urgence"],
    "Distribution alimentaire": ["Restos du Cœur", "Distribution alimentaire", "Banque alimentaire"],
    "Épicerie solidaire": ["Épicerie solidaire"],
    "Accueil de jour": ["Accueil de jour", "Boutique solidarité"],
    "PASS": ["PASS"],
    "CSAPA": ["CSAPA"],
    "CAARUD": ["CAARUD"],
    "Domiciliation": ["Point Droits", "Domiciliation"],
    "Santé mentale": ["Centre médico-psychologique", "Équipe mobile psychiatrie précarité"],
    "Insertion professionnelle": ["Chantier d’insertion", "Atelier d’insertion"],
}
PLACE_NAMES = [
    "Saint-Jean",
    "Le Phare",
    "Horizon",
    "L’Escale",
    "Les Tilleuls",
    "Le Panier",
    "La Passerelle",
    "Rive Gauche",
    "Gerland",
    "Guillotière",
    "Croix-Rousse",
    "Part-Dieu",
    "Perrache",
    "Vaise",
    "Monplaisir",
    "Les Brotteaux",
    "La Duchère",
    "Jean-Macé",
    "Le Relais",
    "L’Étape",
    "La Boussole",
    "Le Refuge",
    "L’Oasis",
    "Le Pont",
    "Les Minimes",
    "Saint-Georges",
    "La Confluence",
    "Les États-Unis",
    "Mermoz",
    "Les Pentes",
    "Villette",
    "Sans Souci",
    "Le Tonkin",
    "Charpennes",
    "Gratte-Ciel",
    "Les Minguettes",
    "Parilly",
    "La Soie",
    "Le Moulin",
    "Les Platanes",
]
STRUCTURE_TEXTS = [
    "Serviettes et savon fournis, casiers à la journée.",
    "Accueil sans condition, boissons chaudes, chiens acceptés.",
    "Consultations sur rendez-vous, permanence sociale le mardi.",
    "Douche sur inscription, café et bagagerie.",
    "Colis alimentaires sur inscription.",
    "Domiciliation, ouverture de droits, aide aux démarches.",
    "Matériel de réduction des risques, accueil, écoute.",
    "",
]
CITIES = [
    ("Lyon", "69007", 45.75, 4.84),
    ("Villeurbanne", "69100", 45.77, 4.88),
    ("Vénissieux", "69200", 45.70, 4.88),
    ("Vaulx-en-Velin", "69120", 45.78, 4.92),
    ("Bron", "69500", 45.74, 4.91),
    ("Saint-Fons", "69190", 45.71, 4.85),
    ("Oullins", "69600", 45.71, 4.81),
    ("Caluire-et-Cuire", "69300", 45.80, 4.85),
]
OPENING_HOURS = [
    "24/7",
    "Mo-Su 21:00-08:00",
    "Mo-Fr 09:00-12:00,14:00-17:00; PH off",
    "Mo-Fr 09:00-17:00; PH off",
    "Tu-Sa 08:30-12:00,13:30-17:00; PH off",
    "Mo-Fr 08:30-16:30; PH off",
    "Tu,Th 14:00-17:00; PH off",
    "Mo-Fr 09:00-16:00; Sa 09:00-12:00",
    "Mo,We,Fr 09:30-12:30",
    "We,Fr 10:00-18:00",
    "Mo-Th 08:00-12:00",
    "Mo-Fr 13:30-18:00; PH off",
    "Sa,Su 10:00-16:00",
    "",
]


def _structure_data(rng: random.Random, categories: list[str], taken: set[str]) -> dict[str, Any]:
    """One directory entry as a form would send it: a third without a position, a few without hours."""
    kind = rng.choice(list(STRUCTURE_KINDS))
    city, postcode, lat, lon = rng.choice(CITIES)
    others = rng.sample(categories, rng.randint(0, 2))
    located = rng.random() < 2 / 3
    name = base = f"{rng.choice(STRUCTURE_KINDS[kind])} {rng.choice(PLACE_NAMES)} – {city}"
    site = 1
    while name_key_of(name) in taken:
        site += 1
        name = f"{base} (site {site})"
    taken.add(name_key_of(name))
    return {
        "name": name,
        "description": rng.choice(STRUCTURE_TEXTS),
        "address": f"{rng.randint(1, 120)} rue {rng.choice(PLACE_NAMES)}",
        "postcode": postcode,
        "city": city,
        "latitude": round(lat + rng.uniform(-0.03, 0.03), 6) if located else None,
        "longitude": round(lon + rng.uniform(-0.04, 0.04), 6) if located else None,
        "phones": [f"04 72 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"],
        "categories": [kind, *others],
        "publics": rng.sample(PUBLICS, rng.randint(1, 3)),
        "access_conditions": rng.sample(ACCESS_CONDITIONS, rng.randint(0, 2)),
        "languages": ["français"],
        "opening_hours": rng.choice(OPENING_HOURS),
    }


@transaction.atomic
def _structures(organisation: Organisation, count: int) -> None:
    """The directory, held to the form's rules (structure_clean) and written in bulk."""
    rng = random.Random(22)  # noqa: S311
    admin = User.objects.get(email=ADMIN_EMAIL)
    categories = grouped.all_items(categories_of(organisation))
    rows: list[Structure] = []
    taken: set[str] = set()
    for _ in range(count):
        fields = structure_clean(organisation, _structure_data(rng, categories, taken))
        rows.append(
            Structure(
                organisation=organisation,
                name_key=name_key_of(fields["name"]),
                search_text=search_text(fields),
                facets=facets_of(fields["categories"], fields["publics"]),
                created_by=admin,
                updated_by=admin,
                **fields,
            )
        )
    Structure.objects.bulk_create(rows, batch_size=BATCH)
