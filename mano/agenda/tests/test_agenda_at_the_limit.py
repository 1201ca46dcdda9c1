"""The day and week read for speed (issue 13) show the same rows, in the same order, with the same counts."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_django.asserts import assertContains

from mano.agenda import extras, selectors
from mano.agenda.days import agenda_day_of, day_window
from mano.agenda.filters import AgendaFilters, lacking
from mano.agenda.models import Action, Status
from mano.agenda.rows import date_shown, teams_of
from mano.agenda.services import action_set_status, actions_create
from mano.core.records import record_data
from mano.core.search_param import Search
from mano.persons.index import card_names
from mano.persons.services import person_create
from mano.persons.text import fold

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 30)
EVERY = [Status.TODO, Status.DONE, Status.CANCELLED]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


@pytest.fixture
def persons(org_a):
    member = org_a["admin"]
    names = [f"Personne {i:02d}" for i in range(36)]
    return [person_create(user=member.user, keyring=member.keyring, teams=[org_a.day], name=n) for n in names]


@pytest.fixture
def week(org_a, persons):
    """A busy Tuesday (36 actions at four times, some urgent, ties broken by id), a night-team evening, actions
    done or cancelled on another day than they were due, and actions of the night team only."""
    member = org_a["admin"]

    def create(people, name, when, teams, **extra):
        return actions_create(
            user=member.user,
            keyring=member.keyring,
            persons=people,
            name=name,
            teams=teams,
            due_at=when,
            with_time=True,
            **extra,
        )

    tuesday = MONDAY + timedelta(days=1)
    for i, hour in enumerate((9, 9, 14, 18)):
        create(persons[i * 9 : (i + 1) * 9], f"Rendez-vous {i}", _at(tuesday, hour), [org_a.day], urgent=i == 2)
    create(persons[:3], "Maraude du soir", _at(MONDAY + timedelta(days=3), 23), [org_a.night])
    create(persons[3:5], "Après minuit", _at(MONDAY + timedelta(days=4), 2), [org_a.night, org_a.day])
    done = create(persons[5:8], "Dossier CAF", _at(MONDAY + timedelta(days=5), 10), [org_a.day])
    for action in done[:2]:
        action_set_status(
            user=member.user,
            keyring=member.keyring,
            action=action,
            status=Status.DONE if action == done[0] else Status.CANCELLED,
            expected_version=action.version,
            completed_at=_at(MONDAY + timedelta(days=2), 16),
        )
    create(persons[8:9], "La semaine suivante", _at(MONDAY + timedelta(days=7), 1), [org_a.day])
    create(persons[9:10], "Dimanche soir", _at(MONDAY + timedelta(days=6), 23, 59), [org_a.day])
    return tuesday


def _reference(user, teams, statuses, without_team=False):
    """The week computed the plain way: every row of the range, put in its day, sorted urgent first, then by due
    time, then by id."""
    night = selectors._night(teams, without_team)
    days = [MONDAY + timedelta(days=i) for i in range(7)]
    start, end = day_window(days[0], night=night)[0], day_window(days[-1], night=night)[1]
    rows = selectors._scoped(user, teams, statuses, without_team).filter(agenda_at__gte=start, agenda_at__lt=end)
    found: dict[date, list[Action]] = {day: [] for day in days}
    for action in rows:
        found[agenda_day_of(action.agenda_at, night=night)].append(action)
    return {day: sorted(actions, key=lambda a: (not a.urgent, a.due_at, a.pk)) for day, actions in found.items()}


@pytest.mark.parametrize(
    ("teams", "statuses", "without_team", "busy"),
    [
        ([], EVERY, False, True),
        (["day"], [Status.TODO], False, True),
        (["night"], EVERY, False, False),
        (["day", "night"], [Status.DONE, Status.CANCELLED], False, False),
        (["night"], EVERY, True, False),
    ],
)
def test_the_week_shows_each_days_first_rows_and_count_as_the_plain_computation(
    org_a, week, teams, statuses, without_team, busy
):
    member = org_a["admin"]
    chosen = [getattr(org_a, name) for name in teams]
    expected = _reference(member.user, chosen, statuses, without_team)
    days = selectors.week_actions(
        user=member.user,
        keyring=member.keyring,
        teams=chosen,
        monday=MONDAY,
        statuses=statuses,
        without_team=without_team,
    )
    assert [d.day for d in days] == list(expected)
    for shown in days:
        wanted = expected[shown.day]
        assert shown.count == len(wanted)
        assert [row.action.pk for row in shown.rows] == [a.pk for a in wanted[: selectors.WEEK_DAY_ROWS]]
    assert any(d.hidden for d in days) == busy


def test_the_busy_day_links_to_the_rest_of_its_actions(org_a, week, unlocked_client):
    page = unlocked_client(org_a["admin"]).get("/agenda/semaine/", {"jour": MONDAY.isoformat(), "equipe": "toutes"})
    assertContains(page, f"et {36 - selectors.WEEK_DAY_ROWS} autres actions : voir la journée")


def test_rows_show_their_teams_in_the_order_of_the_teams_relation(org_a, week):
    member = org_a["admin"]
    actions = list(Action.objects.filter(organisation=org_a.organisation))
    teams = teams_of(actions)
    for action in actions:
        assert [t.pk for t in teams[action.pk]] == [t.pk for t in action.teams.all()]
    rows = selectors.action_rows(actions, member.keyring)
    assert {row.shown["teams"] for row in rows} == {"Jour", "Nuit", "Jour, Nuit"}


def test_a_row_of_another_organisation_never_brings_its_teams(org_a, org_b, week):
    actions = list(Action.objects.filter(organisation=org_a.organisation))
    for action in actions:
        action.organisation_id = org_b.organisation.pk  # as if the caller mixed organisations up
    assert all(found == [] for found in teams_of(actions).values())


@pytest.mark.parametrize("form", ["d/m/Y H:i", "d/m/Y", "H:i", "c", "l j F Y H:i"])
def test_dates_print_as_the_date_filter_does(settings, form):
    settings.TIME_ZONE = "Europe/Paris"
    base = timezone.make_aware(datetime(2026, 3, 28, 20, 0))
    moments = [base + timedelta(minutes=37 * i) for i in range(60)]  # across the spring change
    autumn = timezone.make_aware(datetime(2026, 10, 24, 20, 0))
    moments += [autumn + timedelta(minutes=37 * i) for i in range(60)]
    moments += [timezone.make_aware(datetime(1900, 1, 1, 0, 0)), timezone.make_aware(datetime(2100, 12, 31, 23, 59))]
    moments.append(datetime(2026, 5, 1, 9, 30))  # naive (an imported date): printed as it is, as the filter does
    for moment in moments:
        assert date_shown(moment, form) == date_filter(moment, form)
    assert date_shown(None, form) == ""


_TEXT = st.text(alphabet="aAéÉeEiï çÇ-ßoœ\t", max_size=12)


@settings(max_examples=400, deadline=None)
@given(
    name=_TEXT,
    categories=st.lists(_TEXT, max_size=3),
    description=_TEXT,
    person=_TEXT,
    comments=_TEXT,
    query=_TEXT,
    restricted=st.booleans(),
)
def test_the_staged_text_match_is_the_joined_one(name, categories, description, person, comments, query, restricted):
    """The selectors look for the words in the action's own text, then the person's name, then the comments:
    the same answer as `matches` on the joined text."""
    filters = AgendaFilters(search=Search(query, "token"))
    data = {"name": name, "categories": categories, "description": description}
    missing = lacking(filters.missing(data, restricted=restricted), fold(person))
    if not restricted:  # the selectors read comments for the others only
        missing = lacking(missing, fold(comments))
    assert (not missing) == filters.matches(data, restricted=restricted, person=person, comments=comments)


@pytest.mark.parametrize("night", [False, True])
@pytest.mark.parametrize("monday", [date(2026, 3, 23), date(2026, 10, 19), MONDAY])  # two weeks change the hour
def test_extra_rows_fall_in_the_day_of_their_moment(night, monday):
    days = [monday + timedelta(days=i) for i in range(7)]
    start = timezone.make_aware(datetime(monday.year, monday.month, monday.day)) - timedelta(days=1)
    rows = [SimpleNamespace(moment=start + timedelta(minutes=29 * i)) for i in range(450)]
    placed = extras.by_day(rows, days, night)
    for day, found in placed.items():
        assert all(agenda_day_of(row.moment, night=night) == day for row in found)
    assert sum(len(found) for found in placed.values()) == len(rows)
    assert list(placed)[:7] == days


def _former_scan(user, keyring, rows, filters, number):
    """The list's text or category scan as it was: OFFSET chunks, then a probe beyond the cap."""
    need, scanned, exhausted, found = number * selectors.PAGE_SIZE + 1, 0, False, []
    while scanned < selectors.SCAN_CAP and len(found) < need:
        want = min(selectors.CHUNK, selectors.SCAN_CAP - scanned)
        chunk = list(rows[scanned : scanned + want])
        scanned += len(chunk)
        found += [a for a in chunk if filters.in_categories(record_data(a, keyring))]
        if len(chunk) < want:
            exhausted = True
            break
    capped = not exhausted and len(found) < need and rows[selectors.SCAN_CAP : selectors.SCAN_CAP + 1].exists()
    total = len(found) if exhausted or capped else None
    shown = found[(number - 1) * selectors.PAGE_SIZE : number * selectors.PAGE_SIZE]
    return [a.pk for a in shown], len(found) > number * selectors.PAGE_SIZE, total, capped


