"""The directory on a phone, in Debian's Chromium: search "douche" open now, a structure's page with its map, then
a person referred from their page ("Orienter vers une structure" → "Orienter ici") and the referral listed there.
Nothing leaves 127.0.0.1: the map has no tile server in tests, so it shows its markers on an empty grey box."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Page, Request, expect

from mano.persons.models import Person
from mano.persons.services import person_create
from mano.structures.models import Referral, Structure
from mano.structures.services import structure_create
from mano.testing import PASSWORD, Org, build_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390
PERSON = "Éloïse Dupont"
OPEN = "Bains-douches Saint-Jean"
# Open around the clock too, but closed for the week: "Ouvert maintenant" must leave it out whatever the hour.
CLOSED = "Douches du Rhône"
OTHER = "CSAPA Horizon"
SHOTS = Path("/tmp/review")
LOCAL_HOSTS = {"localhost", "127.0.0.1"}


@dataclass
class World:
    org: Org
    person: Person
    structure: Structure


@pytest.fixture
def world() -> World:
    """A person followed by the day team, where the normal member works, and three structures of Lyon."""
    org = build_org("Maraude Annuaire")
    admin = org["admin_health"]
    person = person_create(user=admin.user, keyring=admin.keyring, teams=[org.day], name=PERSON)
    where = {"address": "12 rue des Bains", "postcode": "69005", "city": "Lyon", "phones": ["04 72 00 00 00"]}
    structure = structure_create(
        user=admin.user,
        data={
            **where,
            "name": OPEN,
            "description": "Douches gratuites, serviettes et savon fournis.",
            "categories": ["Douche", "Toilettes"],
            "publics": ["Hommes", "Femmes"],
            "opening_hours": "24/7",
            "latitude": 45.762,
            "longitude": 4.827,
        },
    )
    today = timezone.localdate()
    structure_create(
        user=admin.user,
        data={
            **where,
            "name": CLOSED,
            "categories": ["Douche"],
            "opening_hours": "24/7",
            "latitude": 45.758,
            "longitude": 4.842,
            "closed_from": today - timedelta(days=1),
            "closed_until": today + timedelta(days=7),
            "closure_note": "Travaux.",
        },
    )
    structure_create(user=admin.user, data={**where, "name": OTHER, "categories": ["CSAPA"], "opening_hours": "24/7"})
    return World(org, person, structure)


def csp_violations(console: list[str]) -> list[str]:
    return [m for m in console if "Refused to" in m or "Content Security Policy" in m or m.startswith("pageerror")]


def scroll_width(page: Page) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


def log_in(page: Page, site_url: str, world: World) -> None:
    page.goto(f"{site_url}/connexion/")
    page.get_by_label("Adresse e-mail").fill(world.org["normal"].user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Bonjour "))).to_be_visible()


def search(page: Page, words: str, *, open_now: bool = False) -> None:
    page.get_by_label("Rechercher").fill(words)
    if open_now:
        page.get_by_role("checkbox", name="Ouvert maintenant").check()
    page.get_by_role("button", name="Chercher").click()


def map_markers(page: Page) -> int:
    """Leaflet's circle markers, drawn as SVG paths once the map script ran."""
    expect(page.locator("#structures-map.leaflet-container")).to_be_visible()
    return page.locator("#structures-map path.leaflet-interactive").count()


def test_a_member_finds_an_open_shower_then_refers_a_person_from_their_page(
    world: World, browser_page: Page, browser_console: list[str], site_url: str
) -> None:
    page = browser_page
    outside: list[str] = []

    def watch(request: Request) -> None:
        url = urlsplit(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname not in LOCAL_HOSTS:
            outside.append(request.url)

    page.on("request", watch)
    SHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, site_url, world)

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Structures").click()
    expect(page.get_by_role("heading", name="Annuaire des structures")).to_be_visible()
    expect(page.get_by_text("3 structures", exact=True)).to_be_visible()
    search(page, "douche", open_now=True)
    expect(page).to_have_url(re.compile(r"q=douche.*ouvert=1"))
    expect(page.get_by_role("checkbox", name="Ouvert maintenant")).to_be_checked()
    expect(page.get_by_text("1 structure", exact=True)).to_be_visible()
    card = page.locator("article.structure-card")
    expect(card).to_have_count(1)
    expect(card.get_by_role("link", name=OPEN)).to_be_visible()
    expect(card).to_contain_text("Ouvert 24 h/24")
    expect(card.get_by_role("link", name="Itinéraire")).to_be_visible()
    assert map_markers(page) == 1
    assert scroll_width(page) <= PHONE_WIDTH
    page.screenshot(path=str(SHOTS / "structures-directory-390.png"), full_page=True)

    card.get_by_role("link", name=OPEN).click()
    expect(page.get_by_role("heading", name=OPEN)).to_be_visible()
    expect(page.get_by_text("Ouvert 24 h/24")).to_be_visible()
    expect(page.get_by_role("link", name="Orienter une personne")).to_be_visible()
    assert map_markers(page) == 1
    assert scroll_width(page) <= PHONE_WIDTH
    page.screenshot(path=str(SHOTS / "structures-detail-390.png"), full_page=True)

    # From the person's page: the directory opens for them, and "Orienter ici" comes back with the referral.
    page.goto(f"{site_url}/personnes/{world.person.pk}/")
    expect(page.get_by_role("heading", name=PERSON, exact=True)).to_be_visible()
    referrals = page.locator("#orientations")
    expect(referrals).to_contain_text("Aucune orientation pour l’instant")
    referrals.get_by_role("link", name="Orienter vers une structure").click()
    expect(page).to_have_url(re.compile(rf"pour={world.person.pk}"))
    expect(page.get_by_text("Choisissez la structure vers laquelle orienter la personne")).to_be_visible()
    search(page, "douche")
    expect(page).to_have_url(re.compile(rf"pour={world.person.pk}"))
    expect(page.locator("article.structure-card")).to_have_count(2)  # closed for the week, still listed
    assert scroll_width(page) <= PHONE_WIDTH
    page.screenshot(path=str(SHOTS / "structures-directory-for-person-390.png"), full_page=True)
    chosen = page.locator("article.structure-card").filter(has=page.get_by_role("link", name=OPEN, exact=True))
    chosen.get_by_role("link", name="Orienter ici").click()

    expect(page.get_by_role("heading", name=f"Orienter vers {OPEN}")).to_be_visible()
    expect(page.get_by_role("checkbox", name=PERSON)).to_be_checked()
    assert scroll_width(page) <= PHONE_WIDTH
    page.screenshot(path=str(SHOTS / "structures-refer-390.png"), full_page=True)
    page.get_by_role("button", name="Enregistrer l’orientation").click()

    expect(page.get_by_text("Orientation enregistrée.")).to_be_visible()
    expect(page.get_by_role("heading", name=PERSON, exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/personnes/[0-9a-f-]+/$"))  # the top, where the message shows
    expect(referrals.get_by_role("link", name=OPEN)).to_be_visible()
    assert scroll_width(page) <= PHONE_WIDTH
    page.screenshot(path=str(SHOTS / "structures-person-referred-390.png"))  # what the phone shows
    assert Referral.objects.filter(structure=world.structure).count() == 1

    assert outside == []
    assert csp_violations(browser_console) == []
