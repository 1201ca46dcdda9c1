"""The agenda on a phone, in Debian's Chromium: one action for two persons with a first comment, one marked done,
both seen on the day view and on each person's page; and the "three taps" promise of the issue, counted."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Locator, Page, expect

from mano.agenda.models import Action
from mano.persons.models import Comment, Person
from mano.persons.services import person_create
from mano.testing import PASSWORD, Org, build_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390
FIRST = "Éloïse Dupont"
SECOND = "Marcel Dupont"
ACTION = "Rendez-vous CCAS"
COMMENT = "Apporter une pièce d’identité et un justificatif de domiciliation."
DAY_SHOT = "/tmp/agenda-day-390.png"
OTHER_DAY_SHOT = "/tmp/agenda-other-day-390.png"
DAY_ALL_SHOT = "/tmp/agenda-day-all-390.png"
FORM_SHOT = "/tmp/agenda-form-390.png"
PERSON_SHOT = "/tmp/agenda-person-390.png"
QUICK_FORM_SHOT = "/tmp/agenda-quick-form-390.png"
LIVE_SEARCH_SHOT = "/tmp/agenda-live-search-390.png"


@dataclass
class Taps:
    """Counts the taps of a journey; typing is not counted."""

    page: Page
    count: int = 0
    log: list[str] = field(default_factory=list)

    def tap(self, target: Locator) -> None:
        self.count += 1
        self.log.append(target.inner_text().strip() or "?")
        target.click()


@dataclass
class World:
    org: Org
    first: Person
    second: Person


@pytest.fixture
def world() -> World:
    """An organisation and two persons followed by the day team, where the normal member works."""
    org = build_org("Maraude Agenda")
    admin = org["admin_health"]
    first = person_create(user=admin.user, keyring=admin.keyring, teams=[org.day], name=FIRST)
    second = person_create(user=admin.user, keyring=admin.keyring, teams=[org.day], name=SECOND)
    return World(org, first, second)


def csp_violations(console: list[str]) -> list[str]:
    return [m for m in console if "Refused to" in m or "Content Security Policy" in m]


def scroll_width(page: Page) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


def log_in(page: Page, site_url: str, world: World) -> None:
    page.goto(f"{site_url}/connexion/")
    page.get_by_label("Adresse e-mail").fill(world.org["normal"].user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Bonjour "))).to_be_visible()


def day_rows(page: Page) -> Locator:
    return page.locator("ul.actions > li.action")


def row_of(page: Page, person: str) -> Locator:
    return day_rows(page).filter(has=page.get_by_role("link", name=person, exact=True))


def test_one_action_for_two_persons_with_a_comment_then_one_done(
    world: World, browser_page: Page, browser_console: list[str], site_url: str
) -> None:
    page = browser_page
    log_in(page, site_url, world)

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Agenda").click()
    expect(page.get_by_role("heading", name="Agenda de l’équipe Jour")).to_be_visible()
    expect(page.get_by_text("Aucune action ici.", exact=False)).to_be_visible()

    page.get_by_role("link", name="Nouvelle action").click()
    expect(page.get_by_role("heading", name="Nouvelle action")).to_be_visible()
    # Two searches: what is typed and ticked after the first one stays.
    page.get_by_placeholder("Chercher une personne à ajouter").fill("eloise")
    page.get_by_role("button", name="Chercher").click()
    page.get_by_role("checkbox", name=FIRST).check()
    page.get_by_label("Nom de l’action").fill(ACTION)
    page.get_by_label("Commentaire (optionnel)").fill(COMMENT)
    page.get_by_placeholder("Chercher une personne à ajouter").fill("marcel")
    page.get_by_role("button", name="Chercher").click()
    expect(page.get_by_role("checkbox", name=FIRST)).to_be_checked()
    expect(page.get_by_label("Nom de l’action")).to_have_value(ACTION)
    page.get_by_role("checkbox", name=SECOND).check()
    # The defaults already fill the team in charge and the date.
    expect(page.get_by_role("checkbox", name="Jour", exact=True)).to_be_checked()
    expect(page.get_by_label("À faire le")).not_to_have_value("")
    assert scroll_width(page) <= PHONE_WIDTH
    page.screenshot(path=FORM_SHOT, full_page=True)
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_text("2 actions créées.")).to_be_visible()
    expect(day_rows(page)).to_have_count(2)
    expect(row_of(page, FIRST)).to_contain_text(ACTION)
    expect(row_of(page, SECOND)).to_contain_text(ACTION)
    assert scroll_width(page) <= PHONE_WIDTH
    page.screenshot(path=DAY_SHOT, full_page=True)
    # Another day: its tabs and "Revenir à aujourd'hui" still fit the phone.
    page.get_by_role("link", name=re.compile("Demain")).click()
    expect(page.get_by_role("link", name="Revenir à aujourd’hui")).to_be_visible()
    assert scroll_width(page) <= PHONE_WIDTH
    page.screenshot(path=OTHER_DAY_SHOT)
    page.get_by_role("link", name="Revenir à aujourd’hui").click()

    # One tap marks the first one done; the default filter ("à faire") keeps only the other.
    row_of(page, FIRST).get_by_role("button", name="Fait").click()
    expect(page.get_by_text("Statut mis à jour.")).to_be_visible()
    expect(day_rows(page)).to_have_count(1)
    expect(row_of(page, SECOND)).to_have_count(1)

    page.locator("details.filters > summary").click()
    page.get_by_label("Statut").select_option("all")
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"statut=all"))
    expect(day_rows(page)).to_have_count(2)
    expect(row_of(page, FIRST)).to_contain_text("Faite")
    expect(row_of(page, FIRST).get_by_role("button", name="À refaire")).to_be_visible()
    expect(row_of(page, SECOND).get_by_role("button", name="Fait")).to_be_visible()
    assert scroll_width(page) <= PHONE_WIDTH
    page.screenshot(path=DAY_ALL_SHOT, full_page=True)

    statuses = dict(Action.objects.values_list("person_id", "status"))
    assert statuses == {world.first.pk: "done", world.second.pk: "todo"}
    copies = Comment.objects.filter(action_id__isnull=False)
    assert sorted(copies.values_list("person_id", flat=True)) == sorted([world.first.pk, world.second.pk])

    for name in (FIRST, SECOND):
        page.goto(f"{site_url}/agenda/?statut=all")
        row_of(page, name).get_by_role("link", name=name, exact=True).click()
        expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
        actions = page.locator("#actions")
        expect(actions.get_by_role("link", name=ACTION)).to_be_visible()
        expect(page.locator("#commentaires").get_by_text(COMMENT)).to_be_visible()
        assert scroll_width(page) <= PHONE_WIDTH
        if name == FIRST:
            expect(actions.get_by_role("button", name="À refaire")).to_be_visible()
            page.screenshot(path=PERSON_SHOT, full_page=True)
        else:
            expect(actions.get_by_role("button", name="Fait")).to_be_visible()

    assert csp_violations(browser_console) == []


def test_day_view_new_action_and_done_each_take_three_taps_at_most(
    world: World, browser_page: Page, browser_console: list[str], site_url: str
) -> None:
    page = browser_page
    log_in(page, site_url, world)

    # (a) From the home page to today's day view.
    reach = Taps(page)
    reach.tap(page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Agenda"))
    expect(page.get_by_role("heading", name="Agenda de l’équipe Jour")).to_be_visible()
    assert reach.count <= 3, reach.log

    # (b) From a person's page, a new action for that person: taps plus typing the name.
    page.goto(f"{site_url}/personnes/{world.first.pk}/")
    expect(page.get_by_role("heading", name=FIRST, exact=True)).to_be_visible()
    create = Taps(page)
    create.tap(page.locator("#actions").get_by_role("link", name=re.compile("action")))
    expect(page.get_by_role("heading", name="Nouvelle action")).to_be_visible()
    expect(page.get_by_role("checkbox", name=FIRST)).to_be_checked()
    page.get_by_label("Nom de l’action").fill("Appeler le 115")
    page.screenshot(path=QUICK_FORM_SHOT, full_page=True)
    create.tap(page.get_by_role("button", name="Enregistrer"))
    expect(page.get_by_text("Action créée.")).to_be_visible()
    expect(page.get_by_role("heading", name=FIRST, exact=True)).to_be_visible()  # back on the person's page
    expect(page.locator("#actions").get_by_role("link", name="Appeler le 115")).to_be_visible()
    assert create.count <= 3, create.log

    # (b') From the day view, a new action for a person found by typing: the results come as you type.
    page.goto(f"{site_url}/agenda/")
    from_day = Taps(page)
    from_day.tap(page.get_by_role("link", name="Nouvelle action"))
    page.get_by_label("Nom de l’action").fill("Douche")
    page.get_by_placeholder("Chercher une personne à ajouter").fill(SECOND.split()[0].lower())
    page.get_by_placeholder("Chercher une personne à ajouter").press("Enter")  # searches, does not send the form
    # Among the live results (a sent form would list the person in the form's own field instead).
    expect(page.locator("#person-options").get_by_role("checkbox", name=SECOND)).to_be_visible()
    expect(page.get_by_label("Nom de l’action")).to_have_value("Douche")
    page.screenshot(path=LIVE_SEARCH_SHOT, full_page=True)
    from_day.tap(page.get_by_role("checkbox", name=SECOND))
    from_day.tap(page.get_by_role("button", name="Enregistrer"))
    expect(page.get_by_text("Action créée.")).to_be_visible()
    expect(page.get_by_role("heading", name="Agenda de l’équipe Jour")).to_be_visible()  # back on the day
    expect(row_of(page, SECOND)).to_have_count(1)
    assert from_day.count <= 3, from_day.log

    # (c) From the day view, marking it done.
    page.goto(f"{site_url}/agenda/")
    expect(row_of(page, FIRST)).to_have_count(1)
    done = Taps(page)
    done.tap(row_of(page, FIRST).get_by_role("button", name="Fait"))
    expect(page.get_by_text("Statut mis à jour.")).to_be_visible()
    expect(row_of(page, FIRST)).to_have_count(0)
    assert Action.objects.get(person=world.first).status == "done"
    assert done.count <= 3, done.log

    print(
        f"\ntaps: day view {reach.count}; new action {create.count}, from the day {from_day.count}; done {done.count}"
    )
    assert (reach.count, create.count, from_day.count, done.count) == (1, 2, 3, 1)
    assert csp_violations(browser_console) == []
