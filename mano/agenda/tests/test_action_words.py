"""The day and week filtered on a text read the actions' words from their days' shards (mano.agenda.words): the
lines a first read writes serve the next reads, and a line older than its action, person or comments is never
used, whatever path changed them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db.models import QuerySet
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from mano.agenda import selectors, words
from mano.agenda.action_comments import action_comment_add
from mano.agenda.filters import AgendaFilters
from mano.agenda.models import Action, ActionWordsShard, Status
from mano.agenda.services import action_delete, action_update, actions_create
from mano.core.crypto import DecryptionError
from mano.core.day_words import EPOCH, DayWords, UtcDay, days_of
from mano.core.raw import hex_of
from mano.core.records import record_data
from mano.core.search_param import Search
from mano.persons.models import Comment
from mano.persons.services import person_create, person_update
from mano.persons.services.comments import comment_delete, comment_update
from mano.persons.services.families import family_link
from mano.persons.services.lifecycle import person_delete, person_merge
from mano.persons.text import fold
from mano.testing import merge_persons

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 30)
TUESDAY, FRIDAY = MONDAY + timedelta(days=1), MONDAY + timedelta(days=4)
EVERY = [Status.TODO, Status.DONE, Status.CANCELLED]


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def planned(org_a):
    """Karim's "Rendez-vous CAF" on Tuesday (described "dossier logement") and Zoé's "Douche" on Friday."""
    admin = org_a["admin"]
    karim = person_create(user=admin.user, keyring=admin.keyring, teams=[org_a.day], name="Karim Benali")
    zoe = person_create(user=admin.user, keyring=admin.keyring, teams=[org_a.day], name="Zoé")

    return (
        _plan(admin, karim, "Rendez-vous CAF", org_a.day, _at(TUESDAY, 10), description="dossier logement")[0],
        _plan(admin, zoe, "Douche", org_a.day, _at(FRIDAY, 10))[0],
    )


def _plan(member, person, name: str, team, due_at: datetime, **extra) -> list[Action]:
    return actions_create(
        user=member.user,
        keyring=member.keyring,
        persons=[person],
        name=name,
        teams=[team],
        due_at=due_at,
        with_time=True,
        **extra,
    )


def _week(member, text: str, statuses=EVERY, monday: date = MONDAY) -> dict[date, list[str]]:
    """The week's rows (names) by day, for the whole organisation, filtered on `text`."""
    days = selectors.week_actions(
        user=member.user,
        keyring=member.keyring,
        teams=[],
        monday=monday,
        statuses=statuses,
        filters=AgendaFilters(whole=True, status="all", search=Search(text)),
    )
    assert all(d.count == len(d.rows) for d in days)
    return {d.day: [row.data["name"] for row in d.rows] for d in days if d.rows}


def _update(member, action: Action, **changes):
    action.refresh_from_db()
    data = record_data(action, member.keyring)
    values = {
        "name": data["name"],
        "teams": list(action.teams.all()),
        "due_at": action.due_at,
        "with_time": action.with_time,
        "urgent": action.urgent,
        "description": data.get("description") or "",
        "categories": data.get("categories") or [],
        "status": action.status,
        "completed_at": action.completed_at,
    }
    return action_update(
        user=member.user, keyring=member.keyring, action=action, expected_version=action.version, **values | changes
    )


def test_a_second_read_opens_no_action_and_finds_the_same_rows(org_a, planned, monkeypatch):
    admin = org_a["admin"]
    assert _week(admin, "caf") == {TUESDAY: ["Rendez-vous CAF"]}
    assert ActionWordsShard.objects.filter(organisation=org_a.organisation).count() == 2  # Tuesday's and Friday's
    stored = b"".join(bytes(p) for p in ActionWordsShard.objects.values_list("payload", flat=True))
    assert b"caf" not in stored.lower() and b"benali" not in stored.lower()
    opened = []
    monkeypatch.setattr(words, "_opened", lambda user, keyring, rows, *_: opened.extend(rows) or {})
    assert _week(admin, "caf") == {TUESDAY: ["Rendez-vous CAF"]}
    assert _week(admin, "karim logement") == {TUESDAY: ["Rendez-vous CAF"]}  # person's name and description
    assert _week(admin, "zoe") == {FRIDAY: ["Douche"]}
    assert _week(admin, "absent") == {}
    assert opened == []


