"""Passages and rencontres: per person, for several persons, anonymous; roles, switches, conflicts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from mano.accounts.models import Team
from mano.core.audit import AuditAction, AuditEvent
from mano.core.records import ConflictError, record_data
from mano.persons.models import Passage, Person, Rencontre
from mano.persons.selectors.passages import day_window
from mano.persons.services.passages import encounter_delete, encounter_update, encounters_create
from mano.persons.services.persons import person_create

pytestmark = pytest.mark.django_db
NOW = "2026-03-10T14:30"


@pytest.fixture
def person(bob, org_a) -> Person:
    return person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim Benali")


def _create(member, team, kind="passage", **kw):
    kw.setdefault("date", timezone.now())
    return encounters_create(user=member.user, keyring=member.keyring, kind=kind, team=team, **kw)


def _form(team, **data) -> dict[str, str]:
    return {"date": NOW, "team": str(team.pk), **data}


# --- services -----------------------------------------------------------------------------


def test_a_passage_keeps_its_comment_encrypted_and_touches_the_person(bob, org_a, person):
    before = timezone.now()
    (passage,) = _create(bob, org_a.day, persons=[person], comment="Douche et petit-déjeuner")
    assert b"Douche" not in bytes(passage.payload)
    assert record_data(passage, bob.keyring) == {"comment": "Douche et petit-déjeuner"}
    assert passage.person == person and passage.team == org_a.day and passage.created_by == bob.user
    person.refresh_from_db()
    assert person.last_interaction_at >= before


def test_anonymous_passages_carry_no_person(bob, org_a):
    created = _create(bob, org_a.day, anonymous_count=3)
    assert len(created) == 3
    assert Passage.objects.filter(person=None).count() == 3


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"date": None, "persons": "P"}, "date", "La date est obligatoire"),
        ({"team": None, "persons": "P"}, "team", "L'équipe est obligatoire"),
        ({"team": "B", "persons": "P"}, "team", "Cette équipe n'appartient pas à votre organisation."),
        ({}, "persons", "Veuillez spécifier une personne"),
        ({"anonymous_count": 0}, "anonymous_count", "compris entre 1 et 100"),
        ({"anonymous_count": 101}, "anonymous_count", "compris entre 1 et 100"),
        ({"kind": "rencontre", "anonymous_count": 1}, "anonymous", "Veuillez spécifier une personne"),
    ],
)
def test_bad_service_input_is_refused_and_saves_nothing(bob, org_a, org_b, person, kwargs, field, message):
    replace = {"P": [person], "B": org_b.day}
    kwargs = {key: replace.get(value, value) if isinstance(value, str) else value for key, value in kwargs.items()}
    kwargs.setdefault("team", org_a.day)
    with pytest.raises(ValidationError) as caught:
        _create(bob, **kwargs)
    assert any(message in m for m in caught.value.message_dict[field])
    assert not Passage.objects.exists() and not Rencontre.objects.exists()


def test_a_person_of_another_organisation_is_refused(bob, charlie, org_a, org_b):
    stranger = person_create(user=charlie.user, keyring=charlie.keyring, teams=[org_b.day], name="Ailleurs")
    with pytest.raises(ValidationError):
        _create(bob, org_a.day, persons=[stranger])
    assert not Passage.objects.exists()


def test_a_stale_update_raises_a_conflict(bob, alice, org_a, person):
    (passage,) = _create(bob, org_a.day, persons=[person], comment="Avant")
    stale = Passage.objects.get(pk=passage.pk)
    common = {"team": org_a.day, "date": timezone.now(), "expected_version": 1}
    encounter_update(user=bob.user, keyring=bob.keyring, record=passage, comment="Bob", **common)
    with pytest.raises(ConflictError):
        encounter_update(user=alice.user, keyring=alice.keyring, record=stale, comment="Alice", **common)
    assert record_data(Passage.objects.get(), bob.keyring)["comment"] == "Bob"


def test_restricted_members_may_add_and_edit_but_not_delete(org_a, person):
    restricted = org_a["restricted"]
    (rencontre,) = _create(restricted, org_a.day, kind="rencontre", persons=[person])
    encounter_update(
        user=restricted.user,
        keyring=restricted.keyring,
        record=rencontre,
        expected_version=1,
        team=org_a.night,
        date=timezone.now(),
        comment="Corrigé",
    )
    with pytest.raises(PermissionDenied):
        encounter_delete(user=restricted.user, keyring=restricted.keyring, record=rencontre)
    assert Rencontre.objects.get().deleted_at is None


def test_a_night_team_day_runs_from_noon_to_noon(org_a):
    tz = timezone.get_current_timezone()
    early = datetime(2026, 3, 10, 3, 0, tzinfo=tz)
    start, end = day_window(org_a.night, early)
    assert (start.day, start.hour, end.day, end.hour) == (9, 12, 10, 12)
    start, end = day_window(org_a.day, early)
    assert (start.day, start.hour, end.day, end.hour) == (10, 0, 11, 0)


# --- pages of a person --------------------------------------------------------------------


def test_bob_adds_a_passage_and_a_rencontre_from_the_person_page(bob, org_a, person, unlocked_client):
    client = unlocked_client(bob)
    page = client.get(f"/personnes/{person.pk}/passages/ajouter/")
    assertContains(page, f'<option value="{org_a.day.pk}" selected>')
    response = client.post(
        f"/personnes/{person.pk}/passages/ajouter/", _form(org_a.day, comment="Venu chercher son courrier"), follow=True
    )
    assertContains(response, "Passage enregistré !")
    assertContains(response, "Passages (1)")
    assertContains(response, "Venu chercher son courrier")
    client.post(f"/personnes/{person.pk}/rencontres/ajouter/", _form(org_a.night, comment="Croisé au métro"))
    rencontre = Rencontre.objects.get()
    assert rencontre.person == person and rencontre.team == org_a.night
    assert timezone.localtime(rencontre.date).strftime("%Y-%m-%dT%H:%M") == NOW
    # The comment of a passage or rencontre is also listed among the person's comments, with its type.
    detail = client.get(f"/personnes/{person.pk}/")
    assertContains(detail, f'href="/personnes/rencontres/{rencontre.pk}/modifier/">Rencontre</a>')


def test_the_person_page_shows_the_newest_passages_and_their_comments_reading_each_kind_once(
    bob, org_a, person, unlocked_client
):
    """The passages section (ten newest, the count) and the comments' timeline show the same rows, read once."""
    now = timezone.now()
    for day in range(12):
        _create(bob, org_a.day, persons=[person], date=now - timedelta(days=day), comment=f"Passage du jour {day}")
    _create(
        bob, org_a.day, kind="rencontre", persons=[person], date=now - timedelta(hours=12), comment="Croisé au métro"
    )
    with CaptureQueriesContext(connection) as queries:
        page = unlocked_client(bob).get(f"/personnes/{person.pk}/")
    assertContains(page, "Passages (12)")
    lists = {section["kind"]: section for section in _section(page, "passages")["lists"]}
    assert len(lists["passage"]["rows"]) == 10 and lists["passage"]["more"] and lists["rencontre"]["count"] == 1
    shown = [row.comment for row in lists["passage"]["rows"]]
    assert shown == [f"Passage du jour {day}" for day in range(10)]  # newest first
    # The timeline: the newest ten that carry a comment, passages and rencontres together.
    timeline = _section(page, "comments")["timeline"]
    texts = [entry.data["comment"] for entry in timeline.entries]
    assert texts[:3] == ["Passage du jour 0", "Croisé au métro", "Passage du jour 1"]
    assert len(timeline.entries) == 10 and timeline.has_next
    for table in (Passage._meta.db_table, Rencontre._meta.db_table):
        # The rows (with their team and author) read once for both sections; the ids and dates of all, once.
        rows = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith(f'SELECT "{table}"."id", "{table}"."organisation_id"')
        ]
        reads = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"]
        ]
        assert len(rows) == 1 and len(reads) <= 2, reads


