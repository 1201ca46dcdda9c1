from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone
from django.utils.text import slugify

from mano.accounts.models import Organisation, User
from mano.accounts.services.bootstrap import member_add_active, organisation_bootstrap, superadmin_create, teams_create
from mano.demo.data import demo_person, seed_activity
from mano.demo.medical import seed_medical
from mano.demo.structures import seed_structures
from mano.demo.territories import seed_territories
from mano.persons.services import person_create

ORGANISATION = "Maraude démo"
PASSWORD = "mano-demo-2026"
OPERATOR = "operateur@demo.mano.local"
ADMIN = ("admin@demo.mano.local", "Alice Admin", "admin", True)
MEMBERS = [
    ("normal@demo.mano.local", "Bruno Normal", "normal", False),
    ("sante@demo.mano.local", "Sarah Santé", "normal", True),
    ("restreint@demo.mano.local", "Rémi Restreint", "restricted", False),
    ("stats@demo.mano.local", "Stéphane Stats", "stats", False),
]


def recovery_file() -> Path:
    """Where the demo organisation's recovery code is kept: one file per database, so that seeding another
    database (tests, a review, PostgreSQL) never overwrites the code of the demo database."""
    database = str(connection.settings_dict["NAME"])
    name = "memory" if database == ":memory:" or "mode=memory" in database else Path(database).stem
    return Path(settings.BASE_DIR) / "var" / f"demo-recovery-code-{slugify(name)}.txt"


class Command(BaseCommand):
    help = "Seed (once) the demo organisation through the real services, then print the logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=150)

    def handle(self, *args: Any, **options: Any) -> None:
        if not Organisation.objects.filter(name=ORGANISATION).exists():
            self._seed(options["persons"])
        self._print_logins()

    @transaction.atomic
    @override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    def _seed(self, person_count: int) -> None:
        if not User.objects.filter(email=OPERATOR).exists():
            superadmin_create(email=OPERATOR, name="Opérateur démo", password=PASSWORD)
        admin, code = organisation_bootstrap(
            name=ORGANISATION,
            admin_email=ADMIN[0],
            admin_name=ADMIN[1],
            password=PASSWORD,
            admin_is_health_professional=True,
        )
        teams = teams_create(
            admin=admin, names=[("Maraude Centre", False), ("Maraude de nuit", True), ("Accueil de jour", False)]
        )
        for email, name, role, health in MEMBERS:
            member_add_active(
                admin=admin,
                email=email,
                name=name,
                role=role,
                password=PASSWORD,
                teams=teams[:2],
                is_health_professional=health,
                charter=False,
            )
        rng = random.Random(2026)  # noqa: S311  (reproducible demo data, not security)
        today = timezone.localdate()
        persons = []
        for _ in range(person_count):
            team_count = 1 if rng.random() < 0.8 else 2
            persons.append(
                person_create(
                    user=admin.user,
                    keyring=admin.keyring,
                    teams=rng.sample(teams, team_count),
                    **demo_person(rng, today),
                )
            )
        seed_activity(admin, teams, persons, rng)
        seed_structures(admin, teams, persons, rng)
        seed_medical(admin, teams, persons, rng)
        seed_territories(admin, teams, persons, rng)
        kept = recovery_file()
        kept.parent.mkdir(exist_ok=True)
        kept.write_text(code + "\n")
        kept.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(f"Organisation « {ORGANISATION} » créée avec {person_count} personnes."))

    def _print_logins(self) -> None:
        self.stdout.write(f"\nConnexions de démonstration (mot de passe pour tous : {PASSWORD})")
        for email, name, role, health in [ADMIN, *MEMBERS]:
            extra = " + santé" if health else ""
            self.stdout.write(f"  {email:<28} {name:<16} {role}{extra}")
        self.stdout.write(f"  {OPERATOR:<28} opérateur de la plateforme (aucune donnée)")
        if (kept := recovery_file()).exists():
            self.stdout.write(f"\nCode de récupération de l'organisation (démo seulement) : {kept.read_text().strip()}")
        self.stdout.write("\nhttp://127.0.0.1:8000\n")
