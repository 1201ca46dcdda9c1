"""Comments on a person: encrypted, searchable, version-checked, newest first, opened page by page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from mano.agenda.services import actions_create
from mano.core import records
from mano.core.audit import AuditAction, AuditEvent
from mano.core.records import ConflictError, record_data
from mano.core.shards import ShardStore
from mano.persons import index
from mano.persons.models import Comment, Person
from mano.persons.selectors.comments import comment_timeline, comments_for_persons
from mano.persons.selectors.persons import person_search
from mano.persons.services.comments import comment_create, comment_delete, comment_update
from mano.persons.services.passages import encounters_create
from mano.persons.services.persons import person_create
from mano.testing import assert_stats_as_rebuilt

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(bob, org_a) -> Person:
    return person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim Benali")


def _comment(member, person, text="Vu à la gare", **kw) -> Comment:
    return comment_create(user=member.user, keyring=member.keyring, person=person, text=text, **kw)


def _url(person, *rest) -> str:
    return "/".join([f"/personnes/{person.pk}/commentaires", *[str(r) for r in rest]]) + "/"


def _found(member, query) -> list[str]:
    return [row.name for row in person_search(user=member.user, keyring=member.keyring, query=query, page=1)]


# --- services -----------------------------------------------------------------------------


def test_it_adds_an_encrypted_comment_with_team_date_and_flags(bob, org_a, person):
    before = timezone.now()
    comment = _comment(bob, person, "Besoin d'une pharmacie", urgent=True, team=org_a.day)
    assert b"pharmacie" not in bytes(comment.payload)
    data = record_data(comment, bob.keyring)
    assert data["text"] == "Besoin d'une pharmacie" and data["urgent"] is True and data["family"] is False
    assert before <= timezone.datetime.fromisoformat(data["date"]) <= timezone.now()
    assert comment.team == org_a.day and comment.created_by == bob.user
    person.refresh_from_db()
    assert person.last_interaction_at >= before


def test_an_empty_comment_is_refused_and_nothing_is_saved(bob, person):
    with pytest.raises(ValidationError):
        _comment(bob, person, "   ")
    assert not Comment.objects.exists()


def test_restricted_and_stats_members_cannot_write_comments(org_a, person):
    for role in ("restricted", "stats"):
        with pytest.raises(PermissionDenied):
            _comment(org_a[role], person)
    assert not Comment.objects.exists()


def test_search_finds_a_person_by_a_word_of_a_comment_until_it_is_deleted(bob, person):
    comment = _comment(bob, person, "Cherche une pharmacie de garde")
    assert _found(bob, "PHARMACIE") == ["Karim Benali"]
    comment_update(
        user=bob.user,
        keyring=bob.keyring,
        comment=comment,
        expected_version=1,
        text="Cherche un médecin",
        date=None,
        urgent=False,
        family=False,
    )
    assert _found(bob, "pharmacie") == [] and _found(bob, "medecin") == ["Karim Benali"]
    comment_delete(user=bob.user, keyring=bob.keyring, comment=comment)
    assert _found(bob, "medecin") == []


def test_editing_someone_elses_comment_records_who_and_when(bob, alice, person):
    comment = _comment(bob, person)
    common = {"date": None, "urgent": False, "family": False}
    comment = comment_update(
        user=bob.user, keyring=bob.keyring, comment=comment, expected_version=1, text="Vu au parc", **common
    )
    assert record_data(comment, bob.keyring)["edited"] == []
    comment = comment_update(
        user=alice.user, keyring=alice.keyring, comment=comment, expected_version=2, text="Vu au square", **common
    )
    notes = record_data(comment, bob.keyring)["edited"]
    assert [n["by_name"] for n in notes] == [str(alice.user)]


def test_a_stale_edit_raises_a_conflict_and_writes_nothing(bob, alice, person):
    comment = _comment(bob, person, "Version 1")
    stale = Comment.objects.get(pk=comment.pk)
    common = {"date": None, "urgent": False, "family": False}
    comment_update(user=bob.user, keyring=bob.keyring, comment=comment, expected_version=1, text="Bob", **common)
    with pytest.raises(ConflictError):
        comment_update(
            user=alice.user, keyring=alice.keyring, comment=stale, expected_version=1, text="Alice", **common
        )
    assert record_data(Comment.objects.get(pk=comment.pk), bob.keyring)["text"] == "Bob"


def test_family_comments_of_several_persons_stay_in_the_organisation(bob, charlie, org_a, org_b, person):
    sister = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Sœur")
    other = person_create(user=charlie.user, keyring=charlie.keyring, teams=[org_b.day], name="Ailleurs")
    _comment(bob, person, "Pour toute la famille", family=True)
    _comment(bob, person, "Pour Karim seulement")
    _comment(bob, sister, "Rendez-vous CAF en famille", family=True)
    _comment(charlie, other, "Autre organisation", family=True)
    ids = [person.pk, sister.pk, other.pk]
    found = comments_for_persons(user=bob.user, keyring=bob.keyring, person_ids=ids)
    assert sorted(e.text for e in found) == ["Pour toute la famille", "Rendez-vous CAF en famille"]
    everything = comments_for_persons(user=bob.user, keyring=bob.keyring, person_ids=ids, family_only=False)
    assert len(everything) == 3


# --- selectors ----------------------------------------------------------------------------


def test_the_timeline_mixes_passage_comments_newest_first_and_skips_empty_ones(bob, org_a, person):
    common = {"user": bob.user, "keyring": bob.keyring, "team": org_a.day, "persons": [person]}
    yesterday = timezone.now() - timedelta(days=1)
    encounters_create(kind="passage", date=yesterday, comment="Douche et café", **common)
    encounters_create(kind="rencontre", date=yesterday - timedelta(hours=1), comment="Croisé rue Oberkampf", **common)
    encounters_create(kind="passage", date=timezone.now(), comment="", **common)
    _comment(bob, person, "Dernier commentaire")
    timeline = comment_timeline(user=bob.user, keyring=bob.keyring, person=person)
    assert [(e.label, e.text) for e in timeline.entries] == [
        ("Commentaire", "Dernier commentaire"),
        ("Passage", "Douche et café"),
        ("Rencontre", "Croisé rue Oberkampf"),
    ]


def test_a_page_opens_only_the_comments_it_shows(bob, person, monkeypatch):
    for i in range(30):
        _comment(bob, person, f"Commentaire {i}")
    opened = []
    real = records.decrypt_record

    def counting(*args, **kwargs):
        opened.append(kwargs["table"])
        return real(*args, **kwargs)

    monkeypatch.setattr(records, "decrypt_record", counting)
    first = comment_timeline(user=bob.user, keyring=bob.keyring, person=person, page=1, size=10)
    assert [e.text for e in first.entries][:2] == ["Commentaire 29", "Commentaire 28"]
    assert first.has_next and len(opened) == 10
    last = comment_timeline(user=bob.user, keyring=bob.keyring, person=person, page=3, size=10)
    assert [e.text for e in last.entries][-1] == "Commentaire 0" and not last.has_next
    assert len(opened) == 20


# --- pages --------------------------------------------------------------------------------


def test_bob_adds_a_comment_and_sees_it_on_the_person_page(bob, org_a, person, unlocked_client):
    client = unlocked_client(bob)
    form = client.get(_url(person, "ajouter"))
    assertContains(form, "Commentaire prioritaire")
    assertNotContains(form, "Commentaire familial")
    response = client.post(_url(person, "ajouter"), {"text": "Demande un duvet", "urgent": "on"}, follow=True)
    assertContains(response, "Commentaire enregistré.")
    assertContains(response, "Demande un duvet")
    assertContains(response, "comment comment--urgent")
    comment = Comment.objects.get()
    assert comment.team == org_a.day and comment.person == person
    assert timezone.now() - timezone.datetime.fromisoformat(record_data(comment, bob.keyring)["date"]) < timedelta(
        minutes=1
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "  "}, "Le commentaire est obligatoire."),
        ({"text": "Ok", "date": "2101-01-01T10:00"}, "hors limites"),
        ({"text": "Ok", "date": "hier soir"}, "Saisissez une date et une heure valides."),
        ({"text": "x" * 20_001}, "20000 caractères"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_saves_nothing(bob, person, unlocked_client, data, message):
    response = unlocked_client(bob).post(_url(person, "ajouter"), data)
    assertContains(response, message)
    assert not Comment.objects.exists()


def test_the_family_box_appears_only_for_a_person_with_a_family(bob, person, unlocked_client, monkeypatch):
    monkeypatch.setattr(index, "CARD_SOURCES", [lambda p, k: {"family": True}])
    index.index_refresh(person, bob.keyring)
    client = unlocked_client(bob)
    assertContains(client.get(_url(person, "ajouter")), "Commentaire familial")
    client.post(_url(person, "ajouter"), {"text": "Pour tous", "family": "on"})
    assert record_data(Comment.objects.get(), bob.keyring)["family"] is True
    assertContains(client.get(f"/personnes/{person.pk}/"), "👪")


def test_editing_through_the_page_shows_who_edited_someone_elses_comment(bob, alice, person, unlocked_client):
    comment = _comment(bob, person)
    response = unlocked_client(alice).post(
        _url(person, comment.pk, "modifier"), {"text": "Vu au square", "version": "1"}, follow=True
    )
    assertContains(response, "Commentaire mis à jour.")
    assertContains(response, "Vu au square")
    assertContains(response, f"Modifié par {alice.user}")


def test_a_stale_edit_shows_a_conflict_and_keeps_the_typed_text(bob, alice, person, unlocked_client):
    comment = _comment(bob, person, "Première version")
    url = _url(person, comment.pk, "modifier")
    assert unlocked_client(bob).post(url, {"text": "Version de Bob", "version": "1"}).status_code == 302
    response = unlocked_client(alice).post(url, {"text": "Version d'Alice", "version": "1"})
    assertContains(response, "pendant que vous écriviez", status_code=409)
    assertContains(response, "Version de Bob", status_code=409)
    assertContains(response, "Version d&#x27;Alice", status_code=409)
    assertContains(response, 'name="version" value="2"', status_code=409)
    assert record_data(Comment.objects.get(), bob.keyring)["text"] == "Version de Bob"


def test_an_edit_of_a_deleted_comment_keeps_the_text_for_a_new_comment(bob, alice, person, unlocked_client):
    comment = _comment(bob, person)
    url = _url(person, comment.pk, "modifier")
    client = unlocked_client(alice)
    assert client.get(url).status_code == 200
    comment_delete(user=bob.user, keyring=bob.keyring, comment=comment)
    response = client.post(url, {"text": "Mon texte", "version": "1"})
    assertContains(response, "supprimé pendant que vous écriviez", status_code=409)
    assertContains(response, "Mon texte", status_code=409)
    assertContains(response, f'action="{_url(person, "ajouter")}"', status_code=409)
    assert client.post(_url(person, "ajouter"), {"text": "Mon texte"}).status_code == 302
    assert record_data(Comment.objects.get(deleted_at=None), bob.keyring)["text"] == "Mon texte"


def test_deleting_needs_the_confirmation_form(bob, person, unlocked_client):
    comment = _comment(bob, person, "À effacer")
    client = unlocked_client(bob)
    url = _url(person, comment.pk, "supprimer")
    assertContains(client.get(url), "Voulez-vous vraiment supprimer ce commentaire")
    assert client.post(url).status_code == 302
    comment.refresh_from_db()
    assert comment.deleted_at is None
    response = client.post(url, {"confirm": "1"}, follow=True)
    assertContains(response, "Commentaire supprimé.")
    assertNotContains(response, "À effacer")
    comment.refresh_from_db()
    assert comment.deleted_at is not None
    assert AuditEvent.objects.filter(object_id=str(comment.pk), action=AuditAction.RECORD_DELETE).exists()
    assert client.get(_url(person, comment.pk, "modifier")).status_code == 404


def test_the_full_list_pages_through_older_comments(bob, person, unlocked_client):
    for i in range(55):
        _comment(bob, person, f"Note numéro {i:02d}")
    client = unlocked_client(bob)
    detail = client.get(f"/personnes/{person.pk}/")
    assertContains(detail, "Note numéro 54")
    assertNotContains(detail, "Note numéro 40")
    assertContains(detail, "Voir tous les commentaires")
    first = client.get(_url(person))
    assertContains(first, "Note numéro 05")
    assertNotContains(first, "Note numéro 04")
    assertContains(first, "Plus anciens")
    assertContains(client.get(_url(person) + "?page=2"), "Note numéro 00")


def test_charlie_gets_404_on_every_comment_page_of_another_organisation(bob, charlie, person, unlocked_client):
    comment = _comment(bob, person)
    client = unlocked_client(charlie)
    for url in (_url(person), _url(person, "ajouter"), _url(person, comment.pk, "modifier")):
        assert client.get(url).status_code == 404
    assert client.post(_url(person, comment.pk, "supprimer"), {"confirm": "1"}).status_code == 404
    comment.refresh_from_db()
    assert comment.deleted_at is None


def test_a_comment_is_only_reachable_under_its_own_person(bob, org_a, person, unlocked_client):
    other = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Autre")
    comment = _comment(bob, person)
    assert unlocked_client(bob).get(_url(other, comment.pk, "modifier")).status_code == 404


def test_restricted_and_stats_members_get_403_and_restricted_sees_no_comment(org_a, bob, person, unlocked_client):
    _comment(bob, person, "Information sensible")
    for role in ("restricted", "stats"):
        client = unlocked_client(org_a[role])
        assert client.get(_url(person, "ajouter")).status_code == 403
        assert client.post(_url(person, "ajouter"), {"text": "x"}).status_code == 403
    page = unlocked_client(org_a["restricted"]).get(f"/personnes/{person.pk}/")
    assertNotContains(page, "Information sensible")
    assert Comment.objects.count() == 1


def test_anonymous_wrong_method_and_locked_keys(bob, person, unlocked_client, client):
    assert client.get(_url(person, "ajouter"))["Location"].startswith("/connexion/")
    member = unlocked_client(bob)
    assert member.put(_url(person, "ajouter")).status_code == 405
    assert member.post(_url(person)).status_code == 405
    member.post("/verrouiller/")
    assert member.get(_url(person, "ajouter"))["Location"].startswith("/deverrouiller/")


def test_the_person_page_costs_the_same_queries_with_50_comments(
    bob, org_a, person, unlocked_client, django_assert_max_num_queries
):
    client = unlocked_client(bob)
    _comment(bob, person)
    with CaptureQueriesContext(connection) as baseline:
        client.get(f"/personnes/{person.pk}/")
    for i in range(49):
        _comment(bob, person, f"Commentaire {i}")
    common = {"user": bob.user, "keyring": bob.keyring, "team": org_a.day, "persons": [person]}
    for _ in range(5):
        encounters_create(kind="passage", date=timezone.now(), comment="Passage", **common)
    with django_assert_max_num_queries(len(baseline)):
        response = client.get(f"/personnes/{person.pk}/")
    assertContains(response, "Commentaire 48")


def test_a_family_comment_shows_on_every_member_page(bob, org_a, unlocked_client):
    from mano.persons.services import person_create
    from mano.persons.services.comments import comment_create
    from mano.persons.services.families import family_link

    mother = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Mère Famille")
    son = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Fils Famille")
    family_link(user=bob.user, keyring=bob.keyring, person=mother, other=son, description="Mère/fils")
    comment_create(user=bob.user, keyring=bob.keyring, person=mother, text="Hébergés ensemble au 115", family=True)
    comment_create(user=bob.user, keyring=bob.keyring, person=mother, text="Rendez-vous CMP seule", family=False)
    page = unlocked_client(bob).get(f"/personnes/{son.pk}/")
    assertContains(page, "Hébergés ensemble au 115")
    assertNotContains(page, "Rendez-vous CMP seule")


def test_a_comment_written_recomputes_only_the_comments_statistics(bob, org_a, person, monkeypatch):
    """A comment changes its person's search line and the comments' statistics; the other statistics sources
    (persons, passages, actions…) are neither opened nor rewritten, and the store stays what a rebuild computes."""
    encounters_create(
        user=bob.user, keyring=bob.keyring, kind="passage", team=org_a.day, date=timezone.now(), persons=[person]
    )
    opened = []
    open_bytes = ShardStore.open_bytes

    def spy(store, *args, **kwargs):
        opened.append(dict(store.scope).get("source", store.table))
        return open_bytes(store, *args, **kwargs)

    monkeypatch.setattr(ShardStore, "open_bytes", spy)
    comment = _comment(bob, person)
    comment_update(
        user=bob.user,
        keyring=bob.keyring,
        comment=comment,
        expected_version=comment.version,
        text="Revu",
        date=None,
        urgent=False,
        family=False,
    )
    comment_delete(user=bob.user, keyring=bob.keyring, comment=Comment.objects.get(pk=comment.pk))
    assert set(opened) == {"comments", "persons_personshard"}
    monkeypatch.undo()
    assert_stats_as_rebuilt(org_a)


def _line(org, member, person) -> str:
    (line,) = [
        ln for ln in index.PERSON_SHARDS.lines(org.organisation.pk, member.keyring) if ln.startswith(str(person.pk))
    ]
    return line


def test_a_new_comment_joins_the_search_line_as_a_rebuild_would(bob, org_a, person, monkeypatch):
    """A comment's write adds its words to the person's line without reading the person's other comments and
    actions: the line then holds what a full rebuild makes (the comments' words, the actions' words, the card)."""
    actions_create(
        user=bob.user, keyring=bob.keyring, persons=[person], name="Douche", teams=[org_a.day], due_at=timezone.now()
    )
    with monkeypatch.context() as patch:
        patch.setattr(index, "build_search", lambda *args: pytest.fail("the whole line was rebuilt"))
        _comment(bob, person, "Vu à la gare, domiciliation CCAS")
        _comment(bob, person, "Domiciliation faite ; gare du Nord et Œuvre")
    patched = _line(org_a, bob, person).split("\t")
    index.index_refresh(person, bob.keyring)
    rebuilt = _line(org_a, bob, person).split("\t")
    field = index.COMMENTS_FIELD
    assert patched[:field] + patched[field + 1 :] == rebuilt[:field] + rebuilt[field + 1 :]
    assert sorted(patched[field].split(" ")) == sorted(rebuilt[field].split(" "))
    assert {"domiciliation", "nord", "œuvre"} <= set(patched[field].split(" "))
    assert _found(bob, "Œuvre nord") == ["Karim Benali"]


def test_a_comment_on_a_person_missing_from_the_shards_rebuilds_the_line(bob, org_a, person):
    index.PERSON_SHARDS.rewrite(org_a.organisation.pk, {str(person.pk): None}, bob.keyring)
    assert _found(bob, "karim") == []
    _comment(bob, person, "Revu au local")
    assert _found(bob, "karim") == _found(bob, "local") == ["Karim Benali"]


def test_the_comment_rows_escape_every_value_and_link_each_kind(bob, alice, org_a, person, unlocked_client):
    """The rows are written in Python (`timeline_rows`): markup typed anywhere stays text, and each kind of row
    links where it is edited."""
    comment = _comment(bob, person, '<script>alert(1)</script> & "guillemets"', urgent=True, team=org_a.day)
    comment_update(
        user=alice.user,
        keyring=alice.keyring,
        comment=comment,
        expected_version=comment.version,
        text="<b>revu</b>",
        date=None,
        urgent=True,
        family=False,
    )
    (passage,) = encounters_create(
        user=bob.user,
        keyring=bob.keyring,
        kind="passage",
        team=org_a.day,
        date=timezone.now(),
        persons=[person],
        comment="Passage <i>court</i>",
    )
    page = unlocked_client(bob).get(f"/personnes/{person.pk}/")
    assertContains(page, "&lt;b&gt;revu&lt;/b&gt;")
    assertContains(page, "Passage &lt;i&gt;court&lt;/i&gt;")
    assertNotContains(page, "<b>revu</b>")
    assertContains(page, f"Modifié par {alice.user}")
    assertContains(page, '<span class="badge badge--urgent">Prioritaire</span>')
    assertContains(page, f'<span class="tag">{org_a.day.name}</span>')
    assertContains(page, f'href="{reverse("persons:comment-edit", args=[person.pk, comment.pk])}">Modifier</a>')
    assertContains(page, f'href="{reverse("persons:passage-edit", args=[passage.pk])}">Passage</a>')
