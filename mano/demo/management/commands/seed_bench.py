from __future__ import annotations

import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.test import override_settings

from bench.seed import seed


class Command(BaseCommand):
    help = "Seed (once) the large benchmark organisation. BENCH_SIZE=small|full (default small)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=["small", "full", "large"], default=os.environ.get("BENCH_SIZE", "small"))

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            report = seed(options["size"])
        total = time.perf_counter() - started
        self.stdout.write(f"Bench organisation ({options['size']}): {report.sizes}")
        for step, seconds in report.seconds.items():
            self.stdout.write(f"  {step:<22} {seconds:>7.1f} s")
        if report.skipped:
            self.stdout.write(f"  not seeded yet (feature missing): {', '.join(report.skipped)}")
        self.stdout.write(f"Seeding took {total:.1f} s")
