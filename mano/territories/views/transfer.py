"""Transfer one territory into another: choose the target, read the numbers, confirm; the observations move and
the source territory is deleted."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from mano.core.http import AuthenticatedHttpRequest
from mano.territories import selectors
from mano.territories.access import MANAGE_ROLES, territories_required
from mano.territories.forms import TransferForm
from mano.territories.services import territories as services
from mano.territories.views.common import errors_to_form


@require_http_methods(["GET", "POST"])
@territories_required(MANAGE_ROLES)
def territory_transfer_view(request: AuthenticatedHttpRequest, territory_id: UUID) -> HttpResponse:
    user, keyring = request.user, request.keyring
    row = selectors.territory_get(user=user, keyring=keyring, territory_id=territory_id)
    named = selectors.territories_named(user=user, keyring=keyring)
    others = [(t, name) for t, name in named if t.pk != row.territory.pk]
    form = TransferForm(request.POST or None, targets=others)
    count = selectors.observation_count(row.territory)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        target_name = next(name for t, name in others if t.pk == target.pk)
        if request.POST.get("confirm") != "1":
            context = {"row": row, "target": target, "target_name": target_name, "count": count}
            return render(request, "territories/transfer_confirm.html", context)
        try:
            moved = services.territory_transfer(
                user=user, keyring=keyring, source=row.territory, target=target, request=request
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            done = ngettext(
                "%(count)s observation déplacée vers « %(target)s » ; « %(source)s » a été supprimé.",
                "%(count)s observations déplacées vers « %(target)s » ; « %(source)s » a été supprimé.",
                moved,
            )
            messages.success(request, done % {"count": moved, "target": target_name, "source": row.name})
            return redirect("territories:detail", target.pk)
    return render(request, "territories/transfer.html", {"row": row, "form": form, "count": count})
