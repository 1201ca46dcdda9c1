from __future__ import annotations

from django.urls import include, path

from mano.agenda.categories import ACTIONS
from mano.agenda.views import (
    actions,
    calendar,
    detail,
    person_options,
    priorities,
    reception,
    reception_settings,
    repeat,
)
from mano.agenda.views import categories as category_views
from mano.agenda.views.delete import action_delete_view

app_name = "agenda"

urlpatterns = [
    path("", calendar.day_view, name="day"),
    path("semaine/", calendar.week_view, name="week"),
    path("liste/", calendar.list_view, name="list"),
    path("nouvelle/", actions.action_create_view, name="create"),
    path("nouvelle/personnes/", person_options.person_options_view, name="person-options"),
    path("priorites/", priorities.priorities_view, name="priorities"),
    path("priorites/deprioriser/", priorities.deprioritize_view, name="deprioritize"),
    path("priorites/compte/", priorities.priority_badge_view, name="priority-badge"),
    path("accueil/", reception.reception_view, name="reception"),
    path("accueil/selection/", reception.reception_selection_view, name="reception-selection"),
    path("accueil/personne/", reception.reception_person_view, name="reception-person"),
    path("accueil/passage-anonyme/", reception.reception_anonymous_view, name="reception-anonymous"),
    path("accueil/compteurs/<uuid:team_id>/<str:day>/", reception.reception_count_view, name="reception-count"),
    path("accueil/reglages/", reception_settings.reception_settings_view, name="reception-settings"),
    path("accueil/reglages/groupe/", reception_settings.service_group_view, name="reception-service-group"),
    path("accueil/reglages/service/", reception_settings.service_view, name="reception-service"),
    path("reglages/categories/", include(category_views.category_patterns(ACTIONS))),
    path("<uuid:action_id>/", actions.action_edit_view, name="edit"),
    path("<uuid:action_id>/statut/", actions.action_status_view, name="status"),
    path("<uuid:action_id>/supprimer/", action_delete_view, name="delete"),
    path("<uuid:action_id>/commentaires/ajouter/", detail.action_comment_add_view, name="comment-add"),
    path("<uuid:action_id>/dupliquer/", detail.action_duplicate_view, name="duplicate"),
    path("<uuid:action_id>/repeter/", repeat.action_repeat_view, name="repeat"),
]
