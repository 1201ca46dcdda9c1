"""Person forms: validation only."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Team
from mano.core.dates import check_range
from mano.persons import custom_fields
from mano.persons.models import GENDERS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Nom, prénom ou pseudonyme"), max_length=200)
    other_names = forms.CharField(label=_("Autres pseudos"), max_length=300, required=False)
    gender = forms.ChoiceField(label=_("Genre"), choices=[("", "—")] + [(g, g) for g in GENDERS], required=False)
    birth_date = forms.DateField(label=_("Date de naissance"), required=False, widget=DateInput())
    phone = forms.CharField(label=_("Téléphone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    in_street_since = forms.DateField(label=_("En rue depuis le"), required=False, widget=DateInput())
    followed_since = forms.DateField(label=_("Suivi·e depuis le"), required=False, widget=DateInput())
    vulnerable = forms.BooleanField(
        label=_("Personne très vulnérable, ou ayant besoin d'une attention particulière"), required=False
    )
    description = forms.CharField(label=_("Description"), max_length=10000, required=False, widget=forms.Textarea)
    teams = forms.ModelMultipleChoiceField(
        label=_("Équipes en charge"), queryset=Team.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, organisation: Any, restricted: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = Team.objects.filter(organisation=organisation)  # type: ignore[attr-defined]
        self.fields["teams"].error_messages["required"] = _("Choisissez au moins une équipe en charge.")
        if restricted:
            del self.fields["description"]

    def clean_birth_date(self) -> date | None:
        return check_range(self.cleaned_data.get("birth_date"))

    def clean_in_street_since(self) -> date | None:
        return check_range(self.cleaned_data.get("in_street_since"))

    def clean_followed_since(self) -> date | None:
        return check_range(self.cleaned_data.get("followed_since"))

    def fixed_values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "teams")}


class CustomFieldsForm(forms.Form):
    """The custom fields of one or more groups, as enabled for the current team. Field names are `c_<key>`."""

    def __init__(self, *args: Any, groups: list[dict[str, Any]], team_id: str | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definitions: dict[str, dict[str, Any]] = {}
        for group in groups:
            for field in group.get("fields", []):
                if custom_fields.enabled_for(field, team_id):
                    self.fields[f"c_{field['key']}"] = custom_fields.form_field(field)
                    self.definitions[field["key"]] = field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in data.items():
            if hasattr(value, "year"):
                try:
                    check_range(value)
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        return data

    def custom_values(self) -> dict[str, Any]:
        return {name[2:]: custom_fields.to_payload(v) for name, v in self.cleaned_data.items()}


def custom_initial(custom: dict[str, Any]) -> dict[str, Any]:
    return {f"c_{key}": value for key, value in custom.items()}


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=200)
