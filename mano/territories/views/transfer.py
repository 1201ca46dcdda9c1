"""Transfer one territory into another: choose the target, read the numbers, confirm; the observations move and
the source territory is deleted."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from mano.core.http import AuthenticatedHttpRequest
from mano.core.records import ConflictError
from mano.territories import selectors
from mano.territories.access import MANAGE_ROLES, territories_required
from mano.territories.forms import TransferForm
from mano.territories.services import territories as services
from mano.territories.views.common import errors_to_form

CHANGED_MEANWHILE = gettext_lazy(
    "Un des deux territoires vient d’être modifié par quelqu’un d’autre : rien n’a été déplacé. Recommencez."
)


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
        except ConflictError:
            form.add_error(None, CHANGED_MEANWHILE)
        else:
            # Names stay out of flash messages (they may be stored in the session): the page shows the target.
            done = ngettext(
                "%(count)s observation déplacée ici ; l’autre territoire a été supprimé.",
                "%(count)s observations déplacées ici ; l’autre territoire a été supprimé.",
                moved,
            )
            messages.success(request, done % {"count": moved})
            return redirect("territories:detail", target.pk)
    return render(request, "territories/transfer.html", {"row": row, "form": form, "count": count})