def test_a_change_writes_its_day_again_and_opens_only_the_changed_row(org_a, planned, monkeypatch):
    admin = org_a["admin"]
    action, douche = planned
    assert _week(admin, "caf") == {TUESDAY: ["Rendez-vous CAF"]}
    friday = ActionWordsShard.objects.get(bucket=(FRIDAY - EPOCH).days).payload
    other = _plan(admin, douche.person, "Rendez-vous CAF", org_a.day, _at(TUESDAY, 15))[0]
    opened = []
    real = words._opened
    monkeypatch.setattr(
        words, "_opened", lambda user, keyring, rows, *a: opened.extend(rows) or real(user, keyring, rows, *a)
    )
    assert _week(admin, "caf") == {TUESDAY: ["Rendez-vous CAF", "Rendez-vous CAF"]}
    assert [hex_of(row.pk) for row in opened] == [other.pk.hex]
    assert bytes(ActionWordsShard.objects.get(bucket=(FRIDAY - EPOCH).days).payload) == bytes(friday)


def test_restricted_members_read_current_days_from_the_shards_alone(org_a, planned, monkeypatch):
    admin, restricted = org_a["admin"], org_a["restricted"]
    assert _week(admin, "caf") == {TUESDAY: ["Rendez-vous CAF"]}
    monkeypatch.setattr(words, "_lines", None)  # no row's stamp is read
    assert _week(restricted, "karim caf") == {TUESDAY: ["Rendez-vous CAF"]}
    assert _week(restricted, "logement") == {}  # in the description: not theirs to search


def _rename_action(member, action, person, other):
    _update(member, action, name="Rendez-vous CPAM")


def _describe(member, action, person, other):
    _update(member, action, description="dossier CPAM")


def _comment(member, action, person, other):
    action_comment_add(user=member.user, keyring=member.keyring, action=action, text="Appeler la CPAM")


def _edit_comment(member, action, person, other):
    comment = action_comment_add(user=member.user, keyring=member.keyring, action=action, text="Appeler la mairie")
    assert _week(member, "mairie") == {TUESDAY: ["Rendez-vous CAF"]}  # a line with the first text
    _edit(member, comment, "Appeler la CPAM")


def _rename_person(member, action, person, other):
    person.refresh_from_db()
    person_update(user=member.user, keyring=member.keyring, person=person, expected_version=person.version, name="CPAM")


def _merge(member, action, person, other):
    """Karim merged into "Cpam Martin": the action changes person, not version."""
    merge_persons(member, other, person)


def _merge_same_versions(member, action, person, other):
    """The kept person's version after the merge is the merged one's when its day was written: only the action's
    own change tells the day's digest."""
    person.refresh_from_db()
    person_update(
        user=member.user, keyring=member.keyring, person=person, expected_version=person.version, name="Karim B."
    )
    assert _week(member, "cpam") == {}  # the day written again, with Karim at version 2
    merge_persons(member, other, person)
    other.refresh_from_db()
    assert other.version == 2


def _merge_taking_the_name(member, action, person, other):
    """ "Cpam Martin" merged into Karim, who takes its name: Karim's own action is not moved, its person renamed."""
    person.refresh_from_db()
    other.refresh_from_db()
    person_merge(
        user=member.user,
        keyring=member.keyring,
        kept=person,
        other=other,
        fixed={"name": "Cpam Martin"},
        custom={},
        kept_version=person.version,
        other_version=other.version,
    )


@pytest.mark.parametrize(
    "change",
    [
        *(_rename_action, _describe, _comment, _edit_comment, _rename_person),
        *(_merge, _merge_same_versions, _merge_taking_the_name),
    ],
    ids=lambda c: c.__name__,
)
def test_a_line_older_than_what_it_was_made_from_is_never_used(org_a, planned, change):
    admin = org_a["admin"]
    action, _ = planned
    other = person_create(user=admin.user, keyring=admin.keyring, teams=[org_a.day], name="Cpam Martin")
    assert _week(admin, "cpam") == {}
    change(admin, action, action.person, other)
    assert _week(admin, "cpam") == {TUESDAY: ["Rendez-vous CPAM" if change is _rename_action else "Rendez-vous CAF"]}
    assert _week(admin, "mairie") == {}


