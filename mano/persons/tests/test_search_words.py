"""The search shards keep each word of the description, the comments and other apps' texts once: the ranking and
the reasons stay exactly those of the full texts, for any query (a query word never holds a space)."""

from __future__ import annotations

from uuid import uuid4

import pytest

from mano.core.records import record_create
from mano.persons.index import (
    KIND_SEP,
    PERSON_SHARDS,
    SEARCH_FIELDS,
    distinct_words,
    index_refresh,
    search_fields,
    shard_lines,
)
from mano.persons.models import Comment
from mano.persons.search import Query
from mano.persons.selectors.persons import person_search
from mano.persons.services import person_create

SEARCHES = [
    {
        "name": "dupont eloise",
        "other_names": "la rousse",
        "phone": "0612345678",
        "birth_date": "12/03/1980",
        "description": "dort pres de la gare, la gare de perrache",
        "comments": [
            "domiciliation au ccas.",
            "domiciliation refusee au ccas",
            "rdv le 12/03 a 14h30.",
            "dom",
            "icile",
        ],
        "actions": ["rendez-vous caf", "rendez-vous ccas"],
    },
    {
        "name": "martin",
        "other_names": "",
        "phone": "",
        "birth_date": "",
        "description": "",
        "comments": ["vu au camion", "vu au camion, va mieux"],
    },
]
QUERIES = [
    "dupont",
    "eloise dupont",
    "domiciliation",
    "ccas gare",
    "domicile",
    "dom",
    "icile",
    "12/03",
    "0612",
    "rdv 14h30",
    "gare",
    "la",
    "camion mieux",
    "rendez-vous",
    "vous caf",
    "perrache dupont",
    "zz",
    "a",
    "ccas.",
]


def _full_fields(search: dict) -> list[str]:
    """The fields as they were written before: every text whole, comments and an app's texts joined by \\x1f."""
    fixed = ["\x1f".join(v) if isinstance(v := search.get(k) or "", list) else str(v) for k in SEARCH_FIELDS]
    return fixed + [f"{k}{KIND_SEP}{chr(31).join(v)}" for k, v in search.items() if k not in SEARCH_FIELDS]


def test_each_word_is_kept_once_in_first_seen_order():
    assert distinct_words(["vu au camion", "vu au camion, va mieux", ""]) == "vu au camion camion, va mieux"
    assert distinct_words([]) == ""


@pytest.mark.parametrize("search", SEARCHES)
def test_tiers_and_reasons_are_those_of_the_whole_texts(search):
    compact, full = "\t".join(search_fields(search)), "\t".join(_full_fields(search))
    assert len(compact) < len(full)
    for text in QUERIES:
        query = Query(text)
        assert (query.tier(compact), query.reasons(compact)) == (query.tier(full), query.reasons(full)), text


@pytest.mark.django_db
def test_a_word_said_in_many_comments_is_found_and_stored_once(bob, org_a):
    person = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim Benali")
    for text in ["Domiciliation au CCAS.", "Domiciliation refusée.", "Relancer la domiciliation", "dom", "icile"]:
        record_create(
            Comment,
            keyring=bob.keyring,
            organisation=org_a.organisation,
            user=bob.user,
            data={"text": text},
            person=person,
            team=org_a.day,
        )
    index_refresh(person, bob.keyring)

    (line,) = shard_lines(org_a.organisation.pk, bob.keyring, set())
    assert line.count("domiciliation") == 1
    found = person_search(user=bob.user, keyring=bob.keyring, query="DOMICILIATION refusee", page=1)
    assert [(row.name, row.reasons) for row in found] == [("Karim Benali", ["commentaire"])]
    # Two comments never join into one word, before as now.
    assert list(person_search(user=bob.user, keyring=bob.keyring, query="domicile", page=1)) == []


@pytest.mark.django_db
def test_lines_with_cuts_out_each_line_holding_a_word_once(bob, org_a):
    org_id = org_a.organisation.pk
    ids = [str(uuid4()) for _ in range(4)]
    texts = ["domiciliation ccas gare", "gare de perrache", "ccas", "camion"]
    PERSON_SHARDS.rewrite(org_id, {i: f"{i}\t{text}" for i, text in zip(ids, texts, strict=True)}, bob.keyring)
    found = PERSON_SHARDS.lines_with(org_id, bob.keyring, ["ccas", "gare", ""])
    assert sorted(found) == sorted(f"{i}\t{text}" for i, text in zip(ids[:3], texts[:3], strict=True))
    assert PERSON_SHARDS.lines_with(org_id, bob.keyring, ["absent"]) == []
