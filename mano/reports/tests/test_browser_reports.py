"""At phone size in Debian's Chromium: a member opens today's report of their team, sees the day's passages,
writes the handover note and prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mano.persons.services import person_create
from mano.persons.services.passages import encounters_create
from mano.testing import PASSWORD, Org, build_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390
SHOTS = Path("/tmp/review")


@pytest.fixture
def org() -> Org:
    org = build_org("Maraude Rapports")
    normal = org["normal"]
    karim = person_create(user=normal.user, keyring=normal.keyring, teams=[org.day], name="Karim Benali")
    encounters_create(
        user=normal.user,
        keyring=normal.keyring,
        kind="passage",
        team=org.day,
        date=timezone.now(),
        persons=[karim],
        comment="Douche et café",
    )
    return org


def scroll_width(page: Page) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


def test_a_member_writes_the_handover_note_of_the_day_and_prints(
    org: Org, browser_page: Page, browser_console: list[str], site_url: str
) -> None:
    page = browser_page
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{site_url}/connexion/")
    page.get_by_label("Adresse e-mail").fill(org["normal"].user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Bonjour "))).to_be_visible()

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Comptes rendus").click()
    expect(page.get_by_role("heading", name="Comptes rendus")).to_be_visible()
    assert scroll_width(page) <= PHONE_WIDTH
    page.get_by_role("link", name="Aujourd’hui").first.click()
    expect(page.get_by_role("heading", name=re.compile(r"^Journée du "))).to_be_visible()
    passages = page.locator("#passages")
    expect(passages.get_by_role("link", name="Karim Benali")).to_be_visible()
    expect(passages).to_contain_text("Douche et café")
    page.get_by_label("Transmission").fill("Journée calme. Karim a pris une douche, à revoir demain.")
    page.get_by_role("button", name="Enregistrer la transmission").click()
    expect(page.get_by_text("Transmission enregistrée.")).to_be_visible()
    expect(page.get_by_label("Transmission")).to_have_value("Journée calme. Karim a pris une douche, à revoir demain.")
    assert scroll_width(page) <= PHONE_WIDTH
    page.screenshot(path=str(SHOTS / "report-day-390.png"), full_page=True)

    page.get_by_role("link", name="Imprimer").click()
    expect(page.get_by_text("Journée calme. Karim a pris une douche")).to_be_visible()
    assert scroll_width(page) <= PHONE_WIDTH
    page.screenshot(path=str(SHOTS / "report-print-390.png"), full_page=True)
    assert [m for m in browser_console if "Refused to" in m or m.startswith("pageerror")] == []