@pytest.mark.parametrize("many_rows", [0, 1000], ids=["window-read-whole", "rows-by-id"])
def test_a_first_read_finds_names_descriptions_and_comments_however_the_payloads_are_read(
    org_a, planned, monkeypatch, many_rows
):
    """Past MANY_ROWS rows to open, payloads and comments are read with the whole window: the same lines."""
    monkeypatch.setattr(words, "MANY_ROWS", many_rows)
    admin = org_a["admin"]
    action, douche = planned
    action_comment_add(user=admin.user, keyring=admin.keyring, action=douche, text="Serviette oubliée")
    _plan(admin, action.person, "Vestiaire", org_a.day, _at(TUESDAY - timedelta(days=7), 9))  # another week
    read: list[object] = []
    real = words.comment_texts
    monkeypatch.setattr(words, "comment_texts", lambda user, keyring, ids: read.append(ids) or real(user, keyring, ids))
    assert _week(admin, "serviette") == {FRIDAY: ["Douche"]}
    assert isinstance(read[0], QuerySet) == (many_rows == 0)
    assert _week(admin, "karim logement") == {TUESDAY: ["Rendez-vous CAF"]}
    assert _week(admin, "zoe") == {FRIDAY: ["Douche"]}
    assert _week(admin, "vestiaire") == {}


def test_a_removed_comment_no_longer_matches(org_a, planned):
    admin = org_a["admin"]
    action, _ = planned
    comment = action_comment_add(user=admin.user, keyring=admin.keyring, action=action, text="Appeler la CPAM")
    assert _week(admin, "cpam") == {TUESDAY: ["Rendez-vous CAF"]}
    comment_delete(user=admin.user, keyring=admin.keyring, comment=Comment.objects.get(pk=comment.pk))
    assert _week(admin, "cpam") == {}


def test_an_action_moved_to_another_day_is_counted_there_only(org_a, planned):
    admin = org_a["admin"]
    action, _ = planned
    assert _week(admin, "caf") == {TUESDAY: ["Rendez-vous CAF"]}
    _update(admin, action, due_at=_at(FRIDAY, 9))
    assert _week(admin, "caf") == {FRIDAY: ["Rendez-vous CAF"]}
    assert sum(action.pk.hex in line for line in _lines(admin.keyring)) == 1  # Tuesday's line was dropped


def test_a_purged_comment_cannot_bring_an_old_line_back(org_a, planned):
    """Soft-deleted comments are to be purged after a retention period: the comments' stamp must not return to a
    value a line was written with while the comments differ."""
    admin = org_a["admin"]
    action, _ = planned
    first = action_comment_add(user=admin.user, keyring=admin.keyring, action=action, text="Appeler la mairie")
    assert _week(admin, "mairie") == {TUESDAY: ["Rendez-vous CAF"]}
    comment_delete(user=admin.user, keyring=admin.keyring, comment=Comment.objects.get(pk=first.pk))
    Comment.objects.filter(pk=first.pk).delete()  # the purge
    action_comment_add(user=admin.user, keyring=admin.keyring, action=action, text="Appeler la CPAM")
    assert _week(admin, "cpam") == {TUESDAY: ["Rendez-vous CAF"]}
    assert _week(admin, "mairie") == {}


def test_rows_that_change_or_go_while_their_day_is_written_are_not_a_crash(org_a, planned, monkeypatch):
    """Between the reading of the days' rows and their opening, another member marks one done (it leaves a "to do"
    window) and another is purged: the filter answers without them, and the purged row's day is not written as
    current."""
    admin = org_a["admin"]
    action, douche = planned
    opened = words._opened

    def meanwhile(*args):
        Action.objects.filter(pk=action.pk).update(status=Status.DONE, completed_at=_at(TUESDAY, 11))
        Action.objects.filter(pk=douche.pk).delete()
        return opened(*args)

    monkeypatch.setattr(words, "_opened", meanwhile)
    assert _week(admin, "caf", statuses=[Status.TODO]) == {}
    monkeypatch.setattr(words, "_opened", opened)
    assert _week(admin, "caf") == {TUESDAY: ["Rendez-vous CAF"]}
    assert _week(admin, "douche") == {}
    assert [shard.bucket for shard in ActionWordsShard.objects.all()] == [(TUESDAY - EPOCH).days]


