"""Forms of the reception desk and its settings: validation only, the services check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Organisation, Team
from mano.agenda.reception import COUNT_RANGE, MAX_COUNT
from mano.core.grouped import MAX_LENGTH


class ReceptionToggleForm(forms.Form):
    reception_enabled = forms.BooleanField(
        label=_("Activer l’accueil de jour"),
        required=False,
        help_text=_(
            "Pour enregistrer les passages et les services proposés par votre organisation. "
            "Un menu « Accueil de jour » apparaîtra dans la navigation."
        ),
    )


class ServiceTeamsForm(forms.Form):
    teams = forms.ModelMultipleChoiceField(
        label=_("Équipes qui proposent ce service"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Toutes les équipes cochées : le service sera aussi proposé aux équipes créées plus tard."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = Team.objects.filter(organisation=organisation)  # type: ignore[attr-defined]


class CounterForm(forms.Form):
    """One click on a counter: a delta (−1, +1) or a new absolute count."""

    service = forms.CharField(max_length=MAX_LENGTH)
    delta = forms.IntegerField(required=False, min_value=-MAX_COUNT, max_value=MAX_COUNT)
    count = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_COUNT,
        error_messages={"min_value": COUNT_RANGE, "max_value": COUNT_RANGE},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("delta") is None and data.get("count") is None and not self.errors:
            raise forms.ValidationError(COUNT_RANGE)
        return data
