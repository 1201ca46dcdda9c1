"""/sante/…: the medical half, for health professionals (and its settings, for admins)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from mano.medical.fieldsets import CONSULTATION_TYPES, MEDICAL_FIELDS
from mano.medical.views import comments, consultations, documents, file, settings, treatments
from mano.persons.views.fields import field_patterns

app_name = "medical"

urlpatterns: list[URLPattern | URLResolver] = [
    path("personnes/<uuid:person_id>/dossier/", file.file_edit_view, name="file-edit"),
    path("personnes/<uuid:person_id>/historique/", file.file_history_view, name="file-history"),
    path("personnes/<uuid:person_id>/imprimer/", file.file_print_view, name="file-print"),
    path(
        "personnes/<uuid:person_id>/consultations/ajouter/",
        consultations.consultation_add_view,
        name="consultation-add",
    ),
    path("consultations/<uuid:consultation_id>/", consultations.consultation_view, name="consultation"),
    path(
        "consultations/<uuid:consultation_id>/supprimer/",
        consultations.consultation_delete_view,
        name="consultation-delete",
    ),
    path("personnes/<uuid:person_id>/traitements/ajouter/", treatments.treatment_add_view, name="treatment-add"),
    path("traitements/<uuid:treatment_id>/", treatments.treatment_view, name="treatment"),
    path("traitements/<uuid:treatment_id>/supprimer/", treatments.treatment_delete_view, name="treatment-delete"),
    path("personnes/<uuid:person_id>/commentaires/ajouter/", comments.comment_add_view, name="comment-add"),
    path("commentaires/<uuid:comment_id>/", comments.comment_edit_view, name="comment"),
    path("personnes/<uuid:person_id>/documents/ajouter/", documents.document_add_view, name="document-add"),
    path("documents/<uuid:document_id>/", documents.document_open_view, name="document"),
    path("documents/<uuid:document_id>/supprimer/", documents.document_delete_view, name="document-delete"),
    path("personnes/<uuid:person_id>/dossiers/ajouter/", documents.folder_add_view, name="folder-add"),
    path(
        "personnes/<uuid:person_id>/dossiers/<str:folder_id>/supprimer/",
        documents.folder_delete_view,
        name="folder-delete",
    ),
    path("reglages/", settings.settings_view, name="settings"),
]

# The person-field editor, once for each medical field set, each under its own namespace.
editors: list[URLResolver] = [
    path("sante/reglages/dossier/", include((field_patterns(MEDICAL_FIELDS), "medical-fields"))),
    path("sante/reglages/consultations/", include((field_patterns(CONSULTATION_TYPES), "consultation-types"))),
]
