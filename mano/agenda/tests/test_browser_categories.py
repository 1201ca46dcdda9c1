"""The categories picker on a phone: collapsed, a filter field that narrows the checkboxes as you type (accents and
case ignored), the summary lists what is checked, and the action saves them — under the strict CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from mano.accounts.tests.test_browser_journey import csp_violations, log_in, scroll_width
from mano.agenda.models import Action
from mano.core.records import record_data
from mano.persons.services import person_create
from mano.testing import build_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_categories_are_picked_by_typing_on_a_phone(
    browser_page: Page, browser_console: list[str], site_url: str
) -> None:
    org = build_org("Catégories Navigateur")
    org.organisation.action_categories = [
        {"group": "Accès aux droits", "items": ["Domiciliation", "Dossier RSA"]},
        {"group": "Santé", "items": ["Rendez-vous médical", "Accompagnement hôpital"]},
    ]
    org.organisation.save(update_fields=["action_categories"])
    member = org["normal"]
    person = person_create(user=member.user, keyring=member.keyring, teams=[org.day], name="Karim Benali")
    page = browser_page
    log_in(page, site_url, member)
    page.goto(f"{site_url}/agenda/nouvelle/?personne={person.pk}")
    domiciliation = page.get_by_label("Domiciliation")
    expect(domiciliation).to_be_hidden()
    page.get_by_text("Choisir des catégories").click()
    search = page.get_by_placeholder("Rechercher une catégorie…")
    search.fill("MEDIC")
    expect(domiciliation).to_be_hidden()
    expect(page.get_by_text("Accès aux droits")).to_be_hidden()
    page.get_by_label("Rendez-vous médical").check()
    search.fill("")
    domiciliation.check()
    expect(page.locator("details.category-picker > summary")).to_have_text("Domiciliation, Rendez-vous médical")
    page.get_by_label("Nom de l’action").fill("Rendez-vous")
    assert scroll_width(page) <= 390
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Action créée.")).to_be_visible()
    assert record_data(Action.objects.get(), member.keyring)["categories"] == ["Domiciliation", "Rendez-vous médical"]
    assert csp_violations(browser_console) == []
