"""The agenda's free text first looks for its words in the persons' search lines: a person whose line lacks a
word has no matching action, so a list filtered on a text found nowhere answers at once, and a rare word is found
however deep its action lies. The lines must therefore hold every part the filter reads."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from mano.agenda import categories, selectors
from mano.agenda.search import DETAILS, text_persons
from mano.agenda.services import actions_create
from mano.persons.index import KIND_SEP, PERSON_SHARDS
from mano.persons.services import person_create

pytestmark = pytest.mark.django_db


def _at(minutes: int) -> datetime:
    return timezone.make_aware(datetime(2026, 12, 2, 8)) + timedelta(minutes=minutes)


def _add(member, team, person, name, minutes=0, **extra):
    (action,) = actions_create(
        user=member.user,
        keyring=member.keyring,
        persons=[person],
        name=name,
        teams=[team],
        due_at=_at(minutes),
        with_time=True,
        **extra,
    )
    return action


def _listed(client, query):
    page = client.get(f"/agenda/liste/?equipe=toutes&{query}").context["page"]
    return page, sorted(row.name for row in page)


@pytest.fixture
def crowded(bob, org_a, monkeypatch):
    """Forty actions of forty persons; the list decrypts at most ten candidates."""
    monkeypatch.setattr(selectors, "SCAN_CAP", 10)
    monkeypatch.setattr(selectors, "CHUNK", 5)
    persons = [
        person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name=f"Personne {i:02d}")
        for i in range(40)
    ]
    for i, person in enumerate(persons):
        extra = {"description": "Rendez-vous à la sous-préfecture"} if i == 35 else {}
        _add(bob, org_a.day, person, f"Action {i:02d}", minutes=i, **extra)
    return persons


def test_a_text_found_nowhere_shows_no_action_without_stopping_at_the_cap(bob, crowded, unlocked_client):
    page, names = _listed(unlocked_client(bob), "q=zzxqwv")
    assert names == [] and page.total == 0 and not page.capped


def test_a_rare_word_is_found_past_the_candidates_a_scan_would_decrypt(bob, crowded, unlocked_client):
    page, names = _listed(unlocked_client(bob), "q=sous-prefecture")
    assert names == ["Action 35"] and not page.capped
    # A common word still stops at the cap and says so.
    common, _ = _listed(unlocked_client(bob), "q=action")
    assert common.capped


@pytest.mark.parametrize(
    ("query", "restricted_finds"),
    [
        ("q=papiers", True),  # the action's name
        ("q=hopital", False),  # its description
        ("q=domiciliation", True),  # a category
        ("q=recepisse", False),  # a comment on it
        ("q=karim", True),  # its person's name
        ("q=karim+hopital", False),  # words from two parts
    ],
)
def test_every_part_the_text_filter_reads_is_in_the_persons_lines(bob, org_a, unlocked_client, query, restricted_finds):
    karim = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim")
    zoe = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Zoé")
    _add(bob, org_a.day, zoe, "Autre chose")
    _add(
        bob,
        org_a.day,
        karim,
        "Papiers",
        description="Hôpital Lariboisière",
        categories=["Domiciliation"],
        comment="Apporter le récépissé",
    )
    assert _listed(unlocked_client(bob), query)[1] == ["Papiers"]
    assert _listed(unlocked_client(org_a["restricted"]), query)[1] == (["Papiers"] if restricted_finds else [])
    words = query.removeprefix("q=").split("+")
    kept = text_persons(org_a.organisation.pk, bob.keyring, words).kept
    assert kept == {str(karim.pk)}


def test_a_renamed_category_is_found_under_its_new_name(alice, bob, org_a, unlocked_client):
    org_a.organisation.action_categories = [{"group": "Accès aux droits", "items": ["Domiciliation"]}]
    org_a.organisation.save(update_fields=["action_categories"])
    karim = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim")
    _add(bob, org_a.day, karim, "Papiers", categories=["Domiciliation"])
    categories.category_rename(
        user=alice.user,
        keyring=alice.keyring,
        old="Domiciliation",
        new="Élection de domicile",
        config_version=categories.config_version(org_a.organisation),
    )
    assert _listed(unlocked_client(bob), "q=election")[1] == ["Papiers"]


def test_a_line_written_before_the_action_details_rules_nobody_out(bob, org_a, unlocked_client):
    karim = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim")
    _add(bob, org_a.day, karim, "Papiers", description="Hôpital Lariboisière")
    mark = f"\t{DETAILS}{KIND_SEP}"

    def older(line: str) -> str:
        head, _, rest = line.partition(mark)
        return head + ("\t" + rest.split("\t", 1)[1] if "\t" in rest else "")

    zoe = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Zoé")
    org = org_a.organisation.pk
    before = text_persons(org, bob.keyring, ["lariboisiere"])
    assert before.allows(karim.pk) and not before.allows(zoe.pk)  # the word is in Karim's action details
    PERSON_SHARDS.patch(org, [str(karim.pk), str(zoe.pk)], older, bob.keyring)
    lines = PERSON_SHARDS.lines(org, bob.keyring)
    assert lines and all(mark not in line for line in lines)
    # The shards read before held no older line: rewritten, they are looked at again.
    after = text_persons(org, bob.keyring, ["lariboisiere"])
    assert after.allows(karim.pk) and after.allows(zoe.pk)
    assert _listed(unlocked_client(bob), "q=lariboisiere")[1] == ["Papiers"]


def test_a_person_search_finds_a_word_of_an_action_description(bob, org_a, unlocked_client):
    karim = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim")
    person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Zoé")
    _add(bob, org_a.day, karim, "Papiers", description="Hôpital Lariboisière")
    response = unlocked_client(bob).get("/personnes/?q=lariboisiere")
    assert [row.person_id for row in response.context["page"]] == [karim.pk]
    assert "description ou catégorie d&#x27;action" in response.content.decode()


def test_words_beyond_ascii_are_found_in_the_lines_read_as_utf8_bytes(bob, org_a):
    """The shards are searched undecoded: a word of several UTF-8 bytes (œ, ß folded to ss, CJK) is found where it
    lies and nowhere else, and the persons' ids come back as text."""
    heart, other = (
        person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name=name) for name in ("Zoé", "Ana")
    )
    _add(bob, org_a.day, heart, "Suivi", description="Problème de cœur, rue Straße, 北京")
    _add(bob, org_a.day, other, "Suivi", description="coeur")
    org_id = org_a.organisation.pk
    assert text_persons(org_id, bob.keyring, ["cœur"]).kept == {str(heart.pk)}
    assert text_persons(org_id, bob.keyring, ["strasse", "北京"]).kept == {str(heart.pk)}
    assert text_persons(org_id, bob.keyring, ["coeur"]).kept == {str(other.pk)}
    assert text_persons(org_id, bob.keyring, ["zoe", "suivi"]).kept == {str(heart.pk)}
    assert [line[:36] for line in PERSON_SHARDS.lines_with(org_id, bob.keyring, ["北京"])] == [str(heart.pk)]
