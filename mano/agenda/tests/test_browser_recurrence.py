"""The "Répéter" part of the action form on a phone: hidden until ticked, the right fields for each unit,
choices and default end that follow the due date, all from static/js/recurrence.js under the strict CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from mano.accounts.tests.test_browser_journey import csp_violations, log_in, scroll_width
from mano.agenda.models import Action
from mano.persons.services import person_create
from mano.testing import build_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_monthly_action_is_set_up_on_a_phone(browser_page: Page, browser_console: list[str], site_url: str) -> None:
    org = build_org("Récurrence Navigateur")
    member = org["normal"]
    person = person_create(user=member.user, keyring=member.keyring, teams=[org.day], name="Karim Benali")
    page = browser_page
    log_in(page, site_url, member)
    page.goto(f"{site_url}/agenda/nouvelle/?personne={person.pk}&jour=2027-01-04")
    end = page.get_by_label("Jusqu’au")
    expect(end).to_be_hidden()
    page.get_by_label("Répéter").check()
    expect(end).to_be_visible()
    expect(end).to_have_value("2027-03-04")
    expect(page.get_by_text("Les jours")).to_be_hidden()
    page.get_by_label("Unité").select_option("week")
    expect(page.get_by_text("Les jours")).to_be_visible()
    expect(page.get_by_label("lundi", exact=True)).to_be_checked()
    page.get_by_label("Unité").select_option("month")
    expect(page.get_by_text("Les jours")).to_be_hidden()
    expect(page.get_by_text("le premier lundi du mois")).to_be_visible()

    page.get_by_label("À faire le").fill("2027-01-31T09:00")
    page.get_by_label("À faire le").dispatch_event("change")
    expect(page.get_by_text("le dernier dimanche du mois")).to_be_visible()
    expect(page.get_by_text("le cinquième dimanche du mois")).to_be_visible()
    expect(end).to_have_value("2027-03-31")
    page.get_by_label("le dernier dimanche du mois").check()
    page.get_by_label("Nom de l’action").fill("Maraude")
    assert scroll_width(page) <= 390
    page.screenshot(path="/tmp/mano-recurrence-390.png", full_page=True)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("3 actions créées.")).to_be_visible()
    assert sorted(a.due_at.day for a in Action.objects.all()) == [28, 28, 31]  # 31 Jan, 28 Feb, 28 Mar 2027
    assert csp_violations(browser_console) == []

    # Later, from the second occurrence: every two months instead, until the end of May.
    second = Action.objects.order_by("due_at")[1]
    page.goto(f"{site_url}/agenda/{second.pk}/")
    page.get_by_role("link", name="Modifier la récurrence…").click()
    expect(page.get_by_label("Répéter")).to_be_checked()
    expect(page.get_by_label("le dernier dimanche du mois")).to_be_checked()  # the series' rule, worded for its day
    page.get_by_label("Tous les").fill("2")
    page.get_by_label("Jusqu’au").fill("2027-05-31")
    assert scroll_width(page) <= 390
    page.get_by_role("button", name="Enregistrer la récurrence").click()
    expect(page.get_by_text("Cette règle ferait : 1 action ajoutée, 1 action supprimée.")).to_be_visible()
    assert scroll_width(page) <= 390
    page.get_by_role("button", name="Confirmer et supprimer").click()
    expect(page.get_by_text("1 action ajoutée, 1 action supprimée")).to_be_visible()
    expect(page.get_by_text("Tous les 2 mois le dernier dimanche jusqu’au 31/05/2027")).to_be_visible()
    assert [(a.due_at.month, a.due_at.day) for a in Action.objects.filter(deleted_at=None).order_by("due_at")] == [
        (1, 31),
        (2, 28),
        (4, 25),
    ]
    assert csp_violations(browser_console) == []
