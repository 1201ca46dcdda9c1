"""Territory settings for admins: the switch, the types (grouped-list editor) and the observation fields (the
person-field editor). Reachable with territories off, so that an admin can prepare them before turning them on."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mano.core.http import AuthenticatedHttpRequest, admin_required
from mano.persons.selectors import fields as field_selectors
from mano.territories.fieldsets import OBSERVATION_FIELDS
from mano.territories.forms import SettingsForm
from mano.territories.services.settings import territories_enabled_set
from mano.territories.views.common import organisation_of


@require_http_methods(["GET", "POST"])
@admin_required
def settings_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = organisation_of(request)
    posted = request.POST if request.method == "POST" else None  # an unticked box posts nothing: still a save
    form = SettingsForm(posted, initial={"territories_enabled": organisation.territories_enabled})
    if request.method == "POST" and form.is_valid():
        enabled = form.cleaned_data["territories_enabled"]
        territories_enabled_set(user=request.user, enabled=enabled, request=request)
        messages.success(request, _("Réglage enregistré."))
        return redirect("territories:settings")
    context = {
        "form": form,
        "spec": OBSERVATION_FIELDS,
        "groups": field_selectors.settings_groups(organisation=organisation, spec=OBSERVATION_FIELDS),
        "groups_version": field_selectors.config_version(organisation, OBSERVATION_FIELDS.part),
    }
    return render(request, "territories/settings.html", context)
