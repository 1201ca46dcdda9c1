"""Forms of the medical half. Custom fields are those of the medical file, or of the chosen consultation type."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Organisation, Team
from mano.agenda.forms import DateTimeInput
from mano.core.dates import check_range
from mano.medical.models import Status
from mano.medical.services.consultations import DUE_REQUIRED, TYPE_REQUIRED, ConsultationInput, active_types
from mano.medical.services.treatments import NAME_REQUIRED, START_REQUIRED, TreatmentInput
from mano.persons import custom_fields
from mano.persons.forms import CustomFieldsForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConsultationForm(CustomFieldsForm):
    """The fixed fields, then the fields of every type; the page shows only the chosen type's (`data-type`)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    type = forms.ChoiceField(label=_("Type"), error_messages={"required": TYPE_REQUIRED})
    name = forms.CharField(label=_("Nom (facultatif)"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Statut"), choices=Status.choices, initial=Status.TODO)
    due_at = forms.DateTimeField(
        label=_("Date prévue"), widget=DateTimeInput(), error_messages={"required": DUE_REQUIRED}
    )
    completed_at = forms.DateTimeField(
        label=_("Date réalisée"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Remplie automatiquement quand la consultation passe à « Faite »."),
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Équipe(s) en charge"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    only_me = forms.BooleanField(
        label=_("Seulement visible par moi"),
        required=False,
        help_text=_(
            "Les autres professionnel·les de santé verront seulement qu’une consultation existe, sans son contenu."
        ),
    )

    def __init__(self, *args: Any, organisation: Organisation, current_type: str | None = None, **kwargs: Any) -> None:
        types = organisation.consultation_types
        super().__init__(*args, groups=types, team_id=None, **kwargs)
        names = active_types(organisation)
        if current_type and current_type not in names:
            names.append(current_type)  # an archived type stays on the consultations that have it
        self.fields["type"].choices = [("", "—"), *[(n, n) for n in names]]  # type: ignore[attr-defined]
        self.fields["teams"].queryset = Team.objects.filter(organisation=organisation)  # type: ignore[attr-defined]
        self.type_of = {f"c_{f['key']}": t["name"] for t in types for f in t.get("fields", [])}
        for name, type_name in self.type_of.items():
            self.fields[name].required = False  # required is checked for the chosen type only
            self.fields[name].widget.attrs["data-consultation-type"] = type_name
        self.required_of = {f"c_{f['key']}": bool(f.get("required")) for t in types for f in t.get("fields", [])}
        self.order_fields(["type", "name", "status", "due_at", "completed_at", "teams", "only_me"])

    def clean_due_at(self) -> Any:
        return check_range(self.cleaned_data.get("due_at"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = data.get("type")
        for name, type_name in self.type_of.items():
            if type_name == chosen and self.required_of[name] and data.get(name) in (None, "", []):
                self.add_error(name, _("Ce champ est obligatoire."))
        return data

    def values(self) -> ConsultationInput:
        data = self.cleaned_data
        chosen = data.get("type") or ""
        custom = {name[2:]: custom_fields.to_payload(data.get(name)) for name, t in self.type_of.items() if t == chosen}
        return ConsultationInput(
            type=chosen,
            due_at=data.get("due_at"),
            status=data.get("status") or Status.TODO,
            name=data.get("name") or "",
            completed_at=data.get("completed_at"),
            teams=data.get("teams") or [],
            only_me=bool(data.get("only_me")),
            custom=custom,
        )


class TreatmentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Nom"), max_length=1000, error_messages={"required": NAME_REQUIRED})
    dosage = forms.CharField(label=_("Dosage"), max_length=1000, required=False)
    frequency = forms.CharField(label=_("Fréquence"), max_length=1000, required=False)
    indication = forms.CharField(label=_("Indication"), max_length=1000, required=False)
    start = forms.DateField(label=_("Date de début"), widget=DATE, error_messages={"required": START_REQUIRED})
    end = forms.DateField(label=_("Date de fin"), widget=DATE, required=False)

    def clean_start(self) -> Any:
        return check_range(self.cleaned_data.get("start"))

    def clean_end(self) -> Any:
        return check_range(self.cleaned_data.get("end"))

    def values(self) -> TreatmentInput:
        data = self.cleaned_data
        return TreatmentInput(
            name=data.get("name") or "",
            start=data.get("start"),
            end=data.get("end"),
            dosage=data.get("dosage") or "",
            frequency=data.get("frequency") or "",
            indication=data.get("indication") or "",
        )


class MedicalCommentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label=_("Commentaire"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Le commentaire est obligatoire.")},
    )
    urgent = forms.BooleanField(
        label=_("Commentaire prioritaire"),
        required=False,
        help_text=_("Il apparaîtra dans les priorités des professionnel·les de santé de l’équipe."),
    )
