from __future__ import annotations

from django.urls import include, path

from mano.persons.views import persons

app_name = "persons"

urlpatterns = [
    path("", persons.person_list_view, name="list"),
    path("nouvelle/", persons.person_create_view, name="create"),
    path("<uuid:person_id>/", persons.person_detail_view, name="detail"),
    path("<uuid:person_id>/modifier/", persons.person_edit_view, name="edit"),
    path("<uuid:person_id>/groupe/<int:group_index>/", persons.person_group_edit_view, name="group-edit"),
    path("<uuid:person_id>/historique/", persons.person_history_view, name="history"),
    path("<uuid:person_id>/imprimer/", persons.person_print_view, name="print"),
    path("", include("mano.persons.routes.comments")),
    path("", include("mano.persons.routes.passages")),
    path("", include("mano.persons.routes.documents")),
    path("", include("mano.persons.routes.families")),
    path("", include("mano.persons.routes.places")),
    path("", include("mano.persons.routes.lifecycle")),
    path("", include("mano.persons.routes.fields")),
]
