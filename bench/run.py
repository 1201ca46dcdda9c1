"""Benchmark scenarios against the seeded bench organisation, through the full middleware stack.

Usage: python -m bench.run (after `manage.py seed_bench`); the Makefile's `bench` target does both.
Prints a table, one `BENCH <scenario> median_ms=… p95_ms=… queries=… rss_mb=…` line per scenario,
and writes docs/benchmarks.md.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

RUNS = int(os.environ.get("BENCH_RUNS", "20"))
REPORT_MEMBER = "bench-001@bench.mano.local"  # normal role, one team, not a health professional (bench/seed.py)
SCENARIOS = [
    "login",
    "persons_list",
    "search",
    "person_page",
    "medical_file",
    "agenda_day",
    "agenda_day_health",
    "agenda_week",
    "agenda_list",
    "reception",
    "report_day",
    "report_month",
    "report_pdf",
    "stats_year",
    "stats_filtered",
    "export",
    "structures_search",
    "structures_list",
]
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    name: str
    detail: str
    timings: list[float]
    queries: int
    rss_mb: float

    @property
    def median(self) -> float:
        return statistics.median(self.timings)

    @property
    def p95(self) -> float:
        ordered = sorted(self.timings)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(name: str, detail: str, call: Callable[[], int]) -> Result:
    from django.db import connection

    call()  # warm-up: templates compiled, connection open
    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    # A wrapper, not CaptureQueriesContext: Django resets the query log at the start of each request.
    with connection.execute_wrapper(count):
        status = call()
    assert status in (200, 302), f"{name}: HTTP {status}"
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return Result(name, detail, timings, len(executed), _rss_mb())


def run() -> list[Result]:
    from django.test import Client
    from django.utils import timezone

    from bench.seed import ADMIN_EMAIL, MARKED_PERSON, PASSWORD
    from bench.seed_medical import consultations_on, heavy_person
    from bench.seed_territories import busy_day, month_counts
    from mano.accounts.models import User
    from mano.accounts.services.auth import login as login_service
    from mano.agenda.models import ActionWordsShard
    from mano.medical.models import ConsultationWordsShard
    from mano.persons.selectors.persons import person_search

    def login() -> int:
        return Client().post("/connexion/", {"email": ADMIN_EMAIL, "password": PASSWORD}, secure=True).status_code

    client = Client()
    client.post("/connexion/", {"email": ADMIN_EMAIL, "password": PASSWORD}, secure=True)
    get = lambda url: lambda: client.get(url, secure=True).status_code  # noqa: E731
    admin = login_service(email=ADMIN_EMAIL, password=PASSWORD)

    def first_read(url: str) -> Callable[[], int]:
        def call() -> int:
            ActionWordsShard.objects.filter(organisation_id=admin.user.member_organisation_id).delete()
            ConsultationWordsShard.objects.filter(organisation_id=admin.user.member_organisation_id).delete()
            return client.get(url, secure=True).status_code

        return call

    marked = next(iter(person_search(user=admin.user, keyring=admin.keyring, query=MARKED_PERSON, page=1))).person_id
    # The bench admin is a health professional: the medical section and the agenda's consultations are theirs.
    heavy = heavy_person(admin.user.organisation_id, admin.keyring)
    today = timezone.localdate()
    held = consultations_on(admin.user.organisation_id, today)
    # The reports of one team's day, read by a member of that team (normal role, not a health professional).
    member = Client()
    member.post("/connexion/", {"email": REPORT_MEMBER, "password": PASSWORD}, secure=True)
    as_member = lambda url: lambda: member.get(url, secure=True).status_code  # noqa: E731
    team = User.objects.get(email=REPORT_MEMBER).teams.get()
    day, seen, passages = busy_day(team, today)
    month_last = today.replace(day=1) - timedelta(days=1)  # the last whole month
    month_first = month_last.replace(day=1)
    month_seen, month_notes = month_counts(admin.user.organisation_id, month_first, month_last)
    one_day = f"du={day.isoformat()}&au={day.isoformat()}&equipe={team.pk}"
    # A year of statistics: the 365 days up to today hold every seeded passage, comment and action.
    year = f"periode=personnalisee&du={(today - timedelta(days=364)).isoformat()}&au={today.isoformat()}"
    results = [
        _measure("login", "POST /connexion/ (Argon2id t=3 m=64 MiB p=2)", login),
        _measure("persons_list", "team list, newest first", get("/personnes/")),
        _measure("persons_list", "whole organisation, sorted by name", get("/personnes/?tout=1&tri=name")),
        _measure("search", "a surname: dupont", get("/personnes/?q=dupont")),
        _measure("search", "accents and order: eloise martin", get("/personnes/?q=ELOISE+martin")),
        _measure("search", "a word only in comments: domiciliation", get("/personnes/?q=domiciliation")),
        _measure("person_page", "person with 50 comments", get(f"/personnes/{marked}/")),
        _measure("medical_file", "health professional: 200 consultations, 50 treatments", get(f"/personnes/{heavy}/")),
        _measure("agenda_day", "current team, today, to do", get("/agenda/")),
        _measure("agenda_day", "whole organisation, today, all statuses", get("/agenda/?equipe=toutes&statut=all")),
        _measure(
            "agenda_day_health",
            f"health professional, whole organisation, today, all statuses ({held} consultations)",
            get(f"/agenda/?equipe=toutes&statut=all&jour={today.isoformat()}"),
        ),
        _measure("agenda_week", "current team, this week, to do", get("/agenda/semaine/")),
        _measure("reception", "current team's desk: passages, counters, day agenda", get("/agenda/accueil/")),
        _measure(
            "agenda_week",
            "whole organisation, this week, all statuses",
            get("/agenda/semaine/?equipe=toutes&statut=all"),
        ),
        # A free text: the window's words come from its days' shards, written by the first read (the warm-up);
        # the first-read line empties them before each call, as after a deployment or on a new week.
        _measure(
            "agenda_week",
            "whole organisation, this week, all statuses, text 'rsa', first read (word shards emptied)",
            first_read("/agenda/semaine/?equipe=toutes&statut=all&q=rsa"),
        ),
        _measure(
            "agenda_day",
            "whole organisation, today, all statuses, text 'rsa'",
            get("/agenda/?equipe=toutes&statut=all&q=rsa"),
        ),
        _measure(
            "agenda_week",
            "whole organisation, this week, all statuses, text 'rsa'",
            get("/agenda/semaine/?equipe=toutes&statut=all&q=rsa"),
        ),
        _measure("agenda_list", "whole organisation, to do, text 'rsa'", get("/agenda/liste/?equipe=toutes&q=rsa")),
        _measure(
            "agenda_list",
            "whole organisation, to do, a text found nowhere",
            get("/agenda/liste/?equipe=toutes&q=zzxqwv"),
        ),
        # The directory: words in SQL, "ouvert maintenant" evaluated on the matching rows.
        _measure("structures_search", "5,000 structures: douche, open now", get("/structures/?q=douche&ouvert=1")),
        _measure("structures_search", "5,000 structures: douche", get("/structures/?q=douche")),
        _measure("structures_list", "5,000 structures, no filter, sorted by name", get("/structures/")),
        _measure(
            "report_day",
            f"member of the team, {day.isoformat()} ({seen} observations, {passages} passages, a handover note)",
            as_member(f"/comptes-rendus/jour/{day.isoformat()}/?equipe={team.pk}"),
        ),
        _measure(
            "report_month",
            f"whole organisation, {month_first:%Y-%m} ({month_seen} observations, {month_notes} handover notes)",
            get(f"/comptes-rendus/periode/?du={month_first.isoformat()}&au={month_last.isoformat()}&equipe=toutes"),
        ),
        _measure(
            "report_pdf", "member of the team, the same day as a PDF", as_member(f"/comptes-rendus/pdf/?{one_day}")
        ),
        _measure("stats_year", "whole organisation, 365 days, Général tab", get(f"/statistiques/?{year}")),
        _measure(
            "stats_year",
            "whole organisation, 365 days, Personnes tab (followed: with activity)",
            get(f"/statistiques/?onglet=personnes&{year}"),
        ),
        _measure(
            "stats_filtered",
            "one team, a custom-field filter (resources: RSA), 365 days, Personnes tab (followed: with activity)",
            get(f"/statistiques/?onglet=personnes&{year}&equipe={team.pk}&f=resources~eq~RSA"),
        ),
    ]
    return results


def report(results: list[Result]) -> str:
    from django.conf import settings
    from django.db import connection

    from bench.seed import sizes_for

    size = os.environ.get("BENCH_SIZE", "small")
    lines = [
        f"BENCH {r.name} median_ms={r.median:.1f} p95_ms={r.p95:.1f} queries={r.queries} rss_mb={r.rss_mb:.0f}"
        for r in _per_scenario(results)
    ]
    measured = {r.name for r in results}
    lines += [f"BENCH {name} missing" for name in SCENARIOS if name not in measured]
    table = ["| scenario | what | median ms | p95 ms | queries | peak RSS MB |", "|---|---|---|---|---|---|"]
    table += [
        f"| {r.name} | {r.detail} | {r.median:.1f} | {r.p95:.1f} | {r.queries} | {r.rss_mb:.0f} |" for r in results
    ]
    table += [f"| {name} | not built yet | – | – | – | – |" for name in SCENARIOS if name not in measured]
    cpu = _cpu()
    header = [
        f"## {date.today().isoformat()} — {size} size on {connection.vendor}",
        "",
        f"Machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"Django {__import__('django').get_version()}, database {connection.vendor}"
        f" ({settings.DATABASES['default']['NAME']}). {RUNS} runs per scenario after one warm-up, "
        "one logged-in session through the whole middleware stack (Django test client, production settings; "
        "report_day and report_pdf: a member of the team's session).",
        "",
        f"Sizes: {sizes_for(size)}.",
        "",
    ]
    return "\n".join(lines) + "\n\n" + "\n".join(header + table) + "\n"


def _per_scenario(results: list[Result]) -> list[Result]:
    """One machine-readable line per scenario name: the slowest variant of it."""
    worst: dict[str, Result] = {}
    for r in results:
        if r.name not in worst or r.median > worst[r.name].median:
            worst[r.name] = r
    return list(worst.values())


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mano.settings")
    import django

    django.setup()
    from mano.core.runtime import settle_for_serving

    settle_for_serving()  # as mano.wsgi does in every gunicorn worker
    text = report(run())
    print(text)
    out = ROOT / "docs" / "benchmarks.md"
    previous = out.read_text() if out.exists() else "# Benchmarks\n\nNewest first. `make bench` appends here.\n"
    head, _, rest = previous.partition("\n## ")
    section = "\n".join(line for line in text.splitlines() if not line.startswith("BENCH "))
    out.write_text(head.rstrip() + "\n\n" + section.strip() + "\n" + (("\n## " + rest) if rest else ""))
    print(f"Written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
