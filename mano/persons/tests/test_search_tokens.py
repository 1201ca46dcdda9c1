"""What an observer of URLs sees (browser history, proxy logs, `next`, `Location`, htmx headers) after a search
or a typed filter value in the persons app: never the typed words. The passages name filter, the family and merge
person pickers post their text and carry it only as a token of the session; a custom-field filter keeps the
organisation's own words (choice options, Oui/Non) in clear and seals what was typed."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from playwright.sync_api import Page, expect
from pytest_django.asserts import assertContains

from mano.persons.services import person_create
from mano.testing import PASSWORD, Org, Persona, build_org, login_client
from mano.testing_urls import assert_no_words_in_urls, assert_text_forms_post

pytestmark = pytest.mark.django_db

SEARCH = "Dupont"


def assert_no_search_in_urls(response) -> None:
    assert_no_words_in_urls(response, [SEARCH])


@pytest.fixture
def world(bob: Persona, org_a: Org) -> dict[str, object]:
    def make(name: str, **custom: object) -> object:
        return person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name=name, custom=custom)

    return {
        "dupont": make("Jean Dupont", resources=["RSA"]),
        "karim": make("Karim", structure_social="Association Dupont", resources=["AAH"]),
        "zoe": make("Zoé", has_animal="Oui"),
    }


def _picker_names(response) -> list[str]:
    if "choices" in response.context and hasattr(response.context["choices"], "rows"):
        return sorted(name for _pk, name, _other in response.context["choices"].rows)
    return sorted(row.name for row, _url in response.context["choices"])


def _pickers(world: dict[str, object]) -> list[str]:
    zoe = world["zoe"].pk  # type: ignore[attr-defined]
    return ["/personnes/passages/", f"/personnes/{zoe}/famille/ajouter/", f"/personnes/{zoe}/fusionner/"]


def _list_names(response) -> list[str]:
    return sorted(row.name for row in response.context["page"])


def test_each_person_picker_posts_its_search_and_no_url_carries_it(bob, world):
    client = login_client(bob)
    for url in _pickers(world):
        assert_text_forms_post(client.get(url), "q|fv")
        posted = client.post(url, {"q": SEARCH})
        assert posted.status_code == 303 and posted["Location"].startswith(f"{url}?qs=")
        assert_no_search_in_urls(posted)
        page = client.get(posted["Location"])
        assert page.status_code == 200 and _picker_names(page) == ["Jean Dupont"]
        assertContains(page, f'value="{SEARCH}"')  # the field still shows it, in the page only
        assert_no_search_in_urls(page)
        assert_text_forms_post(page, "q|fv")


def test_a_picker_token_reads_as_no_search_in_another_session(bob, alice, world):
    for url in _pickers(world):
        location = login_client(bob).post(url, {"q": SEARCH})["Location"]
        for client in (login_client(bob), login_client(alice)):
            page = client.get(location)
            assert page.status_code == 200 and page.context["query"] == ""
        assert login_client(bob).get(location.replace("qs=", "qs=A")).context["query"] == ""


def test_a_clear_q_still_searches_but_the_page_carries_only_its_token(bob, world):
    client = login_client(bob)
    for url in _pickers(world):
        page = client.get(url, {"q": SEARCH})
        assert _picker_names(page) == ["Jean Dupont"]
        assert_no_search_in_urls(page)
        full_path = page.wsgi_request.get_full_path()  # what `next` fields and redirects reuse
        assert "qs=" in full_path and SEARCH not in full_path


def test_a_passage_recorded_from_a_filtered_page_comes_back_to_it_without_the_words(bob, org_a, world):
    client = login_client(bob)
    filtered = client.post("/personnes/passages/", {"q": SEARCH})["Location"]
    data = {"kind": "passage", "persons": [str(world["dupont"].pk)], "date": "2026-03-10T14:30"}  # type: ignore[attr-defined]
    saved = client.post(filtered, {**data, "team": str(org_a.day.pk)})
    assert saved.status_code == 302 and saved["Location"] == filtered
    assert_no_search_in_urls(saved)
    assert _picker_names(client.get(saved["Location"])) == ["Jean Dupont"]


def _filter(client: Client, key: str, op: str, value: str, **extra: str):
    posted = client.post("/personnes/", {"fk": key, "fo": op, "fv": value, "tri": "name", **extra})
    assert posted.status_code == 303
    assert_no_search_in_urls(posted)
    return posted


def test_a_typed_filter_value_is_posted_and_links_carry_only_its_token(bob, world):
    client = login_client(bob)
    assert_text_forms_post(client.get("/personnes/"), "q|fv")
    posted = _filter(client, "structure_social", "contains", SEARCH, tout="1", vulnerable="")
    location = posted["Location"]
    assert location.startswith("/personnes/?tout=1&f=") and location.endswith("&tri=name")
    assert "structure_social" not in location  # the whole condition is sealed, not only its value
    page = client.get(location)
    assert page.status_code == 200 and _list_names(page) == ["Karim"]
    assertContains(page, f'value="{SEARCH}"')
    assert_no_search_in_urls(page)
    assert_text_forms_post(page, "q|fv")
    again = client.get(page.wsgi_request.path + "?" + page.context["filters"].as_query())
    assert _list_names(again) == ["Karim"]  # the sort and scope links keep the sealed condition


def test_the_organisations_own_words_stay_clear_in_the_url(bob, world):
    client = login_client(bob)
    location = _filter(client, "resources", "eq", "RSA")["Location"]
    assert location == "/personnes/?f=resources~eq~RSA&tri=name"
    assert _list_names(client.get(location)) == ["Jean Dupont"]
    yes = _filter(client, "has_animal", "eq", "Oui")["Location"]
    assert "f=has_animal~eq~Oui" in yes and _list_names(client.get(yes)) == ["Zoé"]
    empty = _filter(client, "has_animal", "empty", "ignored")["Location"]
    assert "f=has_animal~empty~&" in empty
    typed_in_a_choice = _filter(client, "resources", "contains", "RS")["Location"]  # not an option: typed
    assert "resources" not in typed_in_a_choice
    assert _list_names(client.get(typed_in_a_choice)) == ["Jean Dupont"]


def test_an_old_link_with_a_typed_value_still_filters_but_the_page_carries_its_token(bob, world):
    client = login_client(bob)
    for query in (f"f=structure_social~contains~{SEARCH}", f"fk=structure_social&fo=contains&fv={SEARCH}"):
        page = client.get(f"/personnes/?{query}&f=resources~eq~AAH&tri=name")
        assert _list_names(page) == ["Karim"]
        assert_no_search_in_urls(page)
        assert "f=resources~eq~AAH" in page.wsgi_request.get_full_path()


def test_a_filter_token_of_another_session_or_a_tampered_one_is_dropped(bob, alice, world):
    location = _filter(login_client(bob), "structure_social", "contains", SEARCH)["Location"]
    token = location.split("f=")[1].split("&")[0]
    tampered = location.replace(token, token[:20] + ("B" if token[20] == "A" else "A") + token[21:])
    for client, url in ((login_client(bob), location), (login_client(alice), location), (login_client(bob), tampered)):
        page = client.get(url + "&f=resources~eq~RSA")
        assert page.status_code == 200 and [c.key for c in page.context["filters"].conditions] == ["resources"]
        assert _list_names(page) == ["Jean Dupont"]


def test_a_search_token_cannot_stand_for_a_filter_value(bob, world):
    client = login_client(bob)
    search_token = client.post("/personnes/", {"q": "structure_social~contains~Dupont"})["Location"].split("qs=")[1]
    page = client.get(f"/personnes/?f={search_token}")
    assert page.context["filters"].conditions == () and len(_list_names(page)) == 3


def test_restricted_members_neither_filter_on_custom_fields_nor_echo_typed_values(org_a, world):
    client = login_client(org_a["restricted"])
    page = client.get(f"/personnes/?f=structure_social~contains~{SEARCH}")
    assert page.status_code == 200 and len(_list_names(page)) == 3
    assert_no_search_in_urls(page)
    posted = _filter(client, "structure_social", "contains", SEARCH)
    assert posted["Location"] == "/personnes/?tri=name"


@pytest.mark.parametrize(
    "path", ["/personnes/passages/", "/personnes/{id}/famille/ajouter/", "/personnes/{id}/fusionner/"]
)
def test_the_picker_search_post_needs_a_member_of_the_organisation(path, bob, org_a, charlie, world):
    url = path.format(id=world["zoe"].pk)  # type: ignore[attr-defined]
    anonymous = Client().post(url, {"q": SEARCH})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/connexion/")
    assert_no_search_in_urls(anonymous)
    assert login_client(org_a["stats"]).post(url, {"q": SEARCH}).status_code == 403
    assert login_client(bob).put(url).status_code == 405
    if "{id}" in path:
        assert login_client(charlie).post(url, {"q": SEARCH}).status_code == 404
    locked = login_client(bob)
    locked.post("/verrouiller/")
    response = locked.post(url, {"q": SEARCH})
    assert response.status_code == 302 and response["Location"].startswith("/deverrouiller/")
    assert_no_search_in_urls(response)


def test_the_filter_post_needs_a_member(org_a, world):
    anonymous = Client().post("/personnes/", {"fk": "structure_social", "fo": "contains", "fv": SEARCH})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/connexion/")
    assert_no_search_in_urls(anonymous)
    stats = login_client(org_a["stats"]).post("/personnes/", {"fv": SEARCH})
    assert stats.status_code == 403


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_address_bar_never_shows_the_typed_words(browser_page: Page, site_url: str):
    org = build_org("Maraude Adresse")
    member = org["normal"]
    for name, custom in (("Jean Dupont", {}), ("Karim", {"structure_social": "Association Dupont"})):
        person_create(user=member.user, keyring=member.keyring, teams=[org.day], name=name, custom=custom)
    page = browser_page
    page.goto(f"{site_url}/connexion/")
    page.get_by_label("Adresse e-mail").fill(member.user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name=re.compile("Bonjour"))).to_be_visible()

    page.goto(f"{site_url}/personnes/passages/")
    page.get_by_placeholder("Filtrer les personnes par nom").fill(SEARCH)
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("filtre : « Dupont »")).to_be_visible()
    assert "qs=" in page.url and SEARCH not in page.url

    page.goto(f"{site_url}/personnes/")
    page.get_by_text("Filtres", exact=True).click()
    page.get_by_label("Champ").select_option("structure_social")
    page.get_by_label("Opérateur").select_option("contains")
    page.get_by_label("Valeur").fill(SEARCH)
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("link", name="Karim")).to_be_visible()
    expect(page.get_by_role("link", name="Jean Dupont")).to_have_count(0)
    assert "f=" in page.url and SEARCH not in page.url
    page.get_by_role("link", name="nom", exact=True).click()
    expect(page.get_by_role("link", name="Karim")).to_be_visible()
    assert "tri=name" in page.url and SEARCH not in page.url