def test_a_heavy_file_shows_the_comments_of_its_oldest_passages(bob, org_a, person, unlocked_client):
    """120 passages, only the 3 oldest with a comment: the timeline looks past the first batches to find them and
    the section shows the ten newest and the count."""
    now = timezone.now()
    for day in range(120):
        comment = f"Vu le jour {day}" if day >= 117 else ""
        _create(bob, org_a.day, persons=[person], date=now - timedelta(days=day), comment=comment)
    page = unlocked_client(bob).get(f"/personnes/{person.pk}/")
    assertContains(page, "Passages (120)")
    rows = _section(page, "passages")["lists"][0]["rows"]
    assert [row.record.date for row in rows] == [now - timedelta(days=day) for day in range(10)]
    timeline = _section(page, "comments")["timeline"]
    texts = [entry.data["comment"] for entry in timeline.entries]
    assert texts == ["Vu le jour 117", "Vu le jour 118", "Vu le jour 119"] and not timeline.has_next


def test_a_heavy_file_builds_only_the_passages_its_page_opens(bob, org_a, person, unlocked_client, monkeypatch):
    """120 passages with a comment each: the page shows ten and opens the timeline's newest, so it builds one
    batch of rows, not the 120."""
    now = timezone.now()
    for day in range(120):
        _create(bob, org_a.day, persons=[person], date=now - timedelta(days=day), comment=f"Vu le jour {day}")
    built = []
    from_db = Passage.from_db.__func__
    monkeypatch.setattr(Passage, "from_db", classmethod(lambda cls, *a: built.append(1) or from_db(cls, *a)))
    page = unlocked_client(bob).get(f"/personnes/{person.pk}/")
    assertContains(page, "Passages (120)")
    assert len(_section(page, "comments")["timeline"].entries) == 10
    assert 10 <= len(built) <= 50


