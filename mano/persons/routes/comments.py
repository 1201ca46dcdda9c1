from __future__ import annotations

from django.urls import URLPattern, path

from mano.persons.views import comments

urlpatterns: list[URLPattern] = [
    path("<uuid:person_id>/commentaires/", comments.comment_list_view, name="comments"),
    path("<uuid:person_id>/commentaires/ajouter/", comments.comment_add_view, name="comment-add"),
    path("<uuid:person_id>/commentaires/<uuid:comment_id>/modifier/", comments.comment_edit_view, name="comment-edit"),
    path(
        "<uuid:person_id>/commentaires/<uuid:comment_id>/supprimer/",
        comments.comment_delete_view,
        name="comment-delete",
    ),
]