def test_restricted_rows_that_leave_the_window_while_it_is_read_are_not_a_crash(org_a, planned, monkeypatch):
    """The same, row by row, for a restricted member whose days are not current."""
    restricted = org_a["restricted"]
    action, douche = planned
    stored = DayWords.stored

    def meanwhile(*args):
        Action.objects.filter(pk=action.pk).update(status=Status.DONE, completed_at=_at(TUESDAY, 11))
        Action.objects.filter(pk=douche.pk).delete()
        return stored(*args)

    monkeypatch.setattr(DayWords, "stored", meanwhile)
    assert _week(restricted, "caf", statuses=[Status.TODO]) == {TUESDAY: ["Rendez-vous CAF"]}
    monkeypatch.setattr(DayWords, "stored", stored)
    assert _week(restricted, "caf", statuses=[Status.TODO]) == {}
    assert _week(restricted, "douche") == {}


def test_a_shard_copied_to_another_organisation_fails_to_open(org_a, org_b, planned):
    admin, other = org_a["admin"], org_b["admin"]
    person = person_create(user=other.user, keyring=other.keyring, teams=[org_b.day], name="Léa")
    _plan(other, person, "Rendez-vous CAF", org_b.day, _at(TUESDAY, 10))
    _week(admin, "caf")
    assert _week(other, "caf") == {TUESDAY: ["Rendez-vous CAF"]}
    theirs = ActionWordsShard.objects.get(organisation=org_b.organisation, bucket=(TUESDAY - EPOCH).days)
    ours = ActionWordsShard.objects.get(organisation=org_a.organisation, bucket=theirs.bucket)
    ActionWordsShard.objects.filter(pk=theirs.pk).update(payload=ours.payload)
    with pytest.raises(DecryptionError):
        _week(other, "caf")


def _lines(keyring) -> list[str]:
    """The rows' lines of every shard (digest lines left out)."""
    lines = []
    for shard in ActionWordsShard.objects.all():
        lines += words.WORDS.store.open(shard.organisation_id, shard.bucket, shard.payload, keyring).split("\n")
    return [line for line in lines if line and ":digest\t" not in line]


def test_a_deleted_actions_line_is_dropped_at_once(org_a, planned):
    admin = org_a["admin"]
    action, douche = planned
    assert _week(admin, "caf") == {TUESDAY: ["Rendez-vous CAF"]}
    assert len(_lines(admin.keyring)) == 2
    action.refresh_from_db()
    action_delete(user=admin.user, keyring=admin.keyring, action=action, expected_version=action.version)
    assert [line.split("\t")[0].split(":")[1] for line in _lines(admin.keyring)] == [douche.pk.hex]
    assert _week(admin, "caf") == {}


def test_a_row_gone_another_way_loses_its_line_at_the_next_read(org_a, planned):
    """A row deleted without the service (a bulk path) changes its day's digest: the next read writes the day
    again, without it."""
    admin = org_a["admin"]
    action, douche = planned
    assert _week(admin, "caf") == {TUESDAY: ["Rendez-vous CAF"]}
    Action.objects.filter(pk=action.pk).update(deleted_at=timezone.now())
    assert _week(admin, "caf") == {}
    assert [line.split("\t")[0].split(":")[1] for line in _lines(admin.keyring)] == [douche.pk.hex]


def test_an_action_before_1970_has_its_line(org_a, planned):
    """UTC days count from 1970: earlier ones are negative buckets (dates go back to 1900)."""
    admin = org_a["admin"]
    old = date(1965, 3, 2)
    _plan(admin, planned[0].person, "Ancien rendez-vous", org_a.day, _at(old, 10))
    assert _week(admin, "ancien", monday=old - timedelta(days=old.weekday())) == {old: ["Ancien rendez-vous"]}
    assert ActionWordsShard.objects.get(bucket__lt=0).bucket == (old - EPOCH).days


def test_restricted_members_match_neither_description_nor_comments_and_write_nothing(org_a, planned):
    action, _ = planned
    admin, restricted = org_a["admin"], org_a["restricted"]
    action_comment_add(user=admin.user, keyring=admin.keyring, action=action, text="Appeler la CPAM")
    assert _week(restricted, "logement") == _week(restricted, "cpam") == {}
    assert _week(restricted, "karim caf") == {TUESDAY: ["Rendez-vous CAF"]}
    assert not ActionWordsShard.objects.exists()
    assert _week(admin, "cpam") == {TUESDAY: ["Rendez-vous CAF"]}
    assert _week(restricted, "cpam") == _week(restricted, "logement") == {}  # with the admin's lines written


