"""The sources of the tabs of the domains (action categories, observations, reports, the medical half) in the
statistics store: what the services wrote is what a rebuild computes, and nothing is kept in clear."""

from __future__ import annotations

from uuid import uuid4

import pytest

from mano.core import statstore
from mano.core.models import StatShard
from mano.core.tests.leaks import encodings, leaks
from mano.reports.services import report_save
from mano.stats.tests.tabs_world import build
from mano.stats.tests.world import at
from mano.territories.services.observations import ObservationInput, observation_create
from mano.territories.services.territories import territory_create
from mano.testing import Org, stats_snapshot

pytestmark = pytest.mark.django_db
SOURCES = ("action-categories", "observations", "reports")


def test_the_tabs_sources_are_rebuilt_identically(org_a: Org) -> None:
    """Renames, deletions, moves and status changes along the way give exactly the lines of a rebuild."""
    build(org_a)
    before = stats_snapshot(org_a, "admin_health")
    assert all(before[name] for name in SOURCES)
    StatShard.objects.all().delete()
    statstore.rebuild(org_a.organisation.pk, org_a["admin_health"].keyring)
    assert stats_snapshot(org_a, "admin_health") == before


def test_observations_and_reports_are_never_in_clear(org_a: Org) -> None:
    admin = org_a["admin"]
    canary = f"CANARY-{uuid4()}"
    org_a.organisation.collaborations = [{"group": "Partenaires", "items": [canary]}]
    org_a.organisation.save(update_fields=["collaborations"])
    territory = territory_create(user=admin.user, keyring=admin.keyring, data={"name": "Gare"})
    values = ObservationInput(
        territory=territory, team=org_a.day, observed_at=at("2026-02-01 10:00"), custom={"atmosphere": canary}
    )
    observation_create(user=admin.user, keyring=admin.keyring, values=values)
    report_save(
        user=admin.user,
        keyring=admin.keyring,
        team=org_a.day,
        day=at("2026-02-01 10:00").date(),
        note="",
        collaborations=[canary],
        expected_version=0,
    )
    for name in ("observations", "reports"):
        (line,) = statstore.lines(org_a.organisation.pk, admin.keyring, name)
        assert canary in line
    shards = [(f"{s.source}/{s.bucket}", bytes(s.payload)) for s in StatShard.objects.all()]
    assert {s.split("/")[0] for s, _ in shards} == {"observations", "reports"}
    assert leaks({n for n in encodings(canary.encode())}, shards) == []
