"""Person settings for admins: /personnes/reglages/…"""

from __future__ import annotations

from django.urls import URLPattern, path

from mano.persons.views import fields as views

urlpatterns: list[URLPattern] = [
    path("reglages/", views.settings_view, name="settings"),
    path("reglages/fonctionnalites/", views.features_view, name="settings-features"),
    path("reglages/motifs-de-sortie/", views.reasons_view, name="settings-reasons"),
    path("reglages/groupes/ajouter/", views.group_add_view, name="field-group-add"),
    path("reglages/groupes/<int:group_index>/", views.group_edit_view, name="field-group-edit"),
    path("reglages/groupes/<int:group_index>/supprimer/", views.group_delete_view, name="field-group-delete"),
    path("reglages/groupes/<int:group_index>/deplacer/", views.group_move_view, name="field-group-move"),
    path("reglages/groupes/<int:group_index>/ajouter-un-champ/", views.field_add_view, name="field-add"),
    path("reglages/champs/<str:key>/", views.field_edit_view, name="field-edit"),
    path("reglages/champs/<str:key>/supprimer/", views.field_delete_view, name="field-delete"),
    path("reglages/champs/<str:key>/deplacer/", views.field_move_view, name="field-move"),
    path("reglages/champs/<str:key>/renommer-un-choix/", views.choice_rename_view, name="field-choice-rename"),
]
