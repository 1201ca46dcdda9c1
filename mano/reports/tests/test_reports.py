"""Daily reports: sections counted against hand-made fixtures (night team across midnight, a DST day, deleted and
merged items), the handover note that two colleagues write at once, periods, print and PDF."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from mano.agenda.models import Status
from mano.agenda.services import action_set_status, actions_create
from mano.persons.services import person_create
from mano.persons.services.comments import comment_create
from mano.persons.services.lifecycle import person_delete, person_leave_active_list
from mano.persons.services.passages import encounters_create
from mano.reports.models import Report
from mano.reports.scope import ReportScope
from mano.reports.selectors import month_activity, report_sections
from mano.reports.services import merged_note, report_save
from mano.territories.tests.factories import make_observation, make_territory
from mano.testing import login_client, merge_persons

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
UTC = ZoneInfo("UTC")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def counts(member, scope):
    sections = report_sections(user=member.user, keyring=member.keyring, scope=scope)
    return {key: section.count for key, section in sections.items()}


def test_a_day_counts_what_the_team_did_and_nothing_of_other_days_or_teams(org_a):
    bob = org_a["normal"]
    with time_machine.travel(at(2026, 3, 10, 9, 0), tick=False):
        karim = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim")
        comment_create(user=bob.user, keyring=bob.keyring, person=karim, text="Vu ce matin", team=org_a.day)
        encounters_create(
            user=bob.user,
            keyring=bob.keyring,
            kind="passage",
            team=org_a.day,
            date=at(2026, 3, 10, 9, 0),
            persons=[karim],
        )
        encounters_create(
            user=bob.user,
            keyring=bob.keyring,
            kind="passage",
            team=org_a.day,
            date=at(2026, 3, 10, 9, 0),
            anonymous_count=2,
        )
        encounters_create(
            user=bob.user,
            keyring=bob.keyring,
            kind="passage",
            team=org_a.night,
            date=at(2026, 3, 10, 9, 0),
            persons=[karim],
        )
    with time_machine.travel(at(2026, 3, 11, 9, 0), tick=False):
        comment_create(user=bob.user, keyring=bob.keyring, person=karim, text="Le lendemain", team=org_a.day)
    day = ReportScope(teams=[org_a.day], whole=False, first=date(2026, 3, 10), last=date(2026, 3, 10))
    got = counts(bob, day)
    assert got["comments"] == 1 and got["passages"] == 3 and got["persons_created"] == 1
    sections = report_sections(user=bob.user, keyring=bob.keyring, scope=day)
    assert sections["passages"].extra == {"named": 1, "anonymous": 2}
    whole = ReportScope(teams=[], whole=True, first=date(2026, 3, 10), last=date(2026, 3, 11))
    # The night team's passage at 9:00 on the 10th belongs to the night of the 9th (noon to noon).
    assert counts(bob, whole)["comments"] == 2 and counts(bob, whole)["passages"] == 3


def test_a_night_teams_day_runs_noon_to_noon_across_midnight(org_a):
    bob = org_a["normal"]
    karim = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.night], name="Karim")
    for moment in (at(2026, 3, 10, 23, 30), at(2026, 3, 11, 2, 0), at(2026, 3, 11, 13, 0)):
        encounters_create(
            user=bob.user, keyring=bob.keyring, kind="rencontre", team=org_a.night, date=moment, persons=[karim]
        )
    night = ReportScope(teams=[org_a.night], whole=False, first=date(2026, 3, 10), last=date(2026, 3, 10))
    assert counts(bob, night)["rencontres"] == 2


def test_the_dst_day_has_23_hours_and_loses_nothing(org_a):
    bob = org_a["normal"]
    karim = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim")
    for moment in (at(2026, 3, 29, 0, 30), at(2026, 3, 29, 3, 30), at(2026, 3, 29, 23, 30), at(2026, 3, 30, 0, 5)):
        encounters_create(
            user=bob.user, keyring=bob.keyring, kind="rencontre", team=org_a.day, date=moment, persons=[karim]
        )
    dst = ReportScope(teams=[org_a.day], whole=False, first=date(2026, 3, 29), last=date(2026, 3, 29))
    assert dst.end.astimezone(UTC) - dst.start.astimezone(UTC) == timedelta(hours=23)
    assert counts(bob, dst)["rencontres"] == 3


def test_actions_done_created_and_cancelled_and_a_deleted_persons_items_leave(org_a):
    bob = org_a["normal"]
    karim = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim")
    gone = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Parti")
    for person, status in ((karim, Status.DONE), (karim, Status.CANCELLED), (karim, Status.TODO), (gone, Status.DONE)):
        (action,) = actions_create(
            user=bob.user,
            keyring=bob.keyring,
            persons=[person],
            teams=[org_a.day],
            name="Domiciliation",
            due_at=at(2026, 12, 5, 10, 0),
        )
        if status != Status.TODO:
            action_set_status(
                user=bob.user, keyring=bob.keyring, action=action, status=status, expected_version=action.version
            )
    gone.refresh_from_db()
    person_delete(user=bob.user, keyring=bob.keyring, person=gone, expected_version=gone.version)
    today = ReportScope(teams=[org_a.day], whole=False, first=date.today(), last=date.today())
    got = counts(bob, today)
    # Created today: three for Karim, of which one done and one cancelled today are listed there only.
    assert (got["actions_done"], got["actions_cancelled"], got["actions_created"]) == (1, 1, 1)
    assert got["persons_created"] == 1


def test_two_colleagues_writing_the_note_at_once_keep_both_texts(org_a):
    alice, bob = org_a["admin_health"], org_a["normal"]
    day = date(2026, 12, 5)
    first = report_save(
        user=alice.user,
        keyring=alice.keyring,
        team=org_a.day,
        day=day,
        note="Calme.",
        collaborations=[],
        expected_version=0,
    )
    # Both opened the note at version 1 ("Calme."); Alice saves first, then Bob on the old version.
    report_save(
        user=alice.user,
        keyring=alice.keyring,
        team=org_a.day,
        day=day,
        note="Calme. Karim vu à 18 h.",
        collaborations=[],
        expected_version=first.report.version,
        base_note="Calme.",
    )
    saved = report_save(
        user=bob.user,
        keyring=bob.keyring,
        team=org_a.day,
        day=day,
        note="Calme. Distribution de duvets.",
        collaborations=[],
        expected_version=first.report.version,
        base_note="Calme.",
    )
    assert saved.merged
    from mano.core.records import record_data

    note = record_data(Report.objects.get(), bob.keyring)["note"]
    assert "Karim vu à 18 h." in note and "Distribution de duvets." in note


def test_merged_note_keeps_each_side_once():
    assert merged_note("A", "A", "A B", "Bob") == "A B"
    assert merged_note("A C", "A", "A", "Bob") == "A C"
    assert merged_note("A C", "A", "A B", "Bob") == "A C\n\n— Bob —\nA B"


def test_the_day_page_saves_the_note_prints_and_makes_a_pdf(org_a):
    bob = org_a["normal"]
    client = login_client(bob)
    today = date.today().isoformat()
    page = client.get(reverse("reports:day", args=[today]), {"equipe": org_a.day.pk})
    assertContains(page, "Transmission")
    response = client.post(
        reverse("reports:note", args=[today]),
        {"equipe": org_a.day.pk, "note": "Nuit calme, pas de maraude annulée.", "version": "0", "base_note": ""},
    )
    assert response.status_code == 302
    assertContains(client.get(reverse("reports:day", args=[today]), {"equipe": org_a.day.pk}), "Nuit calme")
    printed = client.get(reverse("reports:print"), {"du": today, "au": today, "equipe": org_a.day.pk})
    assertContains(printed, "Nuit calme")
    pdf = client.get(reverse("reports:pdf"), {"du": today, "au": today, "equipe": org_a.day.pk})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_period_ending_before_it_starts_or_longer_than_a_year_is_refused(org_a):
    client = login_client(org_a["normal"])
    before = client.get(reverse("reports:period"), {"du": "2026-12-05", "au": "2026-12-01", "equipe": "toutes"})
    assertContains(before, "La fin de la période ne peut pas précéder son début.")
    long = client.get(reverse("reports:period"), {"du": "2025-01-01", "au": "2026-06-01", "equipe": "toutes"})
    assertContains(long, "Pour toute l’organisation, une période d’un an au plus.")
    ok = client.get(reverse("reports:period"), {"du": "2026-11-01", "au": "2026-11-30", "equipe": "toutes"})
    assertContains(ok, "Transmissions")


def test_the_calendar_marks_days_with_a_note(org_a):
    bob = org_a["normal"]
    report_save(
        user=bob.user,
        keyring=bob.keyring,
        team=org_a.day,
        day=date(2026, 11, 12),
        note="RAS",
        collaborations=[],
        expected_version=0,
    )
    page = login_client(bob).get(reverse("reports:calendar"), {"mois": "2026-11", "equipe": org_a.day.pk})
    assertContains(page, 'aria-label="2026-11-12"')
    assertContains(page, "mark--note")


def test_restricted_members_see_no_comments_nor_persons_in_reports(org_a):
    bob = org_a["normal"]
    karim = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim")
    comment_create(user=bob.user, keyring=bob.keyring, person=karim, text="Confidentiel", team=org_a.day)
    page = login_client(org_a["restricted"]).get(reverse("reports:day", args=[date.today().isoformat()]))
    assertNotContains(page, "Confidentiel")
    assertNotContains(page, "Personnes créées")


def test_merged_persons_items_are_counted_once(org_a):
    bob, admin = org_a["normal"], org_a["admin"]
    kept = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim")
    double = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim B.")
    for person in (kept, double):
        encounters_create(
            user=bob.user,
            keyring=bob.keyring,
            kind="rencontre",
            team=org_a.day,
            date=at(2026, 12, 1, 10, 0),
            persons=[person],
        )
    merge_persons(admin, kept, double)
    day = ReportScope(teams=[org_a.day], whole=False, first=date(2026, 12, 1), last=date(2026, 12, 1))
    sections = report_sections(user=bob.user, keyring=bob.keyring, scope=day)
    assert sections["rencontres"].count == 2
    assert {item.person_id for item in sections["rencontres"].rows} == {kept.pk}


def test_renaming_a_co_intervention_rewrites_the_reports_naming_it(org_a):
    from mano.agenda.categories import category_add, category_rename, config_version
    from mano.core.records import record_data
    from mano.reports.collaborations import COLLABORATIONS

    admin = org_a["admin"]
    organisation = org_a.organisation

    def version():
        organisation.refresh_from_db()
        admin.user.organisation.refresh_from_db()
        return config_version(organisation, COLLABORATIONS)

    category_add(
        user=admin.user, group="Co-interventions", name="SAMU social", config_version=version(), spec=COLLABORATIONS
    )
    version()
    report_save(
        user=admin.user,
        keyring=admin.keyring,
        team=org_a.day,
        day=date(2026, 12, 1),
        note="",
        collaborations=["SAMU social"],
        expected_version=0,
    )
    category_rename(
        user=admin.user,
        keyring=admin.keyring,
        old="SAMU social",
        new="Samu social 69",
        config_version=version(),
        spec=COLLABORATIONS,
    )
    assert record_data(Report.objects.get(), admin.keyring)["collaborations"] == ["Samu social 69"]


def test_consultations_appear_in_reports_for_health_professionals_only(org_a):
    from django.utils import timezone

    from mano.medical.services.consultations import ConsultationInput, consultations_create

    nurse, bob = org_a["normal_health"], org_a["normal"]
    karim = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim")
    consultations_create(
        user=nurse.user,
        keyring=nurse.keyring,
        person=karim,
        values=ConsultationInput(type="Médicale", due_at=timezone.now(), status=Status.DONE, teams=[org_a.day]),
    )
    today = ReportScope(teams=[org_a.day], whole=False, first=date.today(), last=date.today())
    assert counts(nurse, today)["consultations_done"] == 1
    assert "consultations_done" not in counts(bob, today)


def test_restricted_members_get_no_handover_note_anywhere(org_a):
    bob = org_a["normal"]
    report_save(
        user=bob.user,
        keyring=bob.keyring,
        team=org_a.day,
        day=date.today(),
        note="CANARY-transmission",
        collaborations=[],
        expected_version=0,
    )
    client = login_client(org_a["restricted"])
    today = date.today().isoformat()
    for url, params in (
        (reverse("reports:day", args=[today]), {"equipe": org_a.day.pk}),
        (reverse("reports:print"), {"du": today, "au": today, "equipe": org_a.day.pk}),
        (reverse("reports:period"), {"du": today, "au": today, "equipe": org_a.day.pk}),
    ):
        assertNotContains(client.get(url, params), "CANARY-transmission")


def test_a_refused_note_comes_back_with_its_text(org_a):
    client = login_client(org_a["normal"])
    today = date.today().isoformat()
    response = client.post(
        reverse("reports:note", args=[today]),
        {"equipe": org_a.day.pk, "note": "Texte à ne pas perdre", "version": "pas un nombre"},
    )
    assert response.status_code == 400
    assertContains(response, "Texte à ne pas perdre", status_code=400)
    assert not Report.objects.exists()


def test_mixed_day_and_night_teams_place_each_row_by_its_team(org_a):
    bob = org_a["normal"]
    karim = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day, org_a.night], name="Karim")
    encounters_create(
        user=bob.user,
        keyring=bob.keyring,
        kind="rencontre",
        team=org_a.night,
        date=at(2026, 3, 11, 2, 0),
        persons=[karim],
    )
    encounters_create(
        user=bob.user,
        keyring=bob.keyring,
        kind="rencontre",
        team=org_a.day,
        date=at(2026, 3, 11, 2, 0),
        persons=[karim],
    )
    # Actions hold their teams in a many-to-many link, observations in a column: both are placed the same way.
    with time_machine.travel(at(2026, 3, 11, 2, 0), tick=False):
        for team in (org_a.night, org_a.day):
            actions_create(
                user=bob.user,
                keyring=bob.keyring,
                persons=[karim],
                teams=[team],
                name="Maraude",
                due_at=at(2026, 3, 12, 9),
            )
    territory = make_territory(org_a["admin"])
    for team in (org_a.night, org_a.day):
        make_observation(org_a["normal"], territory, team, at=at(2026, 3, 11, 2, 0))
    both = ReportScope(teams=[org_a.day, org_a.night], whole=False, first=date(2026, 3, 10), last=date(2026, 3, 10))
    whole = ReportScope(teams=[], whole=True, first=date(2026, 3, 10), last=date(2026, 3, 10))
    for scope in (both, whole):
        got = counts(bob, scope)
        assert (got["rencontres"], got["actions_created"], got["observations"]) == (1, 1, 1)


def test_an_action_created_and_done_the_same_day_is_listed_as_done_only(org_a):
    bob = org_a["normal"]
    karim = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim")
    (action,) = actions_create(
        user=bob.user,
        keyring=bob.keyring,
        persons=[karim],
        teams=[org_a.day],
        name="Douche",
        due_at=at(2026, 12, 5, 10, 0),
    )
    action_set_status(user=bob.user, keyring=bob.keyring, action=action, status=Status.DONE, expected_version=1)
    today = ReportScope(teams=[org_a.day], whole=False, first=date.today(), last=date.today())
    got = counts(bob, today)
    assert (got["actions_done"], got["actions_created"]) == (1, 0)


def test_days_outside_the_accepted_years_are_not_found(org_a):
    client = login_client(org_a["normal"])
    assert client.get(reverse("reports:day", args=["0001-01-01"])).status_code == 404
    assert client.get(reverse("reports:day", args=["9999-12-31"])).status_code == 404


@pytest.mark.parametrize("cards_over_shards", [1500, 0], ids=["cards", "shards"])
def test_exits_from_the_active_list_are_listed_on_their_day_for_their_team(org_a, monkeypatch, cards_over_shards):
    """Both ways of reading exits (the team's persons' cards, or the 64 shards for a large team) agree."""
    monkeypatch.setattr("mano.reports.selectors.CARDS_OVER_SHARDS", cards_over_shards)
    bob = org_a["normal"]
    reason = org_a.organisation.active_list_reasons[0]
    karim = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day, org_a.night], name="Karim")
    lena = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Léna")
    for person, team, day in ((karim, org_a.day, 10), (karim, org_a.night, 10), (lena, org_a.day, 11)):
        person.refresh_from_db()
        person_leave_active_list(
            user=bob.user,
            keyring=bob.keyring,
            person=person,
            team=team,
            reasons=[reason],
            day=date(2026, 3, day),
            expected_version=person.version,
        )

    def out(teams, first, last):
        scope = ReportScope(teams=teams, whole=not teams, first=date(2026, 3, first), last=date(2026, 3, last))
        section = report_sections(user=bob.user, keyring=bob.keyring, scope=scope)["persons_out"]
        return [(row.person_name, row.moment, row.text) for row in section.rows]

    assert out([org_a.day], 10, 10) == [("Karim", "2026-03-10", reason)]
    assert out([org_a.day], 10, 11) == [("Karim", "2026-03-10", reason), ("Léna", "2026-03-11", reason)]
    assert out([org_a.night], 11, 11) == []
    assert out([], 10, 10) == [("Karim", "2026-03-10", reason)]  # once, though out of both teams
    lena.refresh_from_db()
    person_delete(user=bob.user, keyring=bob.keyring, person=lena, expected_version=lena.version)
    assert out([org_a.day], 11, 11) == []


def test_the_calendar_marks_each_kind_of_activity_on_its_teams_day(org_a):
    bob = org_a["normal"]
    karim = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day, org_a.night], name="Karim")
    with time_machine.travel(at(2026, 11, 4, 10, 0), tick=False):
        comment_create(user=bob.user, keyring=bob.keyring, person=karim, text="Vu", team=org_a.day)
    make_observation(bob, make_territory(org_a["admin"]), org_a.day, at=at(2026, 11, 6, 15, 0))
    (action,) = actions_create(
        user=bob.user, keyring=bob.keyring, persons=[karim], teams=[org_a.night], name="Soins", due_at=at(2026, 11, 9)
    )
    with time_machine.travel(at(2026, 11, 10, 2, 0), tick=False):  # the night team's night of the 9th
        action_set_status(user=bob.user, keyring=bob.keyring, action=action, status=Status.DONE, expected_version=1)

    def marked(team):
        scope = ReportScope(
            teams=[team] if team else [], whole=not team, first=date(2026, 11, 1), last=date(2026, 11, 30)
        )
        return {day.day: marks for day, marks in month_activity(user=bob.user, scope=scope).items()}

    assert marked(org_a.day) == {4: {"activity"}, 6: {"activity"}}
    assert marked(org_a.night) == {9: {"activity"}}
    assert marked(None) == {4: {"activity"}, 6: {"activity"}, 9: {"activity"}}
    report_save(
        user=bob.user,
        keyring=bob.keyring,
        team=org_a.day,
        day=date(2026, 11, 6),
        note="RAS",
        collaborations=[],
        expected_version=0,
    )
    page = login_client(bob).get(reverse("reports:calendar"), {"mois": "2026-11", "equipe": org_a.day.pk})
    day_6 = page.content.decode().split('aria-label="2026-11-06"')[1].split("</a>")[0]
    assert "mark--note" in day_6 and 'title="activité"' in day_6  # both marks, not one hiding the other
