from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mano.accounts.services.auth import superadmin_create


class Command(BaseCommand):
    help = "Create the platform operator, who creates organisations but never holds their keys."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="Opérateur Mano")

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("MANO_SUPERADMIN_PASSWORD") or getpass.getpass("Mot de passe : ")
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        user = superadmin_create(email=options["email"], name=options["name"], password=password)
        self.stdout.write(self.style.SUCCESS(f"Opérateur créé : {user.email}"))
