"""Plausible French values for the demo organisation (no Faker at run time)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

FIRST_NAMES = [
    "Éloïse",
    "Karim",
    "Mélanie",
    "Jean-Pierre",
    "Fatou",
    "Mohamed",
    "Sandrine",
    "Thierry",
    "Aïcha",
    "Rémi",
    "Nadia",
    "Grégory",
    "Zoé",
    "Sébastien",
    "Inès",
    "Mamadou",
    "Céline",
    "Yannick",
    "Leïla",
    "Bruno",
    "Hélène",
    "Ousmane",
    "Sylvie",
    "Dimitri",
    "Amandine",
    "Patrice",
    "Chloé",
    "Rachid",
    "Océane",
    "Gaëtan",
]
LAST_NAMES = [
    "Dupont",
    "Martin",
    "Benali",
    "Lefèvre",
    "Diallo",
    "Moreau",
    "Traoré",
    "Girard",
    "Nguyen",
    "Fontaine",
    "Haddad",
    "Roussel",
    "Camara",
    "Mercier",
    "Petitjean",
    "Bouchard",
    "Kone",
    "Lemoine",
    "Rivière",
    "Boyer",
]
NICKNAMES = ["Le Grand", "Titi", "Momo", "La Rousse", "Capitaine", "Pépé", "Mimi", "Le Chti", "Zaza", "Bébert"]
GENDERS = ["Homme", "Femme", "Homme", "Femme", "Non binaire", "Aucun"]
DESCRIPTIONS = [
    "Rencontré près de la gare, dort sous le pont avec son chien.",
    "Demande d'aide pour refaire ses papiers d'identité.",
    "Orientée vers l'accueil de jour pour une douche et un repas.",
    "Suivi CSAPA en cours, vient chercher du matériel de réduction des risques.",
    "Souhaite une domiciliation au CCAS.",
    "Hébergement 115 refusé hier soir, à revoir lors de la prochaine maraude.",
    "",
]


def demo_person(rng: random.Random, today: date) -> dict[str, Any]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    name = f"{first} {last}" if rng.random() > 0.15 else rng.choice(NICKNAMES)
    followed = today - timedelta(days=rng.randint(1, 1500))
    return {
        "name": name,
        "other_names": rng.choice(NICKNAMES) if rng.random() < 0.3 else "",
        "gender": rng.choice(GENDERS),
        "birth_date": date(rng.randint(1950, 2006), rng.randint(1, 12), rng.randint(1, 28)),
        "phone": f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
        if rng.random() < 0.5
        else "",
        "email": "",
        "description": rng.choice(DESCRIPTIONS),
        "vulnerable": rng.random() < 0.1,
        "in_street_since": followed - timedelta(days=rng.randint(0, 2000)),
        "followed_since": followed,
    }


COMMENTS = [
    "Vu au camion ce soir, va mieux.",
    "Demande une domiciliation au CCAS.",
    "Orienté vers le CSAPA.",
    "A récupéré sa carte d'identité.",
    "Besoin d'un duvet et de chaussettes.",
    "Rendez-vous pris à la PASS mardi.",
]
PLACES = ["Gare Saint-Charles", "Parc Longchamp", "Square Stalingrad", "Quai du Port", "Accueil de jour Marceau"]


def seed_activity(admin: Any, teams: list[Any], persons: list[Any], rng: random.Random) -> None:
    """Comments, passages, rencontres, places and a few families, written through the real services."""
    from mano.persons.services.comments import comment_create
    from mano.persons.services.families import family_link
    from mano.persons.services.passages import passage_create, rencontre_create
    from mano.persons.services.places import place_link_add

    places: dict[str, Any] = {}
    for person in persons:
        for _ in range(rng.randint(0, 4)):
            comment_create(
                user=admin.user,
                keyring=admin.keyring,
                person=person,
                text=rng.choice(COMMENTS),
                urgent=rng.random() < 0.05,
                team=rng.choice(teams),
            )
        for _ in range(rng.randint(0, 3)):
            passage_create(
                user=admin.user,
                keyring=admin.keyring,
                team=rng.choice(teams),
                person=person,
                date=timezone.now() - timedelta(days=rng.randint(0, 60)),
            )
        if rng.random() < 0.4:
            rencontre_create(
                user=admin.user,
                keyring=admin.keyring,
                team=rng.choice(teams),
                person=person,
                date=timezone.now() - timedelta(days=rng.randint(0, 60)),
                comment="",
            )
        if rng.random() < 0.3:
            name = rng.choice(PLACES)
            link = place_link_add(
                user=admin.user,
                keyring=admin.keyring,
                person=person,
                place=places.get(name),
                name="" if name in places else name,
            )
            places[name] = link.place
    for first, second in zip(persons[0:12:2], persons[1:12:2], strict=False):
        family_link(user=admin.user, keyring=admin.keyring, person=first, other=second, description="Frère/sœur")
    seed_actions(admin, teams, persons, rng)
    seed_reception(admin.user.organisation_id, teams, rng)


ACTIONS = ["Rendez-vous CCAS", "Accompagnement PASS", "Appel au 115", "Dossier RSA", "Récupérer la carte d'identité"]
ACTION_CATEGORIES = [
    {"group": "Accès aux droits", "items": ["Domiciliation", "Dossier RSA", "CMU/PUMa"]},
    {"group": "Santé", "items": ["Rendez-vous médical", "Accompagnement hôpital"]},
    {"group": "Hébergement", "items": ["Appel 115", "Demande SIAO"]},
]
# Categories of each demo action name; the identity card stays without category (for the agenda filter).
CATEGORIES_OF: dict[str, list[list[str]]] = {
    "Rendez-vous CCAS": [["Domiciliation"], ["CMU/PUMa", "Domiciliation"]],
    "Accompagnement PASS": [["Rendez-vous médical", "Accompagnement hôpital"], ["Accompagnement hôpital"]],
    "Appel au 115": [["Appel 115"], ["Appel 115", "Demande SIAO"]],
    "Dossier RSA": [["Dossier RSA"]],
    "Récupérer la carte d'identité": [[]],
}


def seed_actions(admin: Any, teams: list[Any], persons: list[Any], rng: random.Random) -> None:
    """About one action for three persons, due within a week either side of today, a few urgent."""
    from mano.accounts.models import Organisation
    from mano.agenda.services import action_set_status, actions_create

    Organisation.objects.filter(pk=admin.user.organisation_id).update(action_categories=ACTION_CATEGORIES)
    for person in persons[::3]:
        due = timezone.now() + timedelta(hours=rng.randint(-7 * 24, 7 * 24))
        name = rng.choice(ACTIONS)
        (action,) = actions_create(
            user=admin.user,
            keyring=admin.keyring,
            persons=[person],
            name=name,
            categories=rng.choice(CATEGORIES_OF[name]),
            teams=list(person.teams.all())[:1] or teams[:1],
            due_at=due,
            with_time=rng.random() < 0.5,
            urgent=rng.random() < 0.1,
        )
        if due < timezone.now() and rng.random() < 0.7:
            action_set_status(
                user=admin.user,
                keyring=admin.keyring,
                action=action,
                status="done",
                expected_version=action.version,
                completed_at=due + timedelta(minutes=rng.randint(0, 180)),
            )


RECEPTION_SERVICES = [
    {"group": "Hygiène", "items": ["Douche", "Lessive"]},
    {"group": "Alimentation", "items": ["Petit-déjeuner", "Colis"]},
    {"group": "Accès aux droits", "items": ["Domiciliation"]},
]


def seed_reception(organisation_id: Any, teams: list[Any], rng: random.Random) -> None:
    """The reception desk on, its services (the "Accueil de jour" team alone hands out parcels), and a week of
    counts for each team, written in one bulk insert."""
    from mano.accounts.models import Organisation
    from mano.agenda.models import ServiceCount

    organisation = Organisation.objects.get(pk=organisation_id)
    organisation.reception_enabled = True
    organisation.services = RECEPTION_SERVICES
    organisation.service_teams = {"Colis": [str(teams[-1].pk)]}
    organisation.save(update_fields=["reception_enabled", "services", "service_teams"])
    today = timezone.localdate()
    rows = [
        ServiceCount(organisation=organisation, team=team, date=today - timedelta(days=days), service=service, count=n)
        for team in teams
        for days in range(1, 8)
        for group in RECEPTION_SERVICES
        for service in group["items"]
        if service != "Colis" or team == teams[-1]
        if (n := rng.randint(0, 12))
    ]
    ServiceCount.objects.bulk_create(rows)