@pytest.mark.parametrize(("count", "cap", "chunk"), [(13, 10, 3), (12, 12, 4), (9, 10, 3), (8, 12, 4), (30, 12, 5)])
def test_the_list_scan_pages_as_the_former_offset_scan(org_a, persons, monkeypatch, count, cap, chunk):
    member = org_a["admin"]
    for i in range(count):
        actions_create(
            user=member.user,
            keyring=member.keyring,
            persons=[persons[i % 5]],
            name=f"Action {i:02d}",
            teams=[org_a.day],
            due_at=_at(MONDAY, 8) + timedelta(minutes=i // 2),  # ties on the due time: ordered by id
            with_time=True,
            categories=["Pair"] if i % 3 else [],
        )
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    monkeypatch.setattr(selectors, "SCAN_CAP", cap)
    monkeypatch.setattr(selectors, "CHUNK", chunk)
    filters = AgendaFilters(whole=True, categories=("Pair",))
    rows = selectors._scoped(member.user, [], [Status.TODO], ranged=False).order_by("due_at", "id")
    for number in range(1, 8):
        page = selectors._filtered_scan(member.user, member.keyring, rows, filters, number)
        shown = [row.action.pk for row in page]
        assert (shown, page.more, page.total, page.capped) == _former_scan(
            member.user, member.keyring, rows, filters, number
        )


def _reference_matching(member, text):
    """The whole organisation's week with a free text, the plain way: every row of the range tested by
    `AgendaFilters.matches` with its person's name."""
    filters = AgendaFilters(search=Search(text))
    expected = _reference(member.user, [], EVERY)
    person_ids = {a.person_id for actions in expected.values() for a in actions}
    names = card_names(member.user.organisation_id, person_ids, member.keyring)
    return {
        day: [
            a
            for a in actions
            if filters.matches(record_data(a, member.keyring), restricted=False, person=names[a.person_id])
        ]
        for day, actions in expected.items()
    }


def _week_with_text(member, text):
    filters = AgendaFilters(search=Search(text))
    return selectors.week_actions(
        user=member.user, keyring=member.keyring, teams=[], monday=MONDAY, statuses=EVERY, filters=filters
    )


@pytest.mark.parametrize("text", ["rendez", "personne 0", "caf", "minuit", "zzxqwv"])
def test_a_text_in_the_week_counts_every_matching_row_of_every_day(org_a, week, text):
    """The week reads every row of its range (not the first rows of the range in urgency order, which left the
    last days of a busy week uncounted): each day's count and first rows are those of the plain computation."""
    member = org_a["admin"]
    expected = _reference_matching(member, text)
    days = _week_with_text(member, text)
    for shown in days:
        assert shown.count == len(expected[shown.day]), (text, shown.day)
        assert [row.action.pk for row in shown.rows] == [a.pk for a in expected[shown.day][: selectors.WEEK_DAY_ROWS]]
        assert not shown.capped


def test_the_day_tabs_count_every_matching_row_of_the_three_days(org_a, week):
    member = org_a["admin"]
    expected = _reference_matching(member, "rendez")
    agenda = selectors.day_agenda(
        user=member.user,
        keyring=member.keyring,
        teams=[],
        day=week,
        statuses=EVERY,
        filters=AgendaFilters(search=Search("rendez")),
    )
    assert agenda.counts == {"yesterday": 0, "today": 36, "tomorrow": 0}
    assert [row.action.pk for row in agenda.rows] == [a.pk for a in expected[week]]
    assert not agenda.capped


def test_past_the_window_cap_the_week_and_the_day_say_their_counts_are_partial(
    org_a, week, monkeypatch, unlocked_client
):
    """Rows read one by one (a restricted member, who never writes the days' words) stop at WINDOW_CAP, and the
    page says so; the days' words count every row whatever the cap."""
    member, restricted = org_a["admin"], org_a["restricted"]
    rows = sum(len(actions) for actions in _reference(member.user, [], EVERY).values())
    client = unlocked_client(restricted)
    warning = "les nombres sont incomplets"
    week_url, day_url = "/agenda/semaine/", "/agenda/"
    query = {"jour": week.isoformat(), "equipe": "toutes", "statut": "all", "q": "rendez"}
    monkeypatch.setattr(selectors, "WINDOW_CAP", rows)
    assert not any(d.capped for d in _week_with_text(restricted, "rendez"))
    assert warning not in client.get(week_url, query).content.decode()
    monkeypatch.setattr(selectors, "WINDOW_CAP", rows - 1)
    assert all(d.capped for d in _week_with_text(restricted, "rendez"))
    assertContains(client.get(week_url, query), warning)
    monkeypatch.setattr(selectors, "WINDOW_CAP", 10)  # the three days around Tuesday hold more than ten
    assertContains(client.get(day_url, query), warning)
    assert warning not in client.get(day_url, {**query, "q": ""}).content.decode()
    days = _week_with_text(member, "rendez")  # writes the days' words
    assert not any(d.capped for d in days)
    assert [d.count for d in days] == [len(found) for found in _reference_matching(member, "rendez").values()]
    assert not any(d.capped for d in _week_with_text(restricted, "rendez"))  # now from the days' words
