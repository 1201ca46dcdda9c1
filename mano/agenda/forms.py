"""Action forms: validation only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Team
from mano.agenda.categories import categories_of
from mano.agenda.category_picker import CategoriesField
from mano.agenda.models import Status
from mano.core.dates import check_range
from mano.persons.models import Person


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class ActionForm(forms.Form):
    name = forms.CharField(label=_("Nom de l’action"), max_length=300)
    persons = forms.ModelMultipleChoiceField(
        label=_("Personne(s) suivie(s)"), queryset=Person.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    due_at = forms.DateTimeField(label=_("À faire le"), widget=DateTimeInput())
    with_time = forms.BooleanField(label=_("Montrer l’heure"), required=False)
    teams = forms.ModelMultipleChoiceField(
        label=_("Équipe(s) en charge"), queryset=Team.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    urgent = forms.BooleanField(label=_("Action prioritaire"), required=False)
    family = forms.BooleanField(
        label=_("Action familiale"),
        required=False,
        help_text=_("Cette action sera à effectuer pour toute la famille."),
    )
    categories = CategoriesField(label=_("Catégorie(s)"), required=False)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )
    comment = forms.CharField(
        label=_("Commentaire (optionnel)"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Chaque personne reçoit sa propre copie du commentaire."),
    )

    def __init__(self, *args: Any, persons: Any, organisation: Any, restricted: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["persons"].queryset = persons  # type: ignore[attr-defined]
        self.fields["teams"].queryset = Team.objects.filter(organisation=organisation)  # type: ignore[attr-defined]
        self.fields["name"].error_messages["required"] = _("Le nom est obligatoire.")
        self.fields["persons"].error_messages["required"] = _("La personne suivie est obligatoire.")
        self.fields["persons"].error_messages["invalid_choice"] = _(
            "Une des personnes choisies n’existe plus ou n’est pas de votre organisation : choisissez-la à nouveau."
        )
        self.fields["teams"].error_messages["required"] = _("Une action doit être associée à au moins une équipe.")
        self.fields["due_at"].error_messages["required"] = _("La date d’échéance est obligatoire.")
        picker: Any = self.fields["categories"]
        picker.configure(categories_of(organisation), self.initial.get("categories"))
        if restricted:
            del self.fields["description"], self.fields["comment"]

    def clean_due_at(self) -> datetime:
        return check_range(self.cleaned_data["due_at"])  # type: ignore[return-value]

    def category_list(self) -> list[str]:
        return list(dict.fromkeys(self.cleaned_data.get("categories") or []))

    def action_fields(self) -> dict[str, Any]:
        """What the create, edit and duplicate services take from this form (the family flag only when
        the form offered it)."""
        data = self.cleaned_data
        fields = {
            "name": data["name"],
            "teams": data["teams"],
            "due_at": data["due_at"],
            "with_time": data["with_time"],
            "urgent": data["urgent"],
            "description": data.get("description", ""),
            "categories": self.category_list(),
        }
        if "family" in self.fields:
            fields["family"] = data.get("family", False)
        return fields


class ActionEditForm(ActionForm):
    status = forms.ChoiceField(label=_("Statut"), choices=Status.choices)
    completed_at = forms.DateTimeField(
        label=_("Faite ou annulée le"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Vide : maintenant, si le statut change."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["persons"]
        self.fields.pop("comment", None)

    def clean_completed_at(self) -> datetime | None:
        return check_range(self.cleaned_data.get("completed_at"))  # type: ignore[return-value]
