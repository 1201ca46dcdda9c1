from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("", include("mano.core.urls")),
    path("", include("mano.accounts.urls")),
    path("personnes/", include("mano.persons.urls")),
    path("agenda/", include("mano.agenda.urls")),
    path("structures/", include("mano.structures.urls")),
]