def test_a_passage_deleted_after_the_page_read_its_ids_is_skipped(bob, org_a, person):
    from mano.persons.selectors.passages import Encounters

    now = timezone.now()
    created = [_create(bob, org_a.day, persons=[person], date=now - timedelta(days=day))[0] for day in range(60)]
    encounters = Encounters("passage", person)
    assert len(encounters) == 60
    encounter_delete(user=bob.user, keyring=bob.keyring, record=created[55])
    assert encounters.row(created[55].pk) is None
    assert encounters.row(created[56].pk).pk == created[56].pk


def _section(page, name):
    return next(context for section, context in page.context["sections"] if section.name == name)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": ""}, "La date est obligatoire"),
        ({"team": ""}, "L&#x27;équipe est obligatoire"),
        ({"date": "2101-01-01T10:00"}, "hors limites"),
        ({"team": "other-org"}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_input_on_the_person_page_saves_nothing(bob, org_a, org_b, person, unlocked_client, data, message):
    if data.get("team") == "other-org":
        data = {"team": str(org_b.day.pk)}
    response = unlocked_client(bob).post(f"/personnes/{person.pk}/passages/ajouter/", {**_form(org_a.day), **data})
    assertContains(response, message)
    assert not Passage.objects.exists()


def test_a_stale_edit_shows_a_conflict_and_keeps_the_typed_comment(bob, alice, org_a, person, unlocked_client):
    (passage,) = _create(bob, org_a.day, persons=[person], comment="Avant")
    url = f"/personnes/passages/{passage.pk}/modifier/"
    assert unlocked_client(bob).post(url, _form(org_a.day, comment="Par Bob", version="1")).status_code == 302
    response = unlocked_client(alice).post(url, _form(org_a.day, comment="Par Alice", version="1"))
    assertContains(response, "Par Bob", status_code=409)
    assertContains(response, "Par Alice", status_code=409)
    assertContains(response, 'name="version" value="2"', status_code=409)
    assert record_data(Passage.objects.get(), bob.keyring)["comment"] == "Par Bob"


def test_deleting_needs_the_confirmation_and_is_refused_to_restricted(bob, org_a, person, unlocked_client):
    (passage,) = _create(bob, org_a.day, persons=[person])
    url = f"/personnes/passages/{passage.pk}/supprimer/"
    restricted = unlocked_client(org_a["restricted"])
    assert restricted.post(url, {"confirm": "1"}).status_code == 403
    assertNotContains(restricted.get(f"/personnes/{person.pk}/"), url)
    client = unlocked_client(bob)
    assertContains(client.get(url), "Supprimer ce passage ?")
    client.post(url)
    assert Passage.objects.get().deleted_at is None
    response = client.post(url, {"confirm": "1"}, follow=True)
    assertContains(response, "Suppression réussie.")
    assertContains(response, "Passages (0)")
    assert AuditEvent.objects.filter(object_id=str(passage.pk), action=AuditAction.RECORD_DELETE).exists()


def test_restricted_members_add_and_edit_passages_through_the_pages(org_a, person, unlocked_client):
    client = unlocked_client(org_a["restricted"])
    assertContains(client.get(f"/personnes/{person.pk}/"), "Ajouter un passage")
    assert client.post(f"/personnes/{person.pk}/passages/ajouter/", _form(org_a.day)).status_code == 302
    passage = Passage.objects.get()
    url = f"/personnes/passages/{passage.pk}/modifier/"
    assert client.post(url, _form(org_a.night, comment="Précisé", version="1")).status_code == 302
    assert record_data(Passage.objects.get(), org_a["restricted"].keyring)["comment"] == "Précisé"


def test_stats_members_get_403(org_a, person, unlocked_client):
    client = unlocked_client(org_a["stats"])
    assert client.get("/personnes/passages/").status_code == 403
    assert client.post(f"/personnes/{person.pk}/passages/ajouter/", _form(org_a.day)).status_code == 403
    assert not Passage.objects.exists()


def test_charlie_gets_404_on_passages_of_another_organisation(bob, charlie, org_a, person, unlocked_client):
    (passage,) = _create(bob, org_a.day, persons=[person])
    (anonymous,) = _create(bob, org_a.day, anonymous_count=1)
    client = unlocked_client(charlie)
    for url in (
        f"/personnes/passages/{passage.pk}/modifier/",
        f"/personnes/passages/{anonymous.pk}/modifier/",
        f"/personnes/{person.pk}/passages/",
        f"/personnes/{person.pk}/rencontres/ajouter/",
    ):
        assert client.get(url).status_code == 404
    assert client.post(f"/personnes/passages/{passage.pk}/supprimer/", {"confirm": "1"}).status_code == 404
    assert Passage.objects.filter(deleted_at=None).count() == 2


def test_switched_off_kinds_disappear(bob, org_a, person, unlocked_client):
    organisation = org_a.organisation
    organisation.passages_enabled = False
    organisation.save()
    client = unlocked_client(bob)
    page = client.get(f"/personnes/{person.pk}/")
    assertNotContains(page, "Ajouter un passage")
    assertContains(page, "Rencontres (0)")
    assert client.get(f"/personnes/{person.pk}/passages/ajouter/").status_code == 404
    assertNotContains(client.get("/personnes/passages/"), "Passage anonyme")
    organisation.rencontres_enabled = False
    organisation.save()
    assertNotContains(client.get(f"/personnes/{person.pk}/"), "Ajouter une rencontre")
    assert client.get("/personnes/passages/").status_code == 404


def test_the_full_list_of_a_person_is_paginated(bob, org_a, person, unlocked_client):
    for day in range(55):
        _create(bob, org_a.day, persons=[person], date=timezone.now() - timedelta(days=day), comment=f"Jour {day:02d}")
    client = unlocked_client(bob)
    assertContains(client.get(f"/personnes/{person.pk}/"), "Voir les 55 passages")
    first = client.get(f"/personnes/{person.pk}/passages/")
    assertContains(first, "Jour 49")
    assertNotContains(first, "Jour 50")
    assertContains(client.get(f"/personnes/{person.pk}/passages/?type=passage&page=2"), "Jour 54")


# --- several persons at once --------------------------------------------------------------


def test_one_post_records_a_passage_for_each_chosen_person(bob, org_a, person, unlocked_client):
    zoe = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Zoé Martin")
    client = unlocked_client(bob)
    page = client.get("/personnes/passages/")
    assertContains(page, "Karim Benali")
    assertContains(page, "Zoé Martin")
    data = _form(org_a.day, kind="passage", persons=[str(person.pk), str(zoe.pk)], comment="Repas")
    response = client.post("/personnes/passages/", data, follow=True)
    assertContains(response, "Passages enregistrés !")
    assert sorted(p.person.pk for p in Passage.objects.all()) == sorted([person.pk, zoe.pk])


def test_anonymous_passages_need_their_number(bob, org_a, unlocked_client):
    client = unlocked_client(bob)
    missing = client.post("/personnes/passages/", _form(org_a.day, kind="passage", anonymous="on"))
    assertContains(missing, "Veuillez spécifier le nombre de passages anonymes")
    nobody = client.post("/personnes/passages/", _form(org_a.day, kind="passage"))
    assertContains(nobody, "Veuillez spécifier une personne")
    assert not Passage.objects.exists()
    data = _form(org_a.day, kind="passage", anonymous="on", anonymous_count="4")
    assert client.post("/personnes/passages/", data).status_code == 302
    assert Passage.objects.filter(person=None).count() == 4


def test_a_rencontre_cannot_be_anonymous(bob, org_a, unlocked_client):
    data = _form(org_a.day, kind="rencontre", anonymous="on", anonymous_count="2")
    assertContains(unlocked_client(bob).post("/personnes/passages/", data), "Une rencontre ne peut pas être anonyme.")
    assert not Rencontre.objects.exists()


def test_a_person_of_another_organisation_cannot_be_chosen(bob, charlie, org_a, org_b, unlocked_client):
    stranger = person_create(user=charlie.user, keyring=charlie.keyring, teams=[org_b.day], name="Ailleurs")
    data = _form(org_a.day, kind="passage", persons=[str(stranger.pk)])
    assertContains(unlocked_client(bob).post("/personnes/passages/", data), "Sélectionnez un choix valide")
    assert not Passage.objects.exists()


def test_the_page_filters_persons_and_lists_today_for_the_current_team(bob, org_a, person, unlocked_client):
    zoe = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Zoé Martin")
    night_team_person = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.night], name="Nocturne")
    _create(bob, org_a.day, persons=[zoe], comment="Café du matin")
    _create(bob, org_a.day, anonymous_count=1)
    _create(bob, org_a.night, persons=[night_team_person], comment="Équipe de nuit")
    _create(bob, org_a.day, persons=[person], date=timezone.now() - timedelta(days=2), comment="Avant-hier")
    client = unlocked_client(bob)
    page = client.get("/personnes/passages/")
    assertNotContains(page, "Nocturne")
    assertContains(page, "Café du matin")
    assertContains(page, "Anonyme")
    assertNotContains(page, "Équipe de nuit")
    assertNotContains(page, "Avant-hier")
    assertContains(page, "(2)")
    filtered = client.get("/personnes/passages/", {"q": "zoe"})
    assertContains(filtered, f'value="{zoe.pk}"')
    assertNotContains(filtered, f'value="{person.pk}"')


