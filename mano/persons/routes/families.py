from __future__ import annotations

from django.urls import path

from mano.persons.views import families

urlpatterns = [
    path("<uuid:person_id>/famille/ajouter/", families.family_add_view, name="family-add"),
    path("<uuid:person_id>/famille/<uuid:relation_id>/modifier/", families.family_edit_view, name="family-edit"),
    path("<uuid:person_id>/famille/<uuid:relation_id>/supprimer/", families.family_delete_view, name="family-delete"),
]
