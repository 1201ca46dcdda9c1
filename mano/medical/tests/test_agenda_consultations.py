"""The consultations beside the actions, read for speed (issue 13): the same HTML as the medical file's rows,
only the rows shown are opened, every day of a week is counted, and only health professionals see them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone
from django.utils.translation import override
from pytest_django.asserts import assertContains, assertNotContains

from mano.agenda import selectors
from mano.agenda.days import day_window
from mano.agenda.extras import by_day
from mano.agenda.filters import AgendaFilters
from mano.agenda.selectors import WEEK_DAY_ROWS
from mano.core.raw import UtcText, as_uuid, moment_of, raw_values
from mano.core.search_param import Search
from mano.medical import agenda, words
from mano.medical.models import Consultation, Status
from mano.medical.rows import consultation_rows_html
from mano.medical.selectors import consultation_rows
from mano.medical.services.consultations import ConsultationInput, consultation_create
from mano.persons.services import person_create
from mano.testing import login_client

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 30)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _create(member, person, team, when, **values):
    values.setdefault("type", "Médicale")
    return consultation_create(
        user=member.user,
        keyring=member.keyring,
        person=person,
        values=ConsultationInput(due_at=when, teams=[team] if team else [], **values),
    )


@pytest.fixture
def held(org_a):
    """Consultations of one day: named or not, done, cancelled, private to the reader or to a colleague, of no
    team, and a person whose name needs escaping."""
    nurse, colleague = org_a["normal_health"], org_a["admin_health"]
    karim = person_create(user=nurse.user, keyring=nurse.keyring, teams=[org_a.day], name="Karim <Benali> & fils")
    zoe = person_create(user=nurse.user, keyring=nurse.keyring, teams=[org_a.day], name="Zoé")
    _create(nurse, karim, org_a.day, _at(MONDAY, 9), name="Bilan pied")
    _create(nurse, zoe, org_a.day, _at(MONDAY, 10))
    _create(
        nurse, zoe, org_a.night, _at(MONDAY, 11), name="Pansement", status=Status.DONE, completed_at=_at(MONDAY, 12)
    )
    _create(
        nurse, karim, org_a.day, _at(MONDAY, 13), name="Annulée", status=Status.CANCELLED, completed_at=_at(MONDAY, 14)
    )
    _create(nurse, karim, org_a.day, _at(MONDAY, 15), name="Mon secret", only_me=True)
    _create(colleague, zoe, org_a.day, _at(MONDAY, 16), name="Son secret", only_me=True)
    _create(nurse, zoe, None, _at(MONDAY, 17), name="Sans équipe")
    return nurse


def _request(member):
    request = RequestFactory().get("/agenda/")
    request.user, request.keyring = member.user, member.keyring
    return request


def _scope(teams=(), whole=True, without_team=False, statuses=tuple(Status.values)):
    return {"whole": whole, "teams": list(teams), "without_team": without_team, "statuses": list(statuses)}


@pytest.mark.parametrize(("teams", "without_team"), [(None, False), ("day", False), ("night", False), ("night", True)])
def test_the_agenda_rows_are_the_medical_files_rows(org_a, held, teams, without_team):
    request = _request(held)
    scope = _scope([getattr(org_a, teams)], whole=False, without_team=without_team) if teams else _scope()
    start, end = day_window(MONDAY, night=False)
    opened = agenda.CONSULTATIONS.open(request, agenda.CONSULTATIONS.rows(request, start, end, scope))
    found = Consultation.objects.filter(agenda_at__gte=start, agenda_at__lt=end).order_by("agenda_at")
    if teams:
        chosen = Q(teams=getattr(org_a, teams)) | Q(teams=None) if without_team else Q(teams=getattr(org_a, teams))
        found = found.filter(chosen)
    reference = consultation_rows(held.user, held.keyring, list(found.select_related("only_visible_by")), names=True)
    with override("fr"):
        new = render_to_string("medical/_agenda_rows.html", {"rows": opened})
        listed = consultation_rows_html(reference, show_person=True)
    assert len(opened) == len(reference) > 0
    assert new == listed + "\n"  # the same markup as the lists of ConsultationRow (the reports')


def test_the_page_shows_them_to_health_professionals_only(org_a, held):
    query = {"jour": MONDAY.isoformat(), "equipe": "toutes", "statut": "all"}
    page = login_client(held).get("/agenda/", query)
    assertContains(page, "Karim &lt;Benali&gt; &amp; fils")
    assertContains(page, "Consultation Médicale")
    assertContains(page, f"visible seulement par {org_a['admin_health'].user.name}")
    assertNotContains(page, "Son secret")
    for member in ("normal", "restricted"):
        other = login_client(org_a[member]).get("/agenda/", query)
        assertNotContains(other, "Bilan pied")
        assertNotContains(other, "Consultations")


@pytest.mark.parametrize(
    ("teams", "without_team", "night", "statuses"),
    [
        (None, False, False, tuple(Status.values)),
        (None, False, True, tuple(Status.values)),
        ("day", False, False, (Status.TODO,)),
        ("night", True, True, tuple(Status.values)),
    ],
)
def test_the_week_counted_in_sql_is_the_week_read_row_by_row(org_a, org_b, held, teams, without_team, night, statuses):
    """The week's counts and first rows come from one query sorted by day; they must be what reading every row of
    the week and placing it in its agenda day gives, around midnight and noon too; never another organisation's."""
    other = org_b["admin_health"]
    stranger = person_create(user=other.user, keyring=other.keyring, teams=[org_b.day], name="Ailleurs")
    _create(other, stranger, org_b.day, _at(MONDAY, 10), name="Autre organisation")
    person = person_create(user=held.user, keyring=held.keyring, teams=[org_a.day], name="Inès")
    for offset, (hour, minute) in enumerate([(0, 0), (11, 59), (12, 0), (23, 59), (0, 30), (12, 30)] * 2):
        day = MONDAY + timedelta(days=offset % 8)
        team = [org_a.day, org_a.night, None][offset % 3]
        _create(held, person, team, _at(day, hour) + timedelta(minutes=minute), name=f"Soin {offset}")
    request = _request(held)
    scope = {**_scope([getattr(org_a, teams)] if teams else (), whole=not teams, statuses=statuses), "night": night}
    scope["without_team"] = without_team
    days = [MONDAY + timedelta(days=i) for i in range(7)]
    windows = {day: day_window(day, night=night) for day in days}
    counted = agenda.CONSULTATIONS.week(request, windows, scope, 2, 0)
    second_page = agenda.CONSULTATIONS.week(request, windows, scope, 2, 2)
    read = by_day(agenda.CONSULTATIONS.rows(request, windows[days[0]][0], windows[days[-1]][1], scope), days, night)
    assert {day: count for day, (_, count) in counted.items()} == {day: len(read[day]) for day in days}
    assert {day: count for day, (_, count) in second_page.items()} == {day: len(read[day]) for day in days}
    assert sum(count for _, count in counted.values()) > 0
    for day in days:
        assert [p.pk for p in counted[day][0]] == [p.pk for p in read[day][:2]]
        assert [p.pk for p in second_page[day][0]] == [p.pk for p in read[day][2:4]]
    if not teams and len(statuses) == len(Status.values):  # the whole organisation: every live row of the week
        week = Consultation.objects.filter(agenda_at__gte=windows[days[0]][0], agenda_at__lt=windows[days[-1]][1])
        assert sum(count for _, count in counted.values()) == week.filter(organisation=org_a.organisation).count()