def test_an_anonymous_passage_is_edited_and_goes_back_to_the_day_page(bob, org_a, unlocked_client):
    (passage,) = _create(bob, org_a.day, anonymous_count=1)
    client = unlocked_client(bob)
    assertContains(client.get(f"/personnes/passages/{passage.pk}/modifier/"), "Passage anonyme")
    response = client.post(f"/personnes/passages/{passage.pk}/modifier/", _form(org_a.day, comment="Ok", version="1"))
    assert response["Location"] == "/personnes/passages/"
    assert Team.objects.filter(pk=Passage.objects.get().team_id).exists()


def test_the_passage_rows_keep_markup_as_text_and_show_what_each_role_may_do(bob, org_a, person, unlocked_client):
    """The rows are written in Python (`timeline_rows.passage_rows_html`): markup in a comment, a team's or a
    person's name stays text, a long comment is cut at 400 characters, an anonymous passage says so on the day's
    entry page, and only members who may delete see "Supprimer"."""
    Team.objects.filter(pk=org_a.day.pk).update(name='Équipe <b>"nuit"</b>')
    org_a.day.refresh_from_db()
    marked = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="<script>x</script>")
    now = timezone.now()
    encounters_create(
        user=bob.user,
        keyring=bob.keyring,
        kind="passage",
        team=org_a.day,
        date=now,
        persons=[marked],
        anonymous_count=1,
        comment="Passage <i>court</i> & 'long' " + "é" * 400,
    )
    encounters_create(user=bob.user, keyring=bob.keyring, kind="rencontre", team=org_a.day, date=now, persons=[marked])
    page = unlocked_client(bob).get(f"/personnes/{marked.pk}/")
    assertContains(page, "Passage &lt;i&gt;court&lt;/i&gt; &amp; &#x27;long&#x27; " + "é" * 369 + "…")
    assertNotContains(page, "<i>court</i>")
    tag = '<span class="tag">Équipe &lt;b&gt;&quot;nuit&quot;&lt;/b&gt;</span>'
    assertContains(page, f'</time> {tag} <span class="muted">par {bob.user}</span></p>', count=2)
    for kind in ("passage", "rencontre"):
        (row,) = (Passage if kind == "passage" else Rencontre).objects.filter(person=marked)
        assertContains(page, f'href="/personnes/{kind}s/{row.pk}/modifier/">Modifier</a>')
        assertContains(page, f'href="/personnes/{kind}s/{row.pk}/supprimer/">Supprimer</a>')
    assertNotContains(unlocked_client(org_a["restricted"]).get(f"/personnes/{marked.pk}/"), "Supprimer</a>")
    day = unlocked_client(bob).get(reverse("persons:passages"))
    assertContains(day, "<em>Anonyme</em>")
    assertContains(day, f'<a href="/personnes/{marked.pk}/">&lt;script&gt;x&lt;/script&gt;</a>')
    assertContains(day, '<span class="badge">Rencontre</span>')
    assertNotContains(day, "<script>x</script>")
    empty = unlocked_client(bob).get(reverse("persons:person-passages", args=[person.pk]) + "?type=rencontre")
    assertContains(empty, '<ul class="list encounters">\n<li class="muted">Aucun élément.</li>\n</ul>')
