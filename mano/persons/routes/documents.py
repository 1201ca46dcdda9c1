from __future__ import annotations

from django.urls import path

from mano.persons.views import documents

urlpatterns = [
    path("<uuid:person_id>/documents/ajouter/", documents.document_add_view, name="document-add"),
    path("<uuid:person_id>/documents/<uuid:document_id>/", documents.document_edit_view, name="document-edit"),
    path(
        "<uuid:person_id>/documents/<uuid:document_id>/telecharger/",
        documents.document_download_view,
        name="document-download",
    ),
    path("<uuid:person_id>/documents/<uuid:document_id>/ouvrir/", documents.document_open_view, name="document-open"),
    path(
        "<uuid:person_id>/documents/<uuid:document_id>/supprimer/",
        documents.document_delete_view,
        name="document-delete",
    ),
    path("<uuid:person_id>/documents/dossiers/ajouter/", documents.folder_add_view, name="document-folder-add"),
    path(
        "<uuid:person_id>/documents/dossiers/<uuid:folder_id>/",
        documents.folder_edit_view,
        name="document-folder-edit",
    ),
    path(
        "<uuid:person_id>/documents/dossiers/<uuid:folder_id>/supprimer/",
        documents.folder_delete_view,
        name="document-folder-delete",
    ),
]
