"""The statistics store: encrypted at rest, bound to its organisation and source, kept up to date by the services
and rebuilt identically from the records (the rebuild_stats command)."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest
from django.core.management import call_command
from django.utils import timezone

from mano.core import statstore
from mano.core.crypto import DecryptionError
from mano.core.models import StatShard
from mano.core.tests.leaks import encodings, leaks
from mano.persons.services.passages import encounter_update, encounters_create
from mano.persons.services.persons import person_create, person_update
from mano.stats.tests.world import World, at, build
from mano.testing import PASSWORD, Org, assert_stats_as_rebuilt, stats_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_a: Org) -> World:
    return build(org_a)


def test_the_store_never_holds_a_value_in_clear(org_a: Org) -> None:
    """Person values and custom values (which the store keeps) are found in no shard's bytes, nor are the ids."""
    admin = org_a["admin"]
    canaries = [f"CANARY-{uuid4()}" for _ in range(3)]
    person = person_create(
        user=admin.user,
        keyring=admin.keyring,
        teams=[org_a.day],
        name="Karim",
        gender="Homme",
        birth_date=date(1987, 3, 14),
        custom={"structure_social": canaries[0], "address_detail": canaries[1], "personal_situation": canaries[2]},
    )
    encounters_create(
        user=admin.user, keyring=admin.keyring, kind="passage", team=org_a.day, date=timezone.now(), persons=[person]
    )
    lines = statstore.lines(org_a.organisation.pk, admin.keyring, "persons")
    assert all(c in lines[0] for c in canaries)  # the store keeps them, so that statistics can count them…
    needles = {n for c in [*canaries, str(person.pk), '"birth_date":"1987-03-14"'] for n in encodings(c.encode())}
    shards = [(f"{s.source}/{s.bucket}", bytes(s.payload)) for s in StatShard.objects.all()]
    assert {s.split("/")[0] for s, _ in shards} == {"persons", "passages"}
    assert leaks(needles, shards) == []  # …only encrypted


def test_a_shard_opens_only_as_its_own_source_and_organisation(org_a: Org, org_b: Org) -> None:
    admin = org_a["admin"]
    person_create(user=admin.user, keyring=admin.keyring, teams=[org_a.day], name="Karim")
    shard = StatShard.objects.get(source="persons")
    as_comments = statstore.store_of(statstore.SOURCES["comments"])
    with pytest.raises(DecryptionError):
        as_comments.open(org_a.organisation.pk, shard.bucket, shard.payload, admin.keyring)
    persons = statstore.store_of(statstore.SOURCES["persons"])
    with pytest.raises(DecryptionError):
        persons.open(org_b.organisation.pk, shard.bucket, shard.payload, org_b["admin"].keyring)


def test_the_store_is_rebuilt_identically_from_the_records(world: World) -> None:
    """What the services wrote along the way (merge, deletion, choice renamed, status changed…) is exactly what a
    rebuild computes from the records."""
    org = world.org
    before = stats_snapshot(org)
    assert all(before[name] for name in ("persons", "comments", "passages", "rencontres", "actions"))
    StatShard.objects.all().delete()
    written = statstore.rebuild(org.organisation.pk, org["admin"].keyring)
    held = {name for name, source in statstore.SOURCES.items() if org["admin"].keyring.has(source.kind)}
    assert written == {name: len(lines) for name, lines in before.items() if name in held}
    assert stats_snapshot(org) == before


def test_the_rebuild_command_logs_in_as_a_member(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    org = world.org
    before = stats_snapshot(org)
    StatShard.objects.filter(source="actions").delete()
    monkeypatch.setenv("MANO_PASSWORD", PASSWORD)
    call_command("rebuild_stats", "--email", org["admin"].user.email, "--source", "actions")
    assert stats_snapshot(org) == before
    assert StatShard.objects.filter(source="persons").exists()


def test_the_store_follows_an_edit_and_a_moved_passage(org_a: Org) -> None:
    admin = org_a["admin"]
    person = person_create(user=admin.user, keyring=admin.keyring, teams=[org_a.day], name="Karim", gender="Homme")
    passage = encounters_create(
        user=admin.user,
        keyring=admin.keyring,
        kind="passage",
        team=org_a.day,
        date=at("2026-02-03 10:00"),
        persons=[person],
    )[0]
    person_update(
        user=admin.user, keyring=admin.keyring, person=person, expected_version=person.version, gender="Autre"
    )
    encounter_update(
        user=admin.user,
        keyring=admin.keyring,
        record=passage,
        expected_version=passage.version,
        team=org_a.night,
        date=at("2026-02-04 22:00"),
        comment="",
    )
    (line,) = statstore.lines(org_a.organisation.pk, admin.keyring, "persons")
    assert '"gender":"Autre"' in line
    (moved,) = statstore.lines(org_a.organisation.pk, admin.keyring, "passages")
    assert moved.split("\t")[1] == str(org_a.night.pk)
    assert_stats_as_rebuilt(org_a)
