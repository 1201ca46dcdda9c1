"""The structures' category groups: the action categories' editor, on the organisation's structure list."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from mano.agenda.categories import config_version
from mano.structures.categories import STRUCTURE_CATEGORIES
from mano.structures.models import Structure
from mano.structures.services import structure_create
from mano.testing import login_client

pytestmark = pytest.mark.django_db


def _version(org):
    org.organisation.refresh_from_db()
    return config_version(org.organisation, STRUCTURE_CATEGORIES)


def test_the_page_lists_the_default_groups_with_structure_wording(alice):
    page = login_client(alice).get(reverse("structures:categories"))
    assertContains(page, "Catégories des structures")
    assertContains(page, "Addictions / RdR")
    assertContains(page, "les structures qui l’ont déjà la gardent")


def test_renaming_a_category_asks_first_then_rewrites_every_structure_using_it(alice, org_a):
    douche = structure_create(user=alice.user, data={"name": "Bains", "categories": ["Douche", "Laverie"]})
    archived = structure_create(user=alice.user, data={"name": "Ancien", "categories": ["Douche"]})
    Structure.objects.filter(pk=archived.pk).update(archived_at="2026-01-01T00:00:00Z")
    structure_create(user=alice.user, data={"name": "Autre", "categories": ["Laverie"]})
    client = login_client(alice)
    url = reverse("structures:category-edit") + "?" + urlencode({"nom": "Douche"})
    confirm = client.post(url, {"name": "Douches", "version": _version(org_a)})
    assertContains(confirm, "2 structures utilisent « Douche » : elles seront réécrites")
    assert Structure.objects.get(pk=douche.pk).categories == ["Douche", "Laverie"]
    done = client.post(url, {"name": "Douches", "version": _version(org_a), "confirm": "1"}, follow=True)
    assertContains(done, "structures mises à jour")
    douche.refresh_from_db()
    assert douche.categories == ["Douches", "Laverie"]
    assert "|categories:douches|" in douche.facets and "douches" in douche.search_text
    assert Structure.objects.get(pk=archived.pk).categories == ["Douches"]
    org_a.organisation.refresh_from_db()
    assert "Douches" in org_a.organisation.structure_categories[2]["items"]
    assert org_a.organisation.action_categories == [{"group": "Toutes mes catégories", "items": []}]


def test_merging_into_an_existing_category_keeps_one(alice, org_a):
    both = structure_create(user=alice.user, data={"name": "Bains", "categories": ["Douche", "Toilettes"]})
    client = login_client(alice)
    url = reverse("structures:category-edit") + "?" + urlencode({"nom": "Toilettes"})
    client.post(url, {"name": "douche", "version": _version(org_a), "confirm": "1"})
    both.refresh_from_db()
    assert both.categories == ["Douche"]


def test_a_stale_form_changes_nothing(alice, org_a):
    client = login_client(alice)
    response = client.post(reverse("structures:category-group-add"), {"name": "Culture", "version": "vieux"})
    assert response.status_code == 302
    org_a.organisation.refresh_from_db()
    assert all(g["group"] != "Culture" for g in org_a.organisation.structure_categories)


def test_adding_a_group_and_a_category_offers_it_on_the_form(alice, org_a):
    client = login_client(alice)
    client.post(reverse("structures:category-group-add"), {"name": "Culture", "version": _version(org_a)})
    client.post(
        reverse("structures:category-add"), {"group": "Culture", "name": "Bibliothèque", "version": _version(org_a)}
    )
    assertContains(client.get(reverse("structures:create")), 'value="Bibliothèque"')
