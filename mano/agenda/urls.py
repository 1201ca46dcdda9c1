from __future__ import annotations

from django.urls import path

from mano.agenda import views

app_name = "agenda"

urlpatterns = [
    path("", views.day_view, name="day"),
    path("semaine/", views.week_view, name="week"),
    path("liste/", views.list_view, name="list"),
    path("nouvelle/", views.action_create_view, name="create"),
    path("priorites/", views.priorities_view, name="priorities"),
    path("priorites/deprioriser/", views.deprioritize_view, name="deprioritize"),
    path("priorites/compte/", views.priority_badge_view, name="priority-badge"),
    path("<uuid:action_id>/", views.action_edit_view, name="edit"),
    path("<uuid:action_id>/statut/", views.action_status_view, name="status"),
]
