from __future__ import annotations

from django.urls import path

from mano.persons.views import lifecycle

urlpatterns = [
    path("<uuid:person_id>/file-active/sortie/", lifecycle.active_list_exit_view, name="active-out"),
    path("<uuid:person_id>/file-active/reintegration/", lifecycle.active_list_rejoin_view, name="active-in"),
    path("<uuid:person_id>/fusionner/", lifecycle.merge_choose_view, name="merge-choose"),
    path("<uuid:person_id>/fusionner/<uuid:other_id>/", lifecycle.merge_view, name="merge"),
    path("<uuid:person_id>/supprimer/", lifecycle.person_delete_view, name="delete"),
]
