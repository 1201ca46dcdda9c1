"""At phone size in Debian's Chromium: a street worker creates a territory, records an observation there with two
persons met (found while typing), finds it on the territory's page, then opens today's report, sees the observation
and the two rencontres, writes the handover note and prints; no page is wider than the phone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from mano.persons.models import Rencontre
from mano.persons.services import person_create
from mano.territories.models import Observation
from mano.testing import PASSWORD, Org, build_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390
SHOTS = Path("/tmp/review")


@pytest.fixture
def org() -> Org:
    org = build_org("Maraude Territoires")
    admin = org["admin_health"]
    for name in ("Karim Benali", "Léa Martin"):
        person_create(user=admin.user, keyring=admin.keyring, teams=[org.day], name=name)
    return org


def log_in(page: Page, site_url: str, email: str) -> None:
    page.goto(f"{site_url}/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Bonjour "))).to_be_visible()


def scroll_width(page: Page) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


def find_and_tick(page: Page, typed: str, name: str) -> None:
    search = page.get_by_placeholder("Chercher une personne rencontrée")
    search.fill(typed)
    search.press("Enter")
    page.get_by_role("checkbox", name=re.compile(name)).check()


def test_a_worker_records_an_observation_with_two_persons_met(
    org: Org, browser_page: Page, browser_console: list[str], site_url: str
) -> None:
    page = browser_page
    SHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, site_url, org["normal"].user.email)

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Territoires").click()
    page.get_by_role("link", name="Créer un nouveau territoire").click()
    page.get_by_label("Nom").fill("Campement du canal")
    page.get_by_role("checkbox", name="Campement").check()
    page.get_by_label("Périmètre").fill("Quai Perrache, sous le pont")
    assert scroll_width(page) <= PHONE_WIDTH
    page.screenshot(path=str(SHOTS / "territories-form-390.png"), full_page=True)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Création réussie !")).to_be_visible()
    expect(page.get_by_role("heading", name="Campement du canal")).to_be_visible()

    page.get_by_role("link", name="Nouvelle observation").click()
    expect(page.get_by_role("heading", name="Nouvelle observation")).to_be_visible()
    find_and_tick(page, "karim", "Karim Benali")
    find_and_tick(page, "léa", "Léa Martin")
    expect(page.get_by_role("checkbox", name=re.compile("Karim Benali"))).to_be_checked()
    page.get_by_label("Nombre de personnes non connues hommes rencontrées").fill("3")
    page.get_by_label("Ambiance").select_option("Tensions")
    assert scroll_width(page) <= PHONE_WIDTH
    page.screenshot(path=str(SHOTS / "territories-observation-form-390.png"), full_page=True)
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_text("Création réussie !")).to_be_visible()
    observations = page.locator("#observations")
    expect(observations.get_by_text("Nombre de personnes non connues hommes rencontrées : 3")).to_be_visible()
    expect(observations.get_by_text("Ambiance : Tensions")).to_be_visible()
    expect(observations.get_by_role("link", name="Karim Benali")).to_be_visible()
    expect(observations.get_by_role("link", name="Léa Martin")).to_be_visible()
    assert scroll_width(page) <= PHONE_WIDTH
    page.screenshot(path=str(SHOTS / "territories-detail-390.png"), full_page=True)

    observation = Observation.objects.get()
    assert Rencontre.objects.filter(deleted_at=None).count() == 2
    assert observation.team_id == org.day.pk
    page.goto(f"{site_url}/territoires/")
    expect(page.get_by_role("link", name="Campement du canal")).to_be_visible()
    assert scroll_width(page) <= PHONE_WIDTH
    page.screenshot(path=str(SHOTS / "territories-list-390.png"), full_page=True)

    # Then today's report of the team: the observation and the two rencontres, the handover note, the print.
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Comptes rendus").click()
    page.get_by_role("link", name="Aujourd’hui").first.click()
    expect(page.locator("#observations").get_by_role("link", name="Campement du canal")).to_be_visible()
    expect(page.locator("#rencontres").get_by_role("link", name="Karim Benali")).to_be_visible()
    expect(page.locator("#rencontres").get_by_role("link", name="Léa Martin")).to_be_visible()
    page.get_by_label("Transmission", exact=True).fill("Tensions au campement du canal, Karim et Léa vus.")
    page.get_by_role("button", name="Enregistrer la transmission").click()
    expect(page.get_by_text("Transmission enregistrée.")).to_be_visible()
    assert scroll_width(page) <= PHONE_WIDTH
    page.screenshot(path=str(SHOTS / "territories-report-390.png"), full_page=True)
    page.get_by_role("link", name="Imprimer").click()
    expect(page.get_by_text("Tensions au campement du canal, Karim et Léa vus.")).to_be_visible()
    expect(page.locator("#observations").get_by_role("link", name="Campement du canal")).to_be_visible()
    assert [m for m in browser_console if "Refused to" in m or m.startswith("pageerror")] == []
