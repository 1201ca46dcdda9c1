"""A street worker's first session on a phone, in Debian's Chromium: login, charter, persons,
lock and unlock, logout; then no personal data comes back with the Back button."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from mano.accounts.services.bootstrap import Member, member_add_active
from mano.persons.services import person_create
from mano.testing import PASSWORD, Org, build_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390
NAME = "Éloïse Dupont"
CANARY = "CANARY-7f3c9a1e-ne-doit-jamais-revenir"
PERSONS_SHOT = "/tmp/mano-persons-390.png"
HOME_SHOT = "/tmp/mano-home-390.png"


@dataclass
class World:
    org: Org
    newcomer: Member


@pytest.fixture
def world() -> World:
    """An organisation, a member who has not accepted the charter yet, and one followed person."""
    org = build_org("Maraude Navigateur")
    admin = org["admin_health"]
    newcomer = member_add_active(
        admin=admin,
        email="nouvelle@maraude-navigateur.test",
        name="Nina Nouvelle",
        role="normal",
        password=PASSWORD,
        teams=[org.day],
        charter=False,
    )
    person_create(user=admin.user, keyring=admin.keyring, teams=[org.day], name=NAME, description=CANARY)
    return World(org, newcomer)


def csp_violations(console: list[str]) -> list[str]:
    """Chromium words these "Refused to ..." or, lately, "... violates the following Content Security Policy"."""
    return [m for m in console if "Refused to" in m or "Content Security Policy" in m]


def scroll_width(page: Page) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


def log_in(page: Page, site_url: str, member: Member) -> None:
    page.goto(f"{site_url}/connexion/")
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    page.get_by_label("Adresse e-mail").fill(member.user.email)
    page.get_by_label("Mot de passe").fill(member.password)
    page.get_by_role("button", name="Se connecter").click()


def test_first_session_on_a_phone_hides_data_when_locked_and_after_logout(
    world: World, browser_page: Page, browser_console: list[str], site_url: str
) -> None:
    page = browser_page

    log_in(page, site_url, world.newcomer)
    # First visit: the charter comes before any data.
    expect(page).to_have_url(re.compile(r"/charte/$"))
    expect(page.get_by_role("heading", name="Charte d’utilisation")).to_be_visible()
    page.get_by_role("button", name="J’ai lu la charte et je m’engage à la respecter").click()
    expect(page.get_by_text("Merci. Vous pouvez commencer.")).to_be_visible()

    page.get_by_role("link", name="Personnes suivies", exact=True).click()
    expect(page.get_by_role("heading", name="Personnes suivies")).to_be_visible()
    expect(page.get_by_role("link", name=NAME)).to_be_visible()
    page.screenshot(path=PERSONS_SHOT, full_page=True)

    # Lock: the keys leave the session; the same URL now only offers the unlock form.
    page.get_by_role("button", name="Verrouiller").click()
    expect(page.get_by_role("heading", name="Session verrouillée")).to_be_visible()
    page.goto(f"{site_url}/personnes/")
    expect(page.get_by_role("heading", name="Session verrouillée")).to_be_visible()
    assert NAME not in page.content()
    assert CANARY not in page.content()

    page.get_by_label("Mot de passe").fill(world.newcomer.password)
    page.get_by_role("button", name="Déverrouiller").click()
    expect(page).to_have_url(re.compile(r"/personnes/$"))
    expect(page.get_by_role("link", name=NAME)).to_be_visible()

    # The record itself, so that the page left behind holds the description too.
    page.get_by_role("link", name=NAME).click()
    expect(page.get_by_text(CANARY)).to_be_visible()

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    expect(page.get_by_text("Vous êtes déconnecté·e.")).to_be_visible()

    # Back must not show the record again: not from the back/forward cache (a restored page fires
    # no "load" event, hence "commit"), not from the HTTP cache, not from the server.
    page.go_back(wait_until="commit")
    page.wait_for_selector("h1")
    html = page.content()
    assert NAME not in html
    assert CANARY not in html
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()

    assert csp_violations(browser_console) == []


def test_login_and_home_fit_a_phone_screen(
    world: World, browser_page: Page, browser_console: list[str], site_url: str
) -> None:
    page = browser_page

    page.goto(f"{site_url}/connexion/")
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    assert scroll_width(page) <= PHONE_WIDTH

    log_in(page, site_url, world.org["normal"])
    expect(page.get_by_role("heading", name=re.compile(r"^Bonjour "))).to_be_visible()
    assert scroll_width(page) <= PHONE_WIDTH
    page.screenshot(path=HOME_SHOT, full_page=True)

    assert csp_violations(browser_console) == []
