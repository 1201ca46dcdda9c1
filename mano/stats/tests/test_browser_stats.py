"""The statistics on a phone: last month, one team, then the persons behind a bar of a chart's table — under the
strict CSP, without a horizontal scroll."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mano.accounts.tests.test_browser_journey import csp_violations, log_in, scroll_width
from mano.persons.services import person_create
from mano.persons.services.passages import encounters_create
from mano.testing import build_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_last_month_of_one_team_then_the_persons_behind_a_row(
    browser_page: Page, browser_console: list[str], site_url: str
) -> None:
    org = build_org("Statistiques Navigateur")
    admin = org["admin"]
    last_month = timezone.localdate().replace(day=1) - timedelta(days=20)
    moment = timezone.make_aware(datetime.combine(last_month, time(22, 0)))
    karim = person_create(
        user=admin.user, keyring=admin.keyring, teams=[org.night], name="Karim Benali", gender="Homme"
    )
    lea = person_create(user=admin.user, keyring=admin.keyring, teams=[org.day], name="Léa Martin", gender="Femme")
    for team, person, count in ((org.night, karim, 2), (org.day, lea, 1)):
        for n in range(count):
            encounters_create(
                user=admin.user,
                keyring=admin.keyring,
                kind="passage",
                team=team,
                date=moment + timedelta(days=n),
                persons=[person],
                anonymous_count=None,
            )
    page = browser_page
    log_in(page, site_url, admin)
    page.get_by_role("link", name="Statistiques").first.click()
    page.get_by_text("Période et équipes").click()
    page.get_by_label("Période").select_option("mois-dernier")
    page.get_by_label("Nuit").check()
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator('[data-stat="passages"] dd')).to_have_text("2")
    expect(page.get_by_text("Équipes : Nuit")).to_be_visible()
    page.get_by_role("navigation", name="Onglets des statistiques").get_by_role("link", name="Personnes").click()
    gender = page.locator("#gender")
    expect(gender.locator("svg.stats__chart")).to_be_visible()
    assert scroll_width(page) <= 390
    # The slice's legend line in the chart, as a finger would; the table's row holds the same link.
    gender.locator("svg.stats__chart a", has_text="Homme").click()
    expect(page.get_by_role("heading", name="Genre : Homme")).to_be_visible()
    expect(page.get_by_text("1 personne")).to_be_visible()
    expect(page.get_by_role("link", name="Karim Benali")).to_be_visible()
    expect(page.get_by_text("Léa Martin")).to_have_count(0)
    page.get_by_role("link", name="Retour aux statistiques").click()
    expect(page.locator("#gender")).to_be_visible()
    assert csp_violations(browser_console) == []