def test_a_category_filter_leaves_the_week_without_consultations(org_a, held):
    windows = {day: day_window(day, night=False) for day in (MONDAY + timedelta(days=i) for i in range(7))}
    scope = {**_scope(), "night": False, "filters": AgendaFilters(categories=("Santé",))}
    assert list(agenda.CONSULTATIONS.week(_request(held), windows, scope, 10, 0).values()) == [([], 0)] * 7
    assert (
        sum(
            count
            for _, count in agenda.CONSULTATIONS.week(
                _request(held), windows, _scope() | {"night": False}, 10, 0
            ).values()
        )
        > 0
    )


def test_the_week_of_a_reader_who_may_not_see_them_counts_none(org_a, held):
    request = _request(org_a["normal"])
    windows = {day: day_window(day, night=False) for day in (MONDAY + timedelta(days=i) for i in range(7))}
    week = agenda.CONSULTATIONS.week(request, windows, {**_scope(), "night": False}, 10, 0)
    assert list(week.values()) == [([], 0)] * 7


def test_every_day_of_a_busy_week_is_counted_and_shows_its_first_rows(org_a, held, monkeypatch):
    """A cap on the week's rows used to leave its last days without their consultations; the week now counts in
    SQL and never reads the day view's cap."""
    monkeypatch.setattr(agenda, "AGENDA_CAP", 1)
    person = person_create(user=held.user, keyring=held.keyring, teams=[org_a.day], name="Inès")
    friday = MONDAY + timedelta(days=4)
    _create(held, person, org_a.day, _at(friday, 9), name="Vaccin vendredi")
    page = login_client(held).get("/agenda/semaine/", {"jour": MONDAY.isoformat(), "equipe": "toutes"})
    assertContains(page, "Vaccin vendredi")


