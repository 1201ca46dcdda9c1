"""At phone size in Debian's Chromium: a nurse records a consultation from the reception desk and finds it in the
day view; a colleague without the health flag then sees no trace of it — person page, agenda, search, its URL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from mano.medical.models import Consultation
from mano.persons.services import person_create
from mano.testing import PASSWORD, Org, build_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390
PERSON = "Karim Benali"
REASON = "Plaie infectée talon gauche"
SHOTS = Path("/tmp/review")


@pytest.fixture
def org() -> Org:
    org = build_org("Maraude Santé")
    organisation = org.organisation
    organisation.reception_enabled = True
    organisation.save(update_fields=["reception_enabled"])
    admin = org["admin_health"]
    person_create(user=admin.user, keyring=admin.keyring, teams=[org.day], name=PERSON)
    return org


def log_in(page: Page, site_url: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{site_url}/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Bonjour "))).to_be_visible()


def scroll_width(page: Page) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


def test_a_nurse_records_a_consultation_at_the_desk_and_a_colleague_sees_no_trace(
    org: Org, browser_page: Page, browser_console: list[str], site_url: str
) -> None:
    page = browser_page
    SHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, site_url, org["normal_health"].user.email)

    page.goto(f"{site_url}/agenda/accueil/")
    page.get_by_label("Rechercher une personne").fill("karim")
    page.get_by_label("Rechercher une personne").press("Enter")
    expect(page.get_by_role("checkbox", name=re.compile(PERSON))).to_be_checked()
    page.get_by_role("button", name="Consultation", exact=True).click()

    expect(page.get_by_role("heading", name="Ajouter une consultation")).to_be_visible()
    page.get_by_label("Type").select_option("Médicale")
    page.get_by_label("Description").fill(REASON)
    page.get_by_role("checkbox", name="Jour").check()
    assert scroll_width(page) <= PHONE_WIDTH
    page.screenshot(path=str(SHOTS / "medical-consultation-form-390.png"), full_page=True)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Consultation enregistrée.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/agenda/accueil/"))

    consultation = Consultation.objects.get()
    page.goto(f"{site_url}/agenda/")
    expect(page.get_by_role("link", name="Consultation Médicale")).to_be_visible()
    assert scroll_width(page) <= PHONE_WIDTH
    page.screenshot(path=str(SHOTS / "medical-agenda-day-390.png"), full_page=True)
    page.get_by_role("link", name="Consultation Médicale").click()
    expect(page.get_by_label("Description")).to_have_value(REASON)
    page.get_by_role("link", name=PERSON).click()
    medical = page.locator("#medical")
    expect(medical.get_by_role("heading", name=re.compile("Dossier médical"))).to_have_count(1)
    expect(medical.get_by_role("link", name="Consultation Médicale")).to_be_visible()
    assert scroll_width(page) <= PHONE_WIDTH
    page.screenshot(path=str(SHOTS / "medical-person-page-390.png"), full_page=True)

    log_in(page, site_url, org["normal"].user.email)
    page.goto(f"{site_url}/agenda/?equipe=toutes")
    expect(page.get_by_role("heading", name=re.compile("Agenda"))).to_be_visible()
    expect(page.get_by_text("Consultation")).to_have_count(0)
    page.goto(f"{site_url}/personnes/")
    page.get_by_label("Rechercher").first.fill("talon")
    page.get_by_label("Rechercher").first.press("Enter")
    expect(page.get_by_role("link", name=PERSON)).to_have_count(0)
    page.get_by_label("Rechercher").first.fill("karim")
    page.get_by_label("Rechercher").first.press("Enter")
    page.get_by_role("link", name=PERSON).click()
    expect(page.get_by_role("heading", name=PERSON, exact=True)).to_be_visible()
    expect(page.get_by_text("Dossier médical")).to_have_count(0)
    expect(page.get_by_text(REASON)).to_have_count(0)
    page.screenshot(path=str(SHOTS / "medical-colleague-person-390.png"), full_page=True)
    response = page.goto(f"{site_url}/sante/consultations/{consultation.pk}/")
    assert response is not None and response.status == 404
    assert [m for m in browser_console if "Refused to" in m or m.startswith("pageerror")] == []
