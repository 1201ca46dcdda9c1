"""Medical settings for admins: the medical file's fields and the consultation types, with the person-field editor.

Admins without the health flag see and extend them, but renames that rewrite health rows ask for a health
professional (the editor's services refuse them without K_health)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from mano.core.http import AuthenticatedHttpRequest, admin_required
from mano.medical.access import request_is_health
from mano.medical.fieldsets import CONSULTATION_TYPES, MEDICAL_FIELDS
from mano.persons.selectors import fields as selectors


@require_http_methods(["GET"])
@admin_required
def settings_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = request.user.organisation
    assert organisation is not None
    sets = [
        (
            spec,
            selectors.settings_groups(organisation=organisation, spec=spec),
            selectors.config_version(organisation, spec.part),
        )
        for spec in (MEDICAL_FIELDS, CONSULTATION_TYPES)
    ]
    context = {"sets": sets, "health": request_is_health(request)}
    return render(request, "medical/settings.html", context)
