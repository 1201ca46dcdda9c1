"""Search and name-sorted lists give the same results as the straightforward algorithm they replaced: every shard
line split, the raw-text test, `Query.tier` on every candidate, then a sort by (tier, name, id); lists sorted
line by line. Checked on one organisation for many queries, each role and every page, before and after writes
(the cached orders follow every rewrite, even with the clock frozen)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from uuid import UUID

import pytest
import time_machine

from mano.core.records import record_create
from mano.core.shards import forget_payloads
from mano.persons import order
from mano.persons.filters import PersonFilters
from mano.persons.index import Line, index_refresh, shard_lines
from mano.persons.models import Comment, Person
from mano.persons.search import Query
from mano.persons.selectors import persons as selectors
from mano.persons.services import person_create, person_update
from mano.persons.services.lifecycle import person_delete

pytestmark = pytest.mark.django_db

QUERIES = [
    "dupont",
    "DUPONT éloïse",
    "eloise dupont",
    "domiciliation",
    "ccas domiciliation",
    "domiciliation martin",
    "rsa",
    "06 12",
    "0612",
    "06.12",
    "12/03",
    "1980",
    "gare",
    "femme",  # in the card (gender) but never searched
    "a",
    "zz-absent",
    "martin la",
]


def _rank(search: Query, items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    ranked = []
    for person_id, text in items:
        tier = search.tier(text)
        if tier is not None:
            ranked.append((tier, text.split("\t", 1)[0], person_id, text))
    ranked.sort(key=lambda item: (item[0], item[1], item[2]))
    return [(person_id, text) for _, _, person_id, text in ranked]


def _oracle(user, keyring, query: str) -> list[tuple[str, list[str]]]:
    """The search as it was before the shards were scanned unsplit (mano/persons/selectors/persons.py)."""
    search = Query(query)
    quick_only = user.role not in selectors.FULL_READ_ROLES
    extra = selectors._extra_texts(user, keyring, search) if search and not quick_only else {}
    terms = [term for term, _ in search.terms]

    def wanted(raw: str) -> bool:
        if all(t in raw for t in terms):
            return True
        more = extra.get(raw.split("\t", 1)[0])
        return more is not None and all(t in raw or t in more for t in terms)

    lines = {
        ln.person_id: ln for ln in map(Line.of, (r for r in selectors._lines(user, keyring) if search and wanted(r)))
    }
    texts = [
        (
            pid,
            "\t".join(ln.search.split("\t", 4)[:4])
            if quick_only
            else "\t".join(filter(None, [ln.search, extra.get(pid)])),
        )
        for pid, ln in lines.items()
    ]
    return [(pid, search.reasons(text)) for pid, text in _rank(search, texts)]


def _searched(user, keyring, query: str) -> list[tuple[str, list[str]]]:
    found, number = [], 1
    while True:
        page = selectors.person_search(user=user, keyring=keyring, query=query, page=number)
        found += [(str(row.person_id), row.reasons) for row in page]
        if not page.has_next():
            return found
        number += 1


def _sorted_oracle(user, keyring, sort: str, team_id: str | None) -> list[str]:
    lines = selectors._lines(user, keyring)
    if team_id:
        lines = [raw for raw in lines if team_id in raw.split("\t", 2)[1]]
    lines.sort(key=order.SORT_KEYS[sort.lstrip("-")], reverse=sort.startswith("-"))
    return [raw[:36] for raw in lines]


def _listed(user, keyring, sort: str, team) -> list[str]:
    found, number = [], 1
    while True:
        page = selectors.person_list(
            user=user, keyring=keyring, team=team, filters=PersonFilters(), sort=sort, page=number
        )
        found += [str(row.person_id) for row in page]
        assert all(row.card.get("name") is not None for row in page)
        if not page.has_next():
            return found
        number += 1


@pytest.fixture
def crowd(bob, org_a) -> dict[str, Person]:
    def make(name: str, teams=None, **kw) -> Person:
        return person_create(user=bob.user, keyring=bob.keyring, teams=teams or [org_a.day], name=name, **kw)

    people = {
        "eloise": make("Dupont Éloïse", birth_date=date(1980, 3, 12), phone="06 12 34 56 78", gender="Femme"),
        "andre": make("André Dupontel", description="Dort près de la gare, domiciliation en cours"),
        "zoe": make("Zoé Martin", other_names="La Rousse", followed_since=date(2020, 1, 1), teams=[org_a.night]),
        "twin": make("Zoé Martin", description="RSA demandé", followed_since=date(2021, 5, 1)),
        "short": make("Al", description="domiciliation"),
        "gone": make("Dupont Parti", description="domiciliation"),
    }
    # Enough persons for several pages, most with a comment that holds a common word.
    for i in range(130):
        person = make(f"Personne {i:03d} Martin", birth_date=date(1950 + i % 50, 1 + i % 12, 1 + i % 28))
        if i % 3:
            record_create(
                Comment,
                keyring=bob.keyring,
                organisation=org_a.organisation,
                user=bob.user,
                data={"text": f"Domiciliation au CCAS n°{i}"},
                person=person,
                team=org_a.day,
            )
            index_refresh(person, bob.keyring)
    _delete(org_a, people["gone"])
    return people


def _delete(org_a, person: Person) -> None:
    admin = org_a["admin_health"]
    person = Person.objects.get(pk=person.pk)
    person_delete(user=admin.user, keyring=admin.keyring, person=person, expected_version=person.version)


def _check_all(org_a) -> None:
    for key in ("admin_health", "normal", "restricted"):
        member = org_a[key]
        for query in QUERIES:
            assert _searched(member.user, member.keyring, query) == _oracle(member.user, member.keyring, query), (
                key,
                query,
            )
    bob = org_a["normal"]
    for sort in ("name", "birth_date", "-followed_since"):
        for team in (None, org_a.day, org_a.night):
            expected = _sorted_oracle(bob.user, bob.keyring, sort, str(team.pk) if team else None)
            assert _listed(bob.user, bob.keyring, sort, team) == expected, (sort, team)


def test_search_and_sorted_lists_match_the_line_by_line_algorithm(org_a, crowd):
    order.forget()
    forget_payloads()
    _check_all(org_a)
    _check_all(org_a)  # now from the cached orders and the envelopes kept in memory


def test_the_cached_orders_follow_every_write_even_with_a_frozen_clock(bob, org_a, crowd):
    order.forget()
    forget_payloads()
    with time_machine.travel("2026-06-01 10:00", tick=False):
        _check_all(org_a)
        zoe = Person.objects.get(pk=crowd["zoe"].pk)
        person_update(user=bob.user, keyring=bob.keyring, person=zoe, expected_version=zoe.version, name="Aaron Zed")
        _check_all(org_a)
        assert _listed(bob.user, bob.keyring, "name", None)[0] == str(zoe.pk)
        assert _searched(bob.user, bob.keyring, "zed") == [(str(zoe.pk), ["nom"])]
        _delete(org_a, crowd["andre"])
        _check_all(org_a)


def test_other_apps_texts_join_the_scan(bob, org_a, crowd, monkeypatch):
    eloise, twin = str(crowd["eloise"].pk), str(crowd["twin"].pk)
    gone, unknown = str(crowd["gone"].pk), str(UUID(int=7))

    def provider(user, keyring, search):
        return {
            eloise: ["consultation\x1esuivi psy domiciliation"],
            twin: ["traitement\x1edupont"],
            gone: ["consultation\x1edomiciliation"],
            unknown: ["consultation\x1edomiciliation"],
        }

    monkeypatch.setattr(selectors, "SEARCH_PROVIDERS", [provider])
    for query in ("psy", "domiciliation", "dupont", "psy dupont", "martin dupont", "rsa dupont"):
        for key in ("normal", "restricted"):
            member = org_a[key]
            assert _searched(member.user, member.keyring, query) == _oracle(member.user, member.keyring, query)
    assert (eloise, ["consultation"]) in _searched(bob.user, bob.keyring, "psy")


def test_a_line_left_in_the_shards_by_a_deleted_person_is_never_shown(bob, org_a, crowd):
    gone = str(crowd["gone"].pk)
    Person.objects.filter(pk=crowd["eloise"].pk).update(deleted_at=crowd["eloise"].created_at)  # line still there
    eloise = str(crowd["eloise"].pk)
    assert any(raw.startswith(eloise) for raw in shard_lines(org_a.organisation.pk, bob.keyring, set()))
    for query in ("dupont", "domiciliation"):
        assert {eloise, gone}.isdisjoint(pid for pid, _ in _searched(bob.user, bob.keyring, query))
    assert {eloise, gone}.isdisjoint(_listed(bob.user, bob.keyring, "name", None))


def test_ranked_hits_give_what_a_full_sort_gives_for_any_page():
    """A search sorts only as far as the page asks; every slice a paginator may take reads as the full sort."""
    hits = [(tier, f"p{n % 7}", n % 3, n, n + 1) for n, tier in enumerate([3, 1, 3, 0, 2, 3, 1] * 9)]
    keys = [(tier, person_id) for tier, person_id, *_ in hits]  # ties: the hits' own order, as a stable sort
    full = sorted(hits, key=lambda hit: (hit[0], hit[1]))
    for start, stop in [(0, 5), (5, 10), (0, 0), (60, 80), (0, 63), (10, 5)]:
        assert selectors.Ranked(hits, keys)[start:stop] == full[start:stop]
    ranked = selectors.Ranked(hits, keys)
    assert (ranked[0], ranked[-1], len(ranked)) == (full[0], full[-1], len(full))
