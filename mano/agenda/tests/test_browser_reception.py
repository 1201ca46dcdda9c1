"""The reception desk on a phone, in Debian's Chromium: two letters and Enter find a person, one tap records
the passage, and the service counters count in place (htmx) without a page reload or a CSP violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from mano.accounts.tests.test_browser_journey import csp_violations, log_in, scroll_width
from mano.agenda.models import ServiceCount
from mano.persons.models import Passage
from mano.persons.services import person_create
from mano.testing import build_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOT = "/tmp/mano-reception-390.png"


def test_a_receptionist_records_a_passage_and_counts_services_on_a_phone(
    browser_page: Page, browser_console: list[str], site_url: str
) -> None:
    org = build_org("Accueil Navigateur")
    organisation = org.organisation
    organisation.reception_enabled = True
    organisation.services = [
        {"group": "Hygiène", "items": ["Douche", "Lessive"]},
        {"group": "Repas", "items": ["Colis"]},
    ]
    organisation.save()
    member = org["normal"]
    person_create(user=member.user, keyring=member.keyring, teams=[org.day], name="Karim Benali")
    page = browser_page
    log_in(page, site_url, member)
    page.get_by_role("link", name="Accueil de jour").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("— équipe Jour")

    page.get_by_label("Rechercher une personne").fill("ka")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Karim Benali")).to_be_checked()
    page.get_by_role("button", name="Passage", exact=True).click()
    expect(page.get_by_text("1 passage aujourd’hui")).to_be_visible()
    assert Passage.objects.filter(person__isnull=False).count() == 1

    plus = page.get_by_role("button", name="Ajouter un service « Douche »")
    plus.click()
    expect(page.locator('[data-test-id="Douche-1"]')).to_be_visible()
    page.get_by_role("button", name="Ajouter un service « Douche »").click()
    expect(page.locator('[data-test-id="Douche-2"]')).to_be_visible()
    page.get_by_role("button", name="Retirer un service « Douche »").click()
    expect(page.locator('[data-test-id="Douche-1"]')).to_be_visible()
    assert ServiceCount.objects.get(service="Douche").count == 1

    page.get_by_role("button", name="+1 passage anonyme").click()
    expect(page.get_by_text("2 passages aujourd’hui")).to_be_visible()
    assert scroll_width(page) <= 390
    page.screenshot(path=SHOT, full_page=True)
    assert csp_violations(browser_console) == []
