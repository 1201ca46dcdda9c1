"""Folded names for many persons come from the search shards' lines, for few from the cards: the same names
either way, as `fold` gives them (the agenda's free text looks for its words in them)."""

from __future__ import annotations

import uuid

import pytest

from mano.core.shards import ShardStore
from mano.persons import index
from mano.persons.index import folded_names
from mano.persons.services import person_create
from mano.persons.text import fold

pytestmark = pytest.mark.django_db

NAMES = ["  Éloïse   DUPONT ", "Zoé", "ǰosé İnan", "Straße", "Łukasz 🙂", "ﬁlou Ⅻ"]


def test_the_shards_and_the_cards_give_the_same_folded_names(org_a, monkeypatch):
    admin = org_a["admin"]
    persons = [person_create(user=admin.user, keyring=admin.keyring, teams=[org_a.day], name=name) for name in NAMES]
    stranger = uuid.uuid4()  # no card, no line
    wanted = [p.pk for p in persons] + [stranger]
    expected = {p.pk: fold(name) for p, name in zip(persons, NAMES, strict=True)} | {stranger: ""}
    organisation = org_a.organisation.pk
    assert folded_names(organisation, wanted, admin.keyring) == expected  # few: from the cards
    monkeypatch.setattr(index, "MANY_NAMES", 0)
    read: list[bool] = []
    blobs = ShardStore.blobs
    monkeypatch.setattr(ShardStore, "blobs", lambda self, *args: read.append(True) or blobs(self, *args))
    assert folded_names(organisation, wanted, admin.keyring) == expected  # many: from the shards
    assert read