def test_a_shard_moved_to_another_day_fails_to_open(org_a, planned):
    admin = org_a["admin"]
    _week(admin, "caf")
    tuesday, friday = ActionWordsShard.objects.order_by("bucket")
    ActionWordsShard.objects.filter(pk=tuesday.pk).update(payload=friday.payload)
    with pytest.raises(DecryptionError):
        _week(admin, "caf")


def test_the_sql_utc_day_is_pythons(org_a, planned):
    """The bucket a line is written to (SQL) is the one a window opens (Python), around midnight UTC too."""
    action, _ = planned
    for moment in ("2026-12-01T23:59:59.999999+00:00", "2026-12-02T00:00:00+00:00", "2026-12-02T00:30:00+01:00"):
        at = datetime.fromisoformat(moment)
        Action.objects.filter(pk=action.pk).update(due_at=at)
        day = Action.objects.annotate(day=UtcDay("agenda_at")).values_list("day", flat=True).get(pk=action.pk)
        assert day == (at.astimezone(UTC).date() - EPOCH).days
        assert day in days_of(at, at + timedelta(microseconds=1))


texts = st.text(alphabet=st.sampled_from("aàbcEé œß\tx-"), max_size=12)


@settings(max_examples=300, deadline=None)
@given(
    name=texts,
    categories=st.lists(texts, max_size=2),
    description=texts,
    comments=texts,
    person=texts,
    query=st.text(alphabet=st.sampled_from("aAbcéeœoß x"), min_size=1, max_size=6),
    restricted=st.booleans(),
)
def test_a_lines_text_holds_the_words_as_the_filter_matches(
    name, categories, description, comments, person, query, restricted
):
    """`holds` on the line written for an action decides as `AgendaFilters.matches` on the action itself."""
    filters = AgendaFilters(search=Search(query))
    if not filters.words:
        return
    data = {"name": name, "categories": categories, "description": description}
    text = words.text_of(data, comments, fold(person), restricted=restricted)
    expected = filters.matches(data, restricted=restricted, comments="" if restricted else comments, person=person)
    assert words.holds(text, filters.words, restricted=restricted) == expected


def _edit(member, comment, text):
    comment.refresh_from_db()
    comment_update(
        user=member.user,
        keyring=member.keyring,
        comment=comment,
        expected_version=comment.version,
        text=text,
        date=None,
        urgent=False,
        family=False,
    )


def test_a_comment_edit_committed_after_a_later_one_is_seen(org_a, planned):
    """Edit 1 takes its write time, edit 2 (another action of the day) a later one and commits first; the day is
    written; edit 1 commits, its write time earlier than the day's latest: its words version sum has moved."""
    admin = org_a["admin"]
    action, douche = planned
    other = _plan(admin, douche.person, "Vestiaire", org_a.day, _at(TUESDAY, 14))[0]
    first = action_comment_add(user=admin.user, keyring=admin.keyring, action=action, text="Appeler la mairie")
    second = action_comment_add(user=admin.user, keyring=admin.keyring, action=other, text="rien")
    taken = timezone.now()
    _edit(admin, second, "autre chose")
    assert _week(admin, "mairie") == {TUESDAY: ["Rendez-vous CAF"]}
    _edit(admin, first, "Appeler la CPAM")
    Comment.objects.filter(pk=first.pk).update(updated_at=taken)
    Action.objects.filter(pk=action.pk).update(updated_at=taken)
    assert _week(admin, "cpam") == {TUESDAY: ["Rendez-vous CAF"]}
    assert _week(admin, "mairie") == {}


def test_a_comment_edited_while_its_day_is_written_is_seen_next(org_a, planned, monkeypatch):
    admin = org_a["admin"]
    action, _ = planned
    comment = action_comment_add(user=admin.user, keyring=admin.keyring, action=action, text="Appeler la mairie")
    real = words._opened

    def opened_then_edited(*args):
        texts = real(*args)
        _edit(admin, comment, "Appeler la CPAM")
        return texts

    monkeypatch.setattr(words, "_opened", opened_then_edited)
    _week(admin, "mairie")
    monkeypatch.setattr(words, "_opened", real)
    assert _week(admin, "cpam") == {TUESDAY: ["Rendez-vous CAF"]}


