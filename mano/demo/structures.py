"""A small directory for the demo organisation: fictional structures of one city, with real-looking hours, written
through the structures services (the same rules as the form), and a few referrals."""

from __future__ import annotations

import random
from typing import Any

from mano.accounts.models import Team
from mano.persons.models import Person
from mano.structures.referrals import referral_create
from mano.structures.services import structure_create

# (name, categories, publics, conditions, hours, address, latitude, longitude, description)
DEMO_STRUCTURES: list[tuple[str, list[str], list[str], list[str], str, str, float, float, str]] = [
    (
        "Bains-douches municipaux Saint-Jean",
        ["Douche", "Toilettes"],
        ["Hommes", "Femmes"],
        ["Sans rendez-vous", "Gratuit"],
        "Tu-Sa 08:30-12:00,13:30-17:00; PH off",
        "12 rue des Bains",
        45.7620,
        4.8270,
        "Douches gratuites, serviettes et savon fournis.",
    ),
    (
        "Halte de nuit Le Phare",
        ["Halte de nuit", "Espace repos"],
        ["Hommes", "Femmes", "Animaux acceptés"],
        ["Accueil inconditionnel"],
        "Mo-Su 21:00-08:00",
        "3 quai du Rhône",
        45.7580,
        4.8420,
        "Accueil de nuit sans condition, boissons chaudes, chiens acceptés.",
    ),
    (
        "CSAPA Horizon",
        ["CSAPA"],
        ["Hommes", "Femmes", "Jeunes (18-25 ans)"],
        ["Sur rendez-vous", "Gratuit"],
        "Mo-Fr 09:00-17:00; We 09:00-12:00; PH off",
        "40 avenue Berthelot",
        45.7480,
        4.8400,
        "Consultations addictologie, traitements de substitution.",
    ),
    (
        "CAARUD L’Escale",
        ["CAARUD", "Matériel de RdR"],
        ["Hommes", "Femmes"],
        ["Sans rendez-vous", "Accueil inconditionnel", "Gratuit"],
        "Mo-Fr 13:30-18:00; PH off",
        "8 rue Paul Bert",
        45.7600,
        4.8500,
        "Matériel de réduction des risques, accueil, douche sur inscription.",
    ),
    (
        "PASS de l’hôpital Édouard-Herriot",
        ["PASS"],
        ["Hommes", "Femmes", "Familles", "Personnes exilées"],
        ["Sans rendez-vous", "Gratuit"],
        "Mo-Fr 08:30-16:30; PH off",
        "5 place d’Arsonval",
        45.7430,
        4.8800,
        "Soins pour les personnes sans couverture maladie.",
    ),
    (
        "Restos du Cœur – centre Guillotière",
        ["Distribution alimentaire"],
        ["Familles", "Hommes", "Femmes"],
        ["Sur orientation"],
        "Tu,Th 14:00-17:00; PH off",
        "22 rue de Marseille",
        45.7510,
        4.8420,
        "Colis alimentaires sur inscription.",
    ),
    (
        "Accueil de jour Les Tilleuls",
        ["Accueil de jour", "Laverie", "Bagagerie"],
        ["Hommes", "Femmes", "Couples"],
        ["Sans rendez-vous"],
        "Mo-Fr 09:00-16:00; Sa 09:00-12:00",
        "17 rue Saint-Georges",
        45.7590,
        4.8260,
        "Café, laverie, bagagerie, permanence sociale le mardi.",
    ),
    (
        "Point Droits Gerland",
        ["Domiciliation", "Accompagnement social"],
        ["Hommes", "Femmes", "Familles"],
        ["Sur rendez-vous", "Gratuit"],
        "Mo,We,Fr 09:30-12:30",
        "60 avenue Jean Jaurès",
        45.7380,
        4.8370,
        "Domiciliation, ouverture de droits, aide aux démarches.",
    ),
    (
        "Épicerie solidaire Le Panier",
        ["Épicerie solidaire"],
        ["Familles"],
        ["Sur orientation", "Participation financière"],
        "We,Fr 10:00-18:00",
        "5 rue Sébastien Gryphe",
        45.7530,
        4.8450,
        "Produits à 10 % du prix, sur orientation d’un travailleur social.",
    ),
    (
        "Centre de santé mentale Rive Gauche",
        ["Santé mentale"],
        ["Hommes", "Femmes", "Jeunes (18-25 ans)"],
        ["Sur rendez-vous"],
        "Mo-Fr 09:00-18:00; PH off",
        "30 rue de la Part-Dieu",
        45.7610,
        4.8550,
        "Consultations psychiatriques et psychologiques.",
    ),
    (
        "Mise à l’abri Femmes Solidaires",
        ["Hébergement d’urgence"],
        ["Femmes", "Familles", "Mineurs"],
        ["Sur orientation"],
        "24/7",
        "Adresse confidentielle",
        45.7700,
        4.8300,
        "Orientation par le 115 uniquement.",
    ),
    (
        "Chantier d’insertion La Passerelle",
        ["Insertion professionnelle", "Travail à la journée"],
        ["Hommes", "Femmes"],
        ["Sans rendez-vous"],
        "Mo-Th 08:00-12:00",
        "2 chemin des Culattes",
        45.7300,
        4.8350,
        "Travail à la journée payé le jour même, sans CV.",
    ),
]


def seed_structures(admin: Any, teams: list[Team], persons: list[Person], rng: random.Random) -> int:
    """The demo directory and a dozen referrals; returns how many structures."""
    created = []
    for name, categories, publics, conditions, hours, address, lat, lon, description in DEMO_STRUCTURES:
        data = {
            "name": name,
            "description": description,
            "address": address,
            "postcode": "69007",
            "city": "Lyon",
            "latitude": lat,
            "longitude": lon,
            "phones": [f"04 72 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"],
            "categories": categories,
            "publics": publics,
            "access_conditions": conditions,
            "languages": ["français", "anglais"] if rng.random() < 0.5 else ["français", "arabe"],
            "opening_hours": hours,
        }
        created.append(structure_create(user=admin.user, data=data))
    for person in rng.sample(persons, min(12, len(persons))):
        referral_create(
            user=admin.user, keyring=admin.keyring, structure=rng.choice(created), persons=[person], team=teams[0]
        )
    return len(created)
