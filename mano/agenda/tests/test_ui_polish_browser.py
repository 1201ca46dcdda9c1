"""At 390 px: the category search really hides what does not match, boxes and radios are big enough to tap,
the cut menu shows that it scrolls, and five quick taps on a service counter count five."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from mano.accounts.tests.test_browser_journey import csp_violations, log_in, scroll_width
from mano.agenda.models import ServiceCount
from mano.persons.services import person_create
from mano.persons.services.families import family_link
from mano.testing import build_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CATEGORIES = [
    {"group": "Accès aux droits", "items": ["CMU/PUMa", "Domiciliation", "Dossier RSA"]},
    {"group": "Santé", "items": ["Rendez-vous médical"]},
]
# Every visible checkbox or radio, with its size and the height of the label that makes its tap target.
BOXES = """() => Array.from(document.querySelectorAll("input[type=checkbox], input[type=radio]"))
  .filter((box) => box.getClientRects().length)
  .map((box) => {
    const label = box.closest("label") || document.querySelector(`label[for="${box.id}"]`);
    const r = box.getBoundingClientRect();
    return {name: box.name, width: r.width, height: r.height, label: label ? label.getBoundingClientRect().height : 0};
  })"""


def _small_targets(page: Page) -> list[dict[str, object]]:
    boxes = page.evaluate(BOXES)
    assert boxes
    return [b for b in boxes if b["width"] < 24 or b["height"] < 24 or b["label"] < 44]


def test_the_category_search_hides_the_other_categories_of_a_group(
    browser_page: Page, browser_console: list[str], site_url: str
) -> None:
    org = build_org("Recherche Catégories")
    org.organisation.action_categories = CATEGORIES
    org.organisation.save(update_fields=["action_categories"])
    page = browser_page
    log_in(page, site_url, org["normal"])
    page.goto(f"{site_url}/agenda/nouvelle/")
    page.get_by_text("Choisir des catégories").click()
    page.get_by_placeholder("Rechercher une catégorie…").fill("dom")
    expect(page.get_by_label("Domiciliation")).to_be_visible()
    for other in ("CMU/PUMa", "Dossier RSA", "Rendez-vous médical"):
        expect(page.get_by_label(other)).to_be_hidden()
    expect(page.get_by_text("Santé", exact=True)).to_be_hidden()

    page.goto(f"{site_url}/agenda/")
    page.get_by_text("Filtres", exact=True).click()
    page.get_by_text("Toutes les catégories").click()
    page.get_by_placeholder("Rechercher une catégorie…").fill("dom")
    expect(page.get_by_label("Domiciliation")).to_be_visible()
    expect(page.get_by_label("CMU/PUMa")).to_be_hidden()
    assert scroll_width(page) <= 390
    assert csp_violations(browser_console) == []


def test_boxes_and_radios_are_tap_sized_and_the_cut_menu_shows_it_scrolls(
    browser_page: Page, browser_console: list[str], site_url: str
) -> None:
    org = build_org("Cibles Tactiles")
    org.organisation.action_categories = CATEGORIES
    org.organisation.save(update_fields=["action_categories"])
    admin = org["admin"]
    mother = person_create(user=admin.user, keyring=admin.keyring, teams=[org.day], name="Nadia Mère")
    son = person_create(user=admin.user, keyring=admin.keyring, teams=[org.day], name="Yanis Fils")
    family_link(user=admin.user, keyring=admin.keyring, person=mother, other=son, description="")
    page = browser_page
    log_in(page, site_url, admin)
    page.goto(f"{site_url}/agenda/nouvelle/?personne={mother.pk}")
    expect(page.get_by_label("Action familiale")).to_be_visible()
    page.get_by_label("Répéter").check()
    page.get_by_label("Unité").select_option("month")
    expect(page.locator("input[name=recurrence_monthly]").first).to_be_visible()
    page.get_by_text("Choisir des catégories").click()
    assert _small_targets(page) == []
    assert scroll_width(page) <= 390

    page.goto(f"{site_url}/agenda/")
    page.get_by_text("Filtres", exact=True).click()
    page.get_by_text("Toutes les catégories").click()
    assert _small_targets(page) == []
    assert scroll_width(page) <= 390

    # The admin's menu is wider than the phone: it scrolls inside itself, with a fade stuck to its right edge.
    nav = page.get_by_role("navigation", name="Navigation principale")
    assert nav.evaluate("(n) => n.scrollWidth > n.clientWidth")
    fade = nav.evaluate("(n) => { const s = getComputedStyle(n, '::after'); return [s.position, s.width]; }")
    assert fade[0] == "sticky" and float(fade[1].removesuffix("px")) >= 24
    nav.get_by_role("link", name="Mon compte").click()
    expect(page).to_have_url(f"{site_url}/compte/")
    assert csp_violations(browser_console) == []


def test_five_quick_taps_on_a_counter_count_five(browser_page: Page, browser_console: list[str], site_url: str) -> None:
    org = build_org("Compteurs Rapides")
    organisation = org.organisation
    organisation.reception_enabled = True
    organisation.services = [{"group": "Hygiène", "items": ["Douche", "Lessive"]}]
    organisation.save()
    page = browser_page
    log_in(page, site_url, org["normal"])
    page.get_by_role("link", name="Accueil de jour").click()

    plus = page.get_by_role("button", name="Ajouter un service « Lessive »")
    for _ in range(5):
        plus.click()
    # Harsher than fingers: five clicks in one go, all while the first request is still on its way.
    page.evaluate(
        """() => { const b = document.querySelector('button[aria-label="Ajouter un service « Douche »"]');
          for (let i = 0; i < 5; i++) b.click(); }"""
    )
    expect(page.locator('[data-test-id="Lessive-5"]')).to_be_visible()
    expect(page.locator('[data-test-id="Douche-5"]')).to_be_visible()
    page.get_by_role("button", name="Retirer un service « Douche »").click()
    expect(page.locator('[data-test-id="Douche-4"]')).to_be_visible()

    page.reload()
    expect(page.locator('[data-test-id="Lessive-5"]')).to_be_visible()
    expect(page.locator('[data-test-id="Douche-4"]')).to_be_visible()
    assert dict(ServiceCount.objects.values_list("service", "count")) == {"Lessive": 5, "Douche": 4}
    assert scroll_width(page) <= 390
    assert csp_violations(browser_console) == []
