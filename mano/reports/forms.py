"""Forms of the reports: the handover note of one team's day, and a period."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Organisation
from mano.core.dates import check_range
from mano.reports.models import Report
from mano.reports.scope import ReportScope, checked_period

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Transmission"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Comment s’est passée la journée ? Ce qu’il faut savoir pour la suite."),
    )
    collaborations = forms.MultipleChoiceField(
        label=_("Co-interventions"), required=False, widget=forms.CheckboxSelectMultiple
    )
    new_collaboration = forms.CharField(
        label=_("Nouvelle co-intervention"),
        required=False,
        max_length=120,
        help_text=_("Ajoutée à la liste de l’organisation et cochée pour ce jour."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    base_note = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20000, strip=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = [name for group in organisation.collaborations for name in group["items"]]
        chosen = [c for c in (self.initial.get("collaborations") or []) if c not in names]
        self.fields["collaborations"].choices = [(n, n) for n in [*names, *chosen]]  # type: ignore[attr-defined]

    @staticmethod
    def initial_of(report: Report | None, data: dict[str, Any]) -> dict[str, Any]:
        note = str(data.get("note") or "")
        return {
            "note": note,
            "base_note": note,
            "collaborations": data.get("collaborations") or [],
            "version": report.version if report else 0,
        }


class PeriodForm(forms.Form):
    du = forms.DateField(label=_("Du"), widget=DATE)
    au = forms.DateField(label=_("Au"), widget=DATE)

    def clean_du(self) -> Any:
        return check_range(self.cleaned_data.get("du"))

    def clean_au(self) -> Any:
        return check_range(self.cleaned_data.get("au"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("du") and data.get("au") and data["au"] < data["du"]:
            self.add_error("au", _("La fin de la période ne peut pas précéder son début."))
        return data

    def check_length(self, scope: ReportScope) -> None:
        checked_period(scope.first, scope.last, whole=scope.whole)