def test_a_day_shows_its_first_ones_in_the_week_and_links_to_the_rest(org_a, held):
    person = person_create(user=held.user, keyring=held.keyring, teams=[org_a.day], name="Inès")
    tuesday = MONDAY + timedelta(days=1)
    for i in range(33):
        _create(held, person, org_a.day, _at(tuesday, 8) + timedelta(minutes=i), name=f"Soin {i:02d}")
    page = login_client(held).get("/agenda/semaine/", {"jour": MONDAY.isoformat(), "equipe": "toutes"})
    shown = WEEK_DAY_ROWS
    assertContains(page, f"Soin {shown - 1:02d}")
    assertNotContains(page, f"Soin {shown:02d}")
    assertContains(page, "· 33 consultations")
    assertContains(page, f"et {33 - shown} autres : voir la journée")


def test_the_day_pages_its_consultations_with_its_actions(org_a, held, monkeypatch):
    """A busy day no longer opens every consultation on every page: page N shows the Nth DAY_PAGE of them."""
    monkeypatch.setattr(selectors, "DAY_PAGE", 3)
    person = person_create(user=held.user, keyring=held.keyring, teams=[org_a.day], name="Inès")
    tuesday = MONDAY + timedelta(days=1)
    for i in range(8):
        _create(held, person, org_a.day, _at(tuesday, 8) + timedelta(minutes=i), name=f"Soin {i:02d}")
    client = login_client(held)
    asked = {"jour": tuesday.isoformat(), "equipe": "toutes", "statut": "all"}
    pages = [client.get("/agenda/", {**asked, "page": page}) for page in (1, 2, 3, 4)]
    for number, page in enumerate(pages[:3]):
        shown = [i for i in range(8) if f"Soin {i:02d}" in page.content.decode()]
        assert shown == list(range(number * 3, min(8, number * 3 + 3)))
        assertContains(page, "Consultations (8)")
    assertContains(pages[0], "Consultations 1 à 3 sur 8")
    assertContains(pages[0], "Suivantes")
    assertContains(pages[2], "Consultations 7 à 8 sur 8")
    assertNotContains(pages[2], "Suivantes")
    assertContains(pages[3], "Rien de plus sur cette page")
    assertNotContains(pages[3], "Aucune consultation pour l’instant.")


