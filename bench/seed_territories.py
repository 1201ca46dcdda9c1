"""The bench organisation's territories, their observations and the teams' handover notes, written in bulk.

Like the app writes them (mano.territories.services, mano.reports.services): names and observation values under
K_general, only the territory, team and moment in plaintext. 300 territories (30 at the small size), each watched by
one team, some far more often than others (Pareto weights); 10,000 observations (1,000 small) over the last six months
and the next three days, in the team's hours (day teams 9:00–19:00, night teams 20:00–3:00), with the values a
team enters (counts of people met, police, material picked up, atmosphere, mediations, a comment now and then).
A territory no longer watched is archived the day after its last observation.

The handover notes ("transmissions"): one report per team on about 60 % of the last 90 days, a short note, and a
co-intervention named on a quarter of them, from names added to the organisation's co-interventions list. The
small size divides them by ten through its number of teams.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from mano.accounts.models import Organisation, Team
from mano.accounts.services.bootstrap import Member
from mano.agenda.days import day_window
from mano.core import grouped
from mano.core.records import records_build
from mano.persons.models import Passage
from mano.reports.models import Report
from mano.territories.models import Observation, Territory

BATCH = 5000
PAST_DAYS = 182  # observations over the last six months…
AHEAD_DAYS = 3  # …and the next days (entered ahead by a team, or planned)
ARCHIVED_SHARE = 0.05
REPORT_DAYS = 90  # handover notes over the last three months
REPORT_SHARE = 0.6
COLLABORATION_SHARE = 0.25
COLLABORATIONS_GROUP = "Co-interventions"
COLLABORATIONS = [
    "SAMU social",
    "Médecins du Monde",
    "CAARUD Pause Diabolo",
    "Équipe mobile psychiatrie précarité",
    "Croix-Rouge – maraude",
    "Police municipale",
    "Service propreté de la ville",
]
PLACES = [
    "quai Perrache",
    "gare Part-Dieu",
    "parc de Gerland",
    "pont de la Guillotière",
    "place Bellecour",
    "berges du Rhône",
    "tunnel de la Croix-Rousse",
    "cours Charlemagne",
    "place Gabriel Péri",
    "rue Paul Bert",
    "square Jean-Macé",
    "parking Saint-Antoine",
    "échangeur de Vaise",
    "rue de la Villette",
    "place des Terreaux",
    "périphérique nord",
    "avenue Berthelot",
    "Grange-Blanche",
]
KINDS = ["Campement", "Squat", "Abri", "Lieu de vie", "Point de deal", "Passage", "Tentes", "Halle"]
PERIMETERS = [
    "Sous le pont, côté fleuve, jusqu'à l'escalier.",
    "Le parvis et les arcades de la sortie est.",
    "Le long du mur, entre le parking et l'arrêt de bus.",
    "Les deux entrées du bâtiment et la cour.",
    "",
]
DESCRIPTIONS = [
    "Une dizaine de tentes, présence de chiens.",
    "Lieu de consommation, matériel souvent retrouvé au sol.",
    "Familles avec enfants, passage régulier de la PMI.",
    "Groupe stable depuis l'été, bonnes relations avec les riverains.",
    "Occupation intermittente, surtout l'hiver.",
    "",
]
OBSERVATION_TEXTS = [
    "Deux nouvelles tentes depuis la semaine dernière.",
    "Riverains mécontents, médiation avec le gardien.",
    "Distribution de café et de kits d'hygiène.",
    "Passage de la police, pas d'évacuation.",
    "Beaucoup de matériel ramassé près du muret.",
    "Calme, personne ne souhaite d'accompagnement.",
]
NOTES = [
    "Tournée calme, rien à signaler.",
    "Beaucoup de monde au camion, plus de café à 21 h.",
    "Accompagnement à la PASS ce matin, à suivre demain.",
    "Tensions au campement du quai, repasser en binôme.",
    "Deux nouvelles personnes rencontrées gare Part-Dieu, fiches créées.",
    "Stock de duvets bas : penser à passer au local.",
    "Évacuation annoncée pour la semaine prochaine, prévenir les personnes.",
    "Rendez-vous CCAS reporté, rappeler lundi.",
    "Relais au 115 pour une famille, pas de place ce soir.",
    "Le véhicule fait un bruit bizarre, signalé au garage.",
]


def territory_sizes(sizes: dict[str, int]) -> tuple[int, int]:
    """(territories, observations) of a size: 300 and 10,000 full, a tenth small."""
    return sizes["territories"], sizes["observations"]


def _moment(rng: random.Random, team: Team, day: date) -> datetime:
    """A moment of the team's round on `day`: 9:00–19:00 for a day team, 20:00–3:00 for a night team."""
    first, last = (20 * 60, 27 * 60) if team.night_team else (9 * 60, 19 * 60)
    local = datetime.combine(day, time(0)) + timedelta(minutes=rng.randint(first, last - 1))
    return timezone.make_aware(local)


