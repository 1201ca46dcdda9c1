from __future__ import annotations

from django.urls import path

from mano.persons import views

app_name = "persons"

urlpatterns = [
    path("", views.person_list_view, name="list"),
    path("nouvelle/", views.person_create_view, name="create"),
    path("<uuid:person_id>/", views.person_detail_view, name="detail"),
    path("<uuid:person_id>/modifier/", views.person_edit_view, name="edit"),
]
