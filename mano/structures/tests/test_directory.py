"""The structures directory through its pages: add, edit (version-checked), search, filters, sort, archive, delete."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from mano.core.audit import AuditAction, AuditEvent
from mano.structures.models import Structure
from mano.structures.services import structure_create
from mano.testing import login_client

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
# A Wednesday at 10:00 in Paris: open for "Mo-Fr 09:00-12:00", closed for "Sa 10:00-12:00".
WEDNESDAY_10AM = datetime(2026, 12, 9, 10, 0, tzinfo=PARIS)


def _make(persona, **data):
    fields = {"name": "Bains-douches", "city": "Lyon", **data}
    return structure_create(user=persona.user, data=fields)


def _names(response):
    return [card.structure.name for card in response.context["page"]]


def _form(**data):
    return {"name": "Halte de nuit", "opening_hours": "", "version": "", **data}


def test_alice_adds_a_structure_and_sees_its_page(alice):
    client = login_client(alice)
    response = client.post(
        reverse("structures:create"),
        _form(
            name="Bains-douches Saint-Jean",
            categories=["Douche"],
            publics=["Femmes"],
            phones="04 72 00 00 00\n06 11 22 33 44",
            opening_hours="Mo-Fr 09:00-12:00; PH off",
            latitude="45.76",
            longitude="4.827",
            languages="français, arabe",
        ),
    )
    structure = Structure.objects.get(name="Bains-douches Saint-Jean")
    assert response.status_code == 302
    assert structure.phones == ["04 72 00 00 00", "06 11 22 33 44"]
    assert structure.languages == ["français", "arabe"]
    page = client.get(reverse("structures:detail", args=[structure.pk]))
    assertContains(page, 'href="tel:0472000000"')
    assertContains(page, "geo:45.760000,4.827000")
    assert AuditEvent.objects.filter(action=AuditAction.STRUCTURE_CHANGE, object_id=str(structure.pk)).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "  "}, "name", "obligatoire"),
        ({"name": "BAINS DOUCHES"}, "name", "Une structure porte déjà ce nom"),
        ({"name": "Bains-douchés"}, "name", "Une structure porte déjà ce nom"),
        ({"latitude": "123", "longitude": "2"}, "latitude", "La latitude va de -90 à 90."),
        ({"latitude": "45"}, "latitude", "ou aucune des deux"),
        ({"opening_hours": "lundi matin"}, "opening_hours", "Horaires illisibles"),
        ({"email": "pas-un-mail"}, "email", "n’est pas valide"),
        ({"website": "javascript:alert(1)"}, "website", "https://"),
        ({"closed_from": "2026-12-10", "closed_until": "2026-12-01"}, "closed_until", "précéder"),
        ({"phones": "<script>"}, "phones", "Numéro illisible"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(alice, data, field, message):
    _make(alice, name="Bains douches")
    client = login_client(alice)
    response = client.post(reverse("structures:create"), _form(**data))
    assert response.status_code == 200
    assert message in " ".join(str(e) for e in response.context["form"].errors.get(field, []))
    assert Structure.objects.count() == 1


def test_names_are_unique_per_organisation_only(alice, charlie):
    _make(alice, name="CSAPA Horizon")
    assert _make(charlie, name="CSAPA Horizon").organisation_id == charlie.user.organisation_id


def test_a_stale_edit_shows_the_saved_version_and_keeps_the_typing(alice, org_a):
    structure = _make(alice, description="Ancienne description")
    client = login_client(alice)
    url = reverse("structures:edit", args=[structure.pk])
    first = client.post(url, _form(name="Bains-douches", description="Version de Bob", version="1"))
    assert first.status_code == 302
    stale = client.post(url, _form(name="Bains-douches", description="Ma version", version="1"))
    assert stale.status_code == 409
    assertContains(stale, "Version de Bob", status_code=409)
    assertContains(stale, "Ma version", status_code=409)
    structure.refresh_from_db()
    assert structure.description == "Version de Bob"
    again = client.post(url, stale.context["form"].data)
    assert again.status_code == 302
    structure.refresh_from_db()
    assert structure.description == "Ma version"


def test_search_ignores_accents_case_and_word_order(alice):
    _make(alice, name="Bains-douches municipaux", description="Douches gratuites, serviettes fournies")
    _make(alice, name="Épicerie solidaire", city="Villeurbanne", categories=["Épicerie solidaire"])
    client = login_client(alice)
    url = reverse("structures:directory")
    assert _names(client.get(url, {"q": "GRATUITES douche"})) == ["Bains-douches municipaux"]
    assert _names(client.get(url, {"q": "villeurbanne"})) == ["Épicerie solidaire"]
    assert _names(client.get(url, {"q": "epicerie"})) == ["Épicerie solidaire"]
    nothing = client.get(reverse("structures:directory"), {"q": "piscine"})
    assertContains(nothing, "Aucune structure ne correspond")


def test_filters_combine_categories_publics_and_open_now(alice):
    _make(alice, name="Douche du matin", categories=["Douche"], publics=["Femmes"], opening_hours="Mo-Fr 09:00-12:00")
    _make(alice, name="Douche du samedi", categories=["Douche"], publics=["Femmes"], opening_hours="Sa 10:00-12:00")
    _make(alice, name="Laverie", categories=["Laverie"], publics=["Hommes"], opening_hours="24/7")
    url = reverse("structures:directory")
    with time_machine.travel(WEDNESDAY_10AM, tick=False):
        client = login_client(alice)
        douche = client.get(url, {"categorie": ["Douche"]})
        opened = client.get(url, {"categorie": ["Douche"], "ouvert": "1"})
        either = client.get(url, {"categorie": ["Douche", "Laverie"], "public": ["Hommes"]})
    assert _names(douche) == ["Douche du matin", "Douche du samedi"]
    assert _names(opened) == ["Douche du matin"]
    assert _names(either) == ["Laverie"]
    assertContains(opened, "Ouvert")


def test_distance_sort_puts_the_nearest_first_and_unlocated_last(alice):
    _make(alice, name="Loin", latitude=45.80, longitude=4.90)
    _make(alice, name="Sans position")
    _make(alice, name="Près", latitude=45.7601, longitude=4.8271)
    client = login_client(alice)
    response = client.get(reverse("structures:directory"), {"tri": "distance", "lat": "45.76", "lon": "4.827"})
    assert _names(response) == ["Près", "Loin", "Sans position"]
    by_name = client.get(reverse("structures:directory"), {"tri": "distance", "lat": "999", "lon": "4"})
    assert _names(by_name) == ["Loin", "Près", "Sans position"]


def test_archived_structures_leave_the_search_and_come_back(alice):
    structure = _make(alice, name="Ancien accueil")
    client = login_client(alice)
    client.post(reverse("structures:archive", args=[structure.pk]), {"archiver": "1"})
    url = reverse("structures:directory")
    assert _names(client.get(url)) == []
    assert _names(client.get(url, {"archives": "1"})) == ["Ancien accueil"]
    client.post(reverse("structures:archive", args=[structure.pk]), {"archiver": "0"})
    assert _names(client.get(url)) == ["Ancien accueil"]


def test_delete_asks_first_then_deletes(alice):
    structure = _make(alice, name="Doublon")
    client = login_client(alice)
    assertContains(client.get(reverse("structures:delete", args=[structure.pk])), "Supprimer définitivement")
    assert Structure.objects.filter(pk=structure.pk).exists()
    response = client.post(reverse("structures:delete", args=[structure.pk]))
    assert response.status_code == 302
    assert not Structure.objects.filter(pk=structure.pk).exists()
    assert AuditEvent.objects.filter(action=AuditAction.STRUCTURE_DELETE).count() == 1


def test_members_manage_the_directory_only_when_the_organisation_allows_it(alice, bob, org_a):
    client = login_client(bob)
    assert client.get(reverse("structures:create")).status_code == 403
    admin = login_client(alice)
    admin.post(reverse("structures:settings"), {"structures_members_edit": "on"})
    org_a.organisation.refresh_from_db()
    assert org_a.organisation.structures_members_edit
    assert client.post(reverse("structures:create"), _form(name="Ajout de Bob")).status_code == 302
    assert Structure.objects.filter(name="Ajout de Bob", created_by=bob.user).exists()


def test_the_empty_directory_says_what_to_do(alice, bob):
    assertContains(login_client(alice).get(reverse("structures:directory")), "ajoutez une première structure")
    assertContains(login_client(bob).get(reverse("structures:directory")), "demandez à un administrateur")


def test_the_map_gets_markers_and_no_tile_server_by_default(alice):
    _make(alice, name="Avec position", latitude=45.76, longitude=4.83)
    response = login_client(alice).get(reverse("structures:directory"))
    assertContains(response, 'id="structures-markers"')
    assertContains(response, 'data-tiles=""')
    assertContains(response, "/static/leaflet/leaflet.js")


def test_unreadable_hours_already_stored_are_flagged_not_a_crash(alice):
    structure = _make(alice, name="Vieux horaires")
    Structure.objects.filter(pk=structure.pk).update(opening_hours="le lundi quand il fait beau")
    client = login_client(alice)
    page = client.get(reverse("structures:detail", args=[structure.pk]))
    assertContains(page, "le lundi quand il fait beau")
    assertContains(page, "Horaires à vérifier")
    assert client.get(reverse("structures:directory"), {"ouvert": "1"}).status_code == 200


def test_charlie_gets_404_on_alices_structures(alice, charlie):
    structure = _make(alice, name="Chez Alice")
    client = login_client(charlie)
    for name in ("detail", "edit", "delete", "refer"):
        assert client.get(reverse(f"structures:{name}", args=[structure.pk])).status_code == 404
    assert client.post(reverse("structures:archive", args=[structure.pk]), {"archiver": "1"}).status_code == 404
    assertNotContains(client.get(reverse("structures:directory")), "Chez Alice")


def test_unticking_the_members_switch_turns_it_off(alice, org_a):
    org_a.organisation.structures_members_edit = True
    org_a.organisation.save(update_fields=["structures_members_edit"])
    response = login_client(alice).post(reverse("structures:settings"), {})
    assert response.status_code == 302
    org_a.organisation.refresh_from_db()
    assert not org_a.organisation.structures_members_edit


def test_the_pager_keeps_the_search_and_filters(alice):
    for n in range(35):
        _make(alice, name=f"Douche {n:02d}", categories=["Douche"])
    response = login_client(alice).get(reverse("structures:directory"), {"q": "douche", "categorie": "Douche"})
    assertContains(response, "?q=douche&amp;categorie=Douche&page=2")
    second = login_client(alice).get(reverse("structures:directory"), {"q": "douche", "page": "2"})
    assert len(_names(second)) == 5