def test_one_action_leaves_and_another_enters_with_the_same_versions(org_a, planned):
    """Only the day's write times tell this change."""
    admin = org_a["admin"]
    action, douche = planned
    _update(admin, action, description="dossier logement 2")  # version 2
    entering = _plan(admin, action.person, "Douche Karim", org_a.day, _at(FRIDAY, 11))[0]
    assert _week(admin, "caf") == {TUESDAY: ["Rendez-vous CAF"]}
    action.refresh_from_db()
    action_delete(user=admin.user, keyring=admin.keyring, action=action, expected_version=action.version)
    _update(admin, entering, due_at=_at(TUESDAY, 15))  # version 2, onto Tuesday
    assert _week(admin, "douche karim") == {TUESDAY: ["Douche Karim"]}


def test_an_action_created_late_while_another_leaves_its_day_is_found(org_a, planned):
    """Review: an action's creation takes its write time, an edit of the day a later one and commits first; the day
    is written; the creation commits, and a never-edited action of the day is deleted. The count, both version sums
    and the latest write time are what they were: the sum of the write times is not."""
    admin = org_a["admin"]
    action, douche = planned
    vestiaire = _plan(admin, douche.person, "Vestiaire", org_a.day, _at(TUESDAY, 14))[0]
    taken = timezone.now()
    _update(admin, vestiaire, description="x")
    assert _week(admin, "caf") == {TUESDAY: ["Rendez-vous CAF"]}
    created = _plan(admin, douche.person, "Bain de pieds", org_a.day, _at(TUESDAY, 16))[0]
    Action.objects.filter(pk=created.pk).update(updated_at=taken)
    action.refresh_from_db()
    assert (action.version, action.words_version) == (1, 0) == (created.version, created.words_version)
    action_delete(user=admin.user, keyring=admin.keyring, action=action, expected_version=action.version)
    assert _week(admin, "bain") == {TUESDAY: ["Bain de pieds"]}
    assert _week(admin, "caf") == {}


def test_a_family_action_handed_down_changes_its_day(org_a, planned):
    admin = org_a["admin"]
    action, _ = planned
    karim = action.person
    sara = person_create(user=admin.user, keyring=admin.keyring, teams=[org_a.day], name="Sara")
    family_link(user=admin.user, keyring=admin.keyring, person=karim, other=sara, description="soeur")
    _plan(admin, karim, "Logement famille", org_a.day, _at(FRIDAY, 9), family=True)
    assert _week(admin, "sara") == {}
    karim.refresh_from_db()
    person_delete(user=admin.user, keyring=admin.keyring, person=karim, expected_version=karim.version)
    assert _week(admin, "sara logement") == {FRIDAY: ["Logement famille"]}


def test_a_deleted_persons_actions_lose_their_words_at_once(org_a, planned):
    admin = org_a["admin"]
    action, douche = planned
    assert _week(admin, "caf") == {TUESDAY: ["Rendez-vous CAF"]}
    karim = action.person
    karim.refresh_from_db()
    person_delete(user=admin.user, keyring=admin.keyring, person=karim, expected_version=karim.version)
    assert [line.split("\t")[0].split(":")[1] for line in _lines(admin.keyring)] == [douche.pk.hex]


def test_more_matches_than_an_in_list_keep_only_the_matches(org_a, planned, monkeypatch):
    admin = org_a["admin"]
    monkeypatch.setattr(selectors, "IN_LIST", 0)
    assert _week(admin, "caf") == {TUESDAY: ["Rendez-vous CAF"]}
    assert _week(admin, "rendez douche") == {}


def test_however_busy_the_days_a_second_read_opens_nothing(org_a, planned, monkeypatch):
    """The cap on rows read one by one does not apply to the days' words: they are written once, then read."""
    admin = org_a["admin"]
    monkeypatch.setattr(selectors, "WINDOW_CAP", 1)
    assert _week(admin, "caf") == {TUESDAY: ["Rendez-vous CAF"]}
    monkeypatch.setattr(words, "_opened", None)
    assert _week(admin, "douche") == {FRIDAY: ["Douche"]}
