from __future__ import annotations

from django.urls import URLPattern, path

from mano.persons.views import passages

PASSAGE, RENCONTRE = {"kind": "passage"}, {"kind": "rencontre"}

urlpatterns: list[URLPattern] = [
    path("passages/", passages.passages_view, name="passages"),
    path("<uuid:person_id>/passages/", passages.person_encounters_view, name="person-passages"),
    path("<uuid:person_id>/passages/ajouter/", passages.encounter_add_view, PASSAGE, name="passage-add"),
    path("<uuid:person_id>/rencontres/ajouter/", passages.encounter_add_view, RENCONTRE, name="rencontre-add"),
    path("passages/<uuid:record_id>/modifier/", passages.encounter_edit_view, PASSAGE, name="passage-edit"),
    path("rencontres/<uuid:record_id>/modifier/", passages.encounter_edit_view, RENCONTRE, name="rencontre-edit"),
    path("passages/<uuid:record_id>/supprimer/", passages.encounter_delete_view, PASSAGE, name="passage-delete"),
    path("rencontres/<uuid:record_id>/supprimer/", passages.encounter_delete_view, RENCONTRE, name="rencontre-delete"),
]
