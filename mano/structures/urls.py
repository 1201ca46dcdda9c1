from __future__ import annotations

from django.urls import include, path

from mano.agenda.views.categories import category_patterns
from mano.structures.categories import STRUCTURE_CATEGORIES
from mano.structures.views import directory, exchange, manage, refer

app_name = "structures"

urlpatterns = [
    path("", directory.directory_view, name="directory"),
    path("nouvelle/", manage.structure_create_view, name="create"),
    path("reglages/", manage.settings_view, name="settings"),
    path("reglages/categories/", include(category_patterns(STRUCTURE_CATEGORIES))),
    path("reglages/import/", exchange.import_view, name="import"),
    path("reglages/export/", exchange.export_view, name="export"),
    path("reglages/modele/", exchange.template_view, name="template"),
    path("<uuid:structure_id>/", directory.structure_view, name="detail"),
    path("<uuid:structure_id>/modifier/", manage.structure_edit_view, name="edit"),
    path("<uuid:structure_id>/archiver/", manage.structure_archive_view, name="archive"),
    path("<uuid:structure_id>/supprimer/", manage.structure_delete_view, name="delete"),
    path("<uuid:structure_id>/orienter/", refer.refer_view, name="refer"),
]