def _titles(member, start, end, **filters):
    request = _request(member)
    scope = {**_scope(), "filters": AgendaFilters(search=Search(filters.pop("text", "")), **filters)}
    opened = agenda.CONSULTATIONS.open(request, agenda.CONSULTATIONS.rows(request, start, end, scope))
    return [row for row in opened if "consultation--hidden" not in row]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("pansement", {"Pansement"}),
        ("KARIM bilan", {"Bilan pied"}),  # a word of the person's name and one of the consultation's
        ("karim", {"Bilan pied", "Annulée", "Mon secret"}),
        ("medicale zoe", {"Consultation Médicale", "Pansement", "Sans équipe"}),  # the type, accents folded
        ("secret", {"Mon secret"}),  # a colleague's private consultation stays sealed: never found
        ("absent", set()),
    ],
)
def test_a_free_text_keeps_the_consultations_holding_its_words(held, text, shown):
    """The agenda's text filter used to leave every consultation of the day above the matching actions."""
    start, end = day_window(MONDAY, night=False)
    rows = _titles(held, start, end, text=text)
    every = {"Bilan pied", "Consultation Médicale", "Pansement", "Annulée", "Mon secret", "Sans équipe"}
    assert {title for title in every if any(f">{title}</a>" in row for row in rows)} == shown
    assert len(rows) == len(shown)


def test_a_category_filter_hides_the_consultations(held):
    start, end = day_window(MONDAY, night=False)
    assert len(_titles(held, start, end)) == 6
    assert _titles(held, start, end, categories=("Santé",)) == []
    assert _titles(held, start, end, without_category=True) == []


def test_the_day_and_week_pages_filter_the_consultations_on_the_text(held):
    client = login_client(held)
    query = {"jour": MONDAY.isoformat(), "equipe": "toutes", "statut": "all", "q": "pansement"}
    for url in ("/agenda/", "/agenda/semaine/"):
        page = client.get(url, query)
        assertContains(page, "Pansement")
        assertNotContains(page, "Bilan pied")
        assertNotContains(page, "visible seulement par")
    assertContains(client.get("/agenda/semaine/", query), "· 1 consultation")
    assertNotContains(client.get("/agenda/", {**query, "q": "", "categorie": "Santé"}), "Pansement")


def test_the_words_of_a_consultation_leave_out_yes_no_values():
    data = {"name": "Bilan", "type": "Médicale", "custom": {"fait": True, "soins": ["Pansement", "Douche"], "n": 3}}
    assert words.words_of(data, {}) == "Bilan Médicale Pansement Douche 3"


def test_moments_read_as_text_are_the_orms(org_a, held):
    """The agenda places consultations from their moments read as UTC text (core.raw.UtcText): the same moments
    as the ORM's, to the microsecond, on either database."""
    some = Consultation.objects.filter(organisation=org_a.organisation)[:3]
    moments = [datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=UTC), datetime(2026, 12, 31, 23, 0, tzinfo=UTC)]
    for row, moment in zip(some, [*moments, timezone.now()], strict=True):
        Consultation.objects.filter(pk=row.pk).update(due_at=moment, status=Status.TODO)
    rows = Consultation.objects.filter(pk__in=[r.pk for r in some])
    read = {as_uuid(pk): moment_of(text) for pk, text in raw_values(rows.values_list("pk", UtcText("agenda_at")))}
    assert read == dict(rows.values_list("pk", "agenda_at"))
    moment = Coalesce("agenda_at", "due_at")  # as the agenda places them
    read = {as_uuid(pk): moment_of(text) for pk, text in raw_values(rows.values_list("pk", UtcText(moment)))}
    assert read == dict(rows.values_list("pk", moment))
    done = {
        as_uuid(pk): text and moment_of(text)
        for pk, text in raw_values(rows.values_list("pk", UtcText("completed_at")))
    }
    assert done == dict(rows.values_list("pk", "completed_at")) and None in done.values()
