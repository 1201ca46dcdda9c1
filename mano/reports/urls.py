"""/comptes-rendus/…: the daily reports, their calendar, periods, print and PDF."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from mano.agenda.views.categories import category_patterns
from mano.reports.collaborations import COLLABORATIONS
from mano.reports.views import day, note

app_name = "reports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", day.calendar_view, name="calendar"),
    path("aujourdhui/", day.today_view, name="today"),
    path("jour/<str:day>/", day.day_view, name="day"),
    path("jour/<str:day>/transmission/", note.note_view, name="note"),
    path("periode/", day.period_view, name="period"),
    path("imprimer/", day.print_view, name="print"),
    path("pdf/", day.pdf_view, name="pdf"),
]

editors: list[URLResolver] = [
    path("comptes-rendus/reglages/co-interventions/", include((category_patterns(COLLABORATIONS), "collaborations"))),
]
