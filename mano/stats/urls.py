"""/statistiques/: the statistics page (its tab and filters are in the query) and the persons behind a row."""

from __future__ import annotations

from django.urls import path

from mano.stats import views

app_name = "stats"

urlpatterns = [
    path("", views.stats_view, name="page"),
    path("detail/", views.detail_view, name="detail"),
    path("export.xlsx", views.export_view, name="export"),
    path("imprimer/", views.print_view, name="print"),
]
