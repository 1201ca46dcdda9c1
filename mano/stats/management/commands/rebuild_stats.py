from __future__ import annotations

import getpass
import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mano.accounts.services.auth import LoginError, login
from mano.core import statstore


class Command(BaseCommand):
    help = (
        "Rebuild an organisation's statistics store from its records. The server holds no organisation key: a "
        "member of the organisation logs in (password from MANO_PASSWORD or asked); a health professional's "
        "session also rebuilds the sources under the health key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="a member of the organisation to rebuild")
        parser.add_argument("--source", action="append", help="only this source (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("MANO_PASSWORD") or getpass.getpass("Mot de passe : ")
        try:
            result = login(email=options["email"], password=password)
        except LoginError as exc:
            raise CommandError(str(exc)) from exc
        organisation_id = result.user.organisation_id
        if organisation_id is None or not result.keyring:
            raise CommandError("Ce compte n’a ni organisation ni clés ouvertes.")
        unknown = set(options["source"] or []) - set(statstore.SOURCES)
        if unknown:
            raise CommandError(f"Sources inconnues : {', '.join(sorted(unknown))}")
        started = time.perf_counter()
        written = statstore.rebuild(organisation_id, result.keyring, sources=options["source"])
        for name, count in written.items():
            self.stdout.write(f"{name}: {count} lignes")
        self.stdout.write(self.style.SUCCESS(f"Statistiques reconstruites en {time.perf_counter() - started:.1f} s"))
