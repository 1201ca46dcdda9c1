"""Repeat an action from this one on, change the rule of its series, or stop repeating."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from mano.agenda import selectors
from mano.agenda.forms_recurrence import RecurrenceForm, add_errors
from mano.agenda.models import Status
from mano.agenda.recurrence import Rule
from mano.agenda.reschedule import NOT_TO_DO, Rescheduled, reschedule_preview, series_reschedule
from mano.agenda.views.common import CHANGED_MEANWHILE, ROLES
from mano.core.http import AuthenticatedHttpRequest, member_required, posted_version
from mano.core.records import ConflictError


@require_http_methods(["GET", "POST"])
@member_required(roles=ROLES)
def action_repeat_view(request: AuthenticatedHttpRequest, action_id: UUID) -> HttpResponse:
    row = selectors.action_get(user=request.user, keyring=request.keyring, action_id=action_id)
    action, page = row.action, reverse("agenda:edit", args=[action_id])
    if action.status != Status.TODO:
        messages.error(request, NOT_TO_DO)
        return redirect(page)
    start = timezone.localtime(action.due_at)
    posted = request.POST if request.method == "POST" else None  # unticking everything still posts a choice
    form = RecurrenceForm(posted, start=start.date(), **_initial(row.data))
    form.initial.setdefault("repeat", True)  # a one-off action comes here to be repeated
    if request.method == "POST" and form.is_valid() and (checked := form.rule_from(start))[0]:
        if (
            request.POST.get("confirm") != "1"
            and (preview := reschedule_preview(action=action, rule=checked[1])).removed
        ):
            # Removing occurrences (and their comments) is asked for first, with the numbers.
            return render(request, "agenda/repeat.html", {"form": form, "row": row, "preview": _counts(preview)})
        try:
            done = series_reschedule(
                user=request.user,
                keyring=request.keyring,
                action=action,
                expected_version=posted_version(request),
                rule=checked[1],
                request=request,
            )
        except ConflictError:
            messages.error(request, CHANGED_MEANWHILE)
            return redirect(page)
        except ValidationError as exc:
            add_errors(exc, form)
        else:
            messages.success(request, _summary(done))
            return redirect(page)
    return render(request, "agenda/repeat.html", {"form": form, "row": row})


def _initial(data: dict[str, Any]) -> dict[str, Any]:
    """The form starts from the series' rule; a one-off action gets the form's defaults."""
    rule = Rule.from_payload(data.get("recurrence"))
    if rule is None:
        return {}
    return {
        "initial": {
            "repeat": True,
            "recurrence_interval": rule.interval,
            "recurrence_unit": rule.unit,
            "recurrence_weekdays": [str(d) for d in rule.weekdays],
            "recurrence_monthly": rule.monthly,
            "recurrence_end": rule.end,
        }
    }


def _counts(done: Rescheduled) -> str:
    """Only the counts that are not zero (French says "0 action", which ngettext's default rule would not)."""

    def part(singular: str, plural: str, n: int) -> str:
        return ngettext(singular, plural, n) % {"n": number_format(n, force_grouping=True)} if n else ""

    parts = [
        part("%(n)s action ajoutée", "%(n)s actions ajoutées", done.added),
        part("%(n)s action gardée", "%(n)s actions gardées", done.kept),
        part("%(n)s action supprimée", "%(n)s actions supprimées", done.removed),
    ]
    return ", ".join(p for p in parts if p) or _("aucune action ajoutée ni supprimée")


def _summary(done: Rescheduled) -> str:
    return _("Récurrence enregistrée : %(parts)s.") % {"parts": _counts(done)}