def _custom(rng: random.Random, keys: set[str]) -> dict[str, Any]:
    """Values of the default observation fields as the form stores them (numbers as ints, "Oui"/"Non", None when
    left empty); only the keys the organisation has."""
    values: dict[str, Any] = {
        "personsMale": min(15, int(rng.expovariate(0.4))),
        "personsFemale": min(8, int(rng.expovariate(1.2))),
        "personsMinors": rng.choice([1, 2, 3]) if rng.random() < 0.05 else 0,
        "police": rng.choices(["Oui", "Non", None], weights=[15, 60, 25])[0],
        "material": min(60, int(rng.expovariate(0.15))) if rng.random() < 0.6 else None,
        "atmosphere": rng.choices(["RAS", "Tensions", "Violences"], weights=[75, 20, 5])[0],
        "mediation": rng.choice([1, 1, 2, 3]) if rng.random() < 0.2 else 0,
        "comment": rng.choice(OBSERVATION_TEXTS) if rng.random() < 0.3 else None,
    }
    return {k: v for k, v in values.items() if k in keys}


def _territory_data(rng: random.Random, types: list[str], taken: set[str]) -> dict[str, Any]:
    name = base = f"{rng.choice(KINDS)} {rng.choice(PLACES)}"
    number = 1
    while name in taken:
        number += 1
        name = f"{base} {number}"
    taken.add(name)
    return {
        "name": name,
        "types": rng.sample(types, rng.randint(1, 2)) if types else [],
        "perimeter": rng.choice(PERIMETERS),
        "description": rng.choice(DESCRIPTIONS),
        "history": [],
    }


@transaction.atomic
def seed_territories(member: Member, organisation: Organisation, sizes: dict[str, int]) -> int:
    """The territories and their observations; returns how many observations were written."""
    admin, keyring = member.user, member.keyring
    rng = random.Random(24)  # noqa: S311  (reproducible bench data, a stream of its own)
    territory_count, observation_count = territory_sizes(sizes)
    teams = list(organisation.teams.order_by("name"))
    types = grouped.all_items(organisation.territory_types)
    keys = {f["key"] for g in organisation.observation_field_groups for f in g.get("fields", [])}
    taken: set[str] = set()
    places = [_territory_data(rng, types, taken) for _ in range(territory_count)]
    watched_by = [teams[i % len(teams)] for i in range(territory_count)]  # every team watches a few places
    weights = [min(rng.paretovariate(1.1), 40.0) for _ in places]
    now = timezone.now()
    today = timezone.localdate()
    planned: list[tuple[int, Team, datetime]] = []
    for index in rng.choices(range(territory_count), weights=weights, k=observation_count):
        team = watched_by[index] if rng.random() < 0.85 else rng.choice(teams)
        day = today + timedelta(days=rng.randint(-PAST_DAYS, AHEAD_DAYS))
        planned.append((index, team, _moment(rng, team, day)))
    last_seen: dict[int, datetime] = {}
    for index, _team, moment in planned:
        last_seen[index] = max(moment, last_seen.get(index, moment))
    territories = []
    for index, data in enumerate(places):
        archived = None
        if rng.random() < ARCHIVED_SHARE:
            archived = last_seen.get(index, now - timedelta(days=PAST_DAYS)) + timedelta(days=1)
            archived = archived if archived < now else None
        territories.append(
            records_build(
                Territory,
                keyring=keyring,
                organisation=organisation,
                user=admin,
                data=data,
                archived_at=archived,
            )
        )
    Territory.objects.bulk_create(territories, batch_size=BATCH)
    batch: list[Observation] = []
    for index, team, moment in planned:
        batch.append(
            records_build(
                Observation,
                keyring=keyring,
                organisation=organisation,
                user=admin,
                data={"custom": _custom(rng, keys), "persons": [], "rencontres": [], "history": []},
                territory=territories[index],
                team=team,
                observed_at=moment,
            )
        )
        if len(batch) == BATCH:
            Observation.objects.bulk_create(batch)
            batch = []
    Observation.objects.bulk_create(batch)
    return len(planned)


