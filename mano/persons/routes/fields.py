"""Person settings for admins: /personnes/reglages/…"""

from __future__ import annotations

from django.urls import URLPattern, path

from mano.persons.fieldsets import PERSON_FIELDS
from mano.persons.views import fields as views

urlpatterns: list[URLPattern] = [
    path("reglages/", views.settings_view, name="settings"),
    path("reglages/fonctionnalites/", views.features_view, name="settings-features"),
    path("reglages/motifs-de-sortie/", views.reasons_view, name="settings-reasons"),
    *[
        path(f"reglages/{p.pattern}", p.callback, p.default_args, name=p.name)
        for p in views.field_patterns(PERSON_FIELDS)
    ],
]
