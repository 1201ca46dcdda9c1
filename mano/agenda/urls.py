from __future__ import annotations

from django.urls import path

from mano.agenda.views import actions, calendar, detail, priorities

app_name = "agenda"

urlpatterns = [
    path("", calendar.day_view, name="day"),
    path("semaine/", calendar.week_view, name="week"),
    path("liste/", calendar.list_view, name="list"),
    path("nouvelle/", actions.action_create_view, name="create"),
    path("priorites/", priorities.priorities_view, name="priorities"),
    path("priorites/deprioriser/", priorities.deprioritize_view, name="deprioritize"),
    path("priorites/compte/", priorities.priority_badge_view, name="priority-badge"),
    path("<uuid:action_id>/", actions.action_edit_view, name="edit"),
    path("<uuid:action_id>/statut/", actions.action_status_view, name="status"),
    path("<uuid:action_id>/commentaires/ajouter/", detail.action_comment_add_view, name="comment-add"),
    path("<uuid:action_id>/dupliquer/", detail.action_duplicate_view, name="duplicate"),
]
