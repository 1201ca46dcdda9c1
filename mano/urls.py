from __future__ import annotations

from django.urls import include, path

from mano.medical.urls import editors as medical_editors
from mano.reports.urls import editors as report_editors
from mano.territories.urls import editors as territory_editors

urlpatterns = [
    path("", include("mano.accounts.urls")),
    path("personnes/", include("mano.persons.urls")),
    path("agenda/", include("mano.agenda.urls")),
    path("structures/", include("mano.structures.urls")),
    path("sante/", include("mano.medical.urls")),
    path("comptes-rendus/", include("mano.reports.urls")),
    path("territoires/", include("mano.territories.urls")),
    path("statistiques/", include("mano.stats.urls")),
    *medical_editors,
    *report_editors,
    *territory_editors,
]
