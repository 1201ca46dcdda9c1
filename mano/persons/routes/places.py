from __future__ import annotations

from django.urls import path

from mano.persons.views import places

urlpatterns = [
    path("lieux/", places.place_list_view, name="places"),
    path("lieux/<uuid:place_id>/modifier/", places.place_edit_view, name="place-edit"),
    path("lieux/<uuid:place_id>/supprimer/", places.place_delete_view, name="place-delete"),
    path("<uuid:person_id>/lieux/ajouter/", places.place_add_view, name="place-add"),
    path("<uuid:person_id>/lieux/<uuid:link_id>/retirer/", places.place_remove_view, name="place-remove"),
]
