"""What an observer of URLs sees after a search (browser history, proxy logs, `next`, `Location`): never the
typed words. Agenda views and the persons list post their search and carry it only as a token of the session;
the results still match, the filters stay in the URL, and the token means nothing in another session."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains

from mano.agenda.services import actions_create
from mano.persons.services import person_create
from mano.persons.services.comments import comment_create
from mano.testing import Org, Persona, login_client
from mano.testing_urls import assert_no_words_in_urls, assert_text_forms_post

pytestmark = pytest.mark.django_db

SEARCH = "Dupont VIH"
SECRETS = ("dupont", "vih")


def assert_no_search_in_urls(response) -> None:
    assert_no_words_in_urls(response, SECRETS)


@pytest.fixture
def world(org_a: Org, bob: Persona) -> dict[str, object]:
    dupont = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Jean Dupont")
    other = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Karim")
    comment_create(user=bob.user, keyring=bob.keyring, person=dupont, text="Dépistage VIH à prévoir")
    (found,) = actions_create(
        user=bob.user,
        keyring=bob.keyring,
        persons=[dupont],
        name="RDV Dupont",
        description="Dépistage VIH",
        teams=[org_a.day],
        due_at=timezone.now(),
    )
    actions_create(
        user=bob.user, keyring=bob.keyring, persons=[other], name="Douche", teams=[org_a.day], due_at=timezone.now()
    )
    return {"found": found, "dupont": dupont}


def _names(response, key: str) -> list[str]:
    if key == "days":
        return sorted(r.name for day in response.context["days"] for r in day.rows)
    return sorted(r.name for r in response.context[key])


def _search(client: Client, url: str, **fields: str):
    posted = client.post(url, {"q": SEARCH, **fields})
    assert posted.status_code == 303
    assert_no_search_in_urls(posted)
    assert "qs=" in posted["Location"]
    return posted


@pytest.mark.parametrize(
    ("url", "key"), [("/agenda/liste/", "page"), ("/agenda/", "rows"), ("/agenda/semaine/", "days")]
)
def test_an_agenda_search_is_posted_and_no_url_carries_its_words(bob, world, url, key):
    client = login_client(bob)
    assert_text_forms_post(client.get(url))
    posted = _search(client, url, statut="all", equipe="toutes")
    assert posted["Location"].startswith(f"{url}?equipe=toutes&statut=all&qs=")
    page = client.get(posted["Location"])
    assert page.status_code == 200 and _names(page, key) == ["RDV Dupont"]
    assertContains(page, f'value="{SEARCH}"')  # the field still shows it, in the page only
    assert_no_search_in_urls(page)
    assert_text_forms_post(page)


def test_the_filter_form_posts_every_filter_and_the_redirect_keeps_them(bob, org_a, world):
    client = login_client(bob)
    fields = {"jour": "2026-12-02", "equipe": str(org_a.day.pk), "statut": "done", "tri": "nom"}
    posted = client.post("/agenda/", {"q": SEARCH, "categorie": "Santé", "sans_categorie": "1", **fields})
    location = posted["Location"]
    assert location.startswith(
        f"/agenda/?jour=2026-12-02&equipe={org_a.day.pk}&categorie=Sant%C3%A9&sans_categorie=1&statut=done&qs="
    )
    assert location.endswith("&tri=nom")
    assert_no_search_in_urls(posted)


def test_status_changes_and_the_action_page_keep_the_search_sealed(bob, world):
    client = login_client(bob)
    listed = client.get(_search(client, "/agenda/liste/", statut="all")["Location"])
    action = world["found"]
    edit_link = re.search(rf'href="(/agenda/{action.pk}/\?next=[^"]+)"', listed.content.decode())
    assert edit_link
    assert_no_search_in_urls(client.get(html.unescape(edit_link.group(1))))
    next_url = re.search(r'name="next" value="([^"]+)"', listed.content.decode())
    assert next_url
    done = client.post(
        f"/agenda/{action.pk}/statut/",
        {"status": "done", "version": action.version, "next": html.unescape(next_url[1])},
    )
    assert done.status_code == 302
    assert_no_search_in_urls(done)
    back = client.get(done["Location"])
    assert _names(back, "page") == ["RDV Dupont"]  # still the search, now done
    assert_no_search_in_urls(back)


def test_a_clear_q_still_searches_but_every_link_of_the_page_carries_the_token(bob, world):
    client = login_client(bob)
    for url, key in (("/agenda/liste/?equipe=toutes&q=Dupont+VIH", "page"), ("/agenda/?q=Dupont+VIH", "rows")):
        page = client.get(url)
        assert page.status_code == 200 and _names(page, key) == ["RDV Dupont"]
        assert_no_search_in_urls(page)
        assertContains(page, "qs=")
    persons = client.get("/personnes/?q=Dupont+VIH")
    assert [r.name for r in persons.context["page"]] == ["Jean Dupont"]
    assert_no_search_in_urls(persons)


def test_a_token_opens_in_no_other_session_and_a_tampered_one_reads_as_no_search(bob, alice, world):
    location = _search(login_client(bob), "/agenda/liste/", statut="all")["Location"]
    for client in (login_client(bob), login_client(alice)):  # bob's second session; another member
        page = client.get(location)
        assert page.status_code == 200 and page.context["filters"].text == ""
        assert _names(page, "page") == ["Douche", "RDV Dupont"]
        assert page.context["status"] == "all"  # the plain filters still apply
    client = login_client(bob)
    token = location.split("qs=")[1]
    tampered = location.replace(token, token[:20] + ("B" if token[20] == "A" else "A") + token[21:])
    for url in (tampered, "/agenda/liste/?statut=all&qs=%00%ff", "/agenda/liste/?statut=all&qs=" + "A" * 5000):
        page = client.get(url)
        assert page.status_code == 200 and page.context["filters"].text == ""
        assert _names(page, "page") == ["Douche", "RDV Dupont"]


def test_the_persons_search_is_posted_and_no_url_carries_its_words(bob, world):
    client = login_client(bob)
    assert_text_forms_post(client.get("/personnes/"))
    posted = _search(client, "/personnes/")
    page = client.get(posted["Location"])
    assert [r.name for r in page.context["page"]] == ["Jean Dupont"]
    assert_no_search_in_urls(page)
    assert_text_forms_post(page)
    elsewhere = login_client(bob).get(posted["Location"])
    assert elsewhere.status_code == 200 and elsewhere.context["query"] == ""
    assert sorted(r.name for r in elsewhere.context["page"]) == ["Jean Dupont", "Karim"]


@pytest.mark.parametrize("url", ["/agenda/", "/agenda/semaine/", "/agenda/liste/", "/personnes/"])
def test_the_search_post_needs_a_member_and_no_other_method(url, org_a, world):
    anonymous = Client().post(url, {"q": SEARCH})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/connexion/")
    assert_no_search_in_urls(anonymous)
    assert login_client(org_a["stats"]).post(url, {"q": SEARCH}).status_code == 403
    assert login_client(org_a["normal"]).put(url).status_code == 405
    locked = login_client(org_a["normal"])
    locked.post("/verrouiller/")
    response = locked.post(url, {"q": SEARCH})
    assert response.status_code == 302 and response["Location"].startswith("/deverrouiller/")
    assert_no_search_in_urls(response)