def _collaborations(organisation: Organisation) -> list[str]:
    """The bench's co-interventions added to the organisation's grouped list (kept if already there)."""
    groups = [dict(g, items=list(g.get("items") or [])) for g in organisation.collaborations or []]
    group = next((g for g in groups if g.get("group") == COLLABORATIONS_GROUP), None)
    if group is None:
        group = {"group": COLLABORATIONS_GROUP, "items": []}
        groups.append(group)
    group["items"] += [name for name in COLLABORATIONS if name not in grouped.all_items(groups)]
    organisation.collaborations = groups
    organisation.save(update_fields=["collaborations"])
    return list(COLLABORATIONS)


@transaction.atomic
def seed_reports(member: Member, organisation: Organisation) -> int:
    """One handover note per team on about 60 % of the last 90 days; returns how many were written."""
    admin, keyring = member.user, member.keyring
    rng = random.Random(25)  # noqa: S311
    names = _collaborations(organisation)
    today = timezone.localdate()
    rows = []
    for team in organisation.teams.order_by("name"):
        for back in range(REPORT_DAYS, 0, -1):
            if rng.random() >= REPORT_SHARE:
                continue
            chosen = [rng.choice(names)] if rng.random() < COLLABORATION_SHARE else []
            rows.append(
                records_build(
                    Report,
                    keyring=keyring,
                    organisation=organisation,
                    user=admin,
                    data={"note": rng.choice(NOTES), "collaborations": chosen, "history": []},
                    team=team,
                    date=today - timedelta(days=back),
                )
            )
    Report.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def busy_day(team: Team, today: date) -> tuple[date, int, int]:
    """The day the `report_day` line opens: the latest day before today on which `team` has a handover note and
    at least one observation (today holds the creation time of every seeded row). (day, observations, passages)."""
    notes = Report.objects.filter(team=team, date__lt=today, deleted_at=None).order_by("-date")
    for day in notes.values_list("date", flat=True):
        start, end = day_window(day, night=team.night_team)
        seen = Observation.objects.filter(team=team, deleted_at=None, observed_at__gte=start, observed_at__lt=end)
        if count := seen.count():
            passages = Passage.objects.filter(team=team, deleted_at=None, date__gte=start, date__lt=end).count()
            return day, count, passages
    raise AssertionError("no day with a handover note and observations: seed the territories")


def month_counts(organisation_id: Any, first: date, last: date) -> tuple[int, int]:
    """(observations, handover notes) of the whole organisation in [first, last] (a day team's days)."""
    start, end = day_window(first, night=False)[0], day_window(last, night=False)[1]
    seen = Observation.objects.filter(organisation_id=organisation_id, deleted_at=None)
    notes = Report.objects.filter(organisation_id=organisation_id, deleted_at=None, date__gte=first, date__lte=last)
    return seen.filter(observed_at__gte=start, observed_at__lt=end).count(), notes.count()
