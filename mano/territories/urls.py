"""/territoires/…: territories and their observations, and their settings (types, observation fields)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from mano.agenda.views.categories import category_patterns
from mano.persons.views.fields import field_patterns
from mano.territories.fieldsets import OBSERVATION_FIELDS
from mano.territories.types import TERRITORY_TYPES
from mano.territories.views import observations, settings, territories, transfer

app_name = "territories"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", territories.territory_list_view, name="list"),
    path("nouveau/", territories.territory_create_view, name="create"),
    path("reglages/", settings.settings_view, name="settings"),
    path("reglages/types/", include(category_patterns(TERRITORY_TYPES))),
    path("<uuid:territory_id>/", territories.territory_view, name="detail"),
    path("<uuid:territory_id>/modifier/", territories.territory_edit_view, name="edit"),
    path("<uuid:territory_id>/archiver/", territories.territory_archive_view, name="archive"),
    path("<uuid:territory_id>/supprimer/", territories.territory_delete_view, name="delete"),
    path("<uuid:territory_id>/transferer/", transfer.territory_transfer_view, name="transfer"),
    path("<uuid:territory_id>/observations/ajouter/", observations.observation_add_view, name="observation-add"),
    path("observations/<uuid:observation_id>/", observations.observation_edit_view, name="observation"),
    path(
        "observations/<uuid:observation_id>/supprimer/",
        observations.observation_delete_view,
        name="observation-delete",
    ),
]

# The person-field editor on the observation fields, under its own namespace.
editors: list[URLResolver] = [
    path("territoires/reglages/observations/", include((field_patterns(OBSERVATION_FIELDS), "observation-fields"))),
]
