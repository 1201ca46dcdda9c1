"""Forms of the directory: field types only; the rules (unique name, hours syntax, ranges) are in the services,
shared with the Excel import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Organisation
from mano.agenda.category_picker import CategoriesField
from mano.structures.services import categories_of
from mano.structures.vocabulary import ACCESS_CONDITIONS, PUBLICS

HOURS_HELP = _(
    "Syntaxe OpenStreetMap, par exemple « Mo-Fr 09:00-12:00,14:00-18:00; Sa 10:00-12:00; PH off » "
    "(Mo lundi … Su dimanche, PH jours fériés, off fermé, 24/7 toujours ouvert)."
)
LINES_HELP = _("Un par ligne.")


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.replace(",", "\n").splitlines() if line.strip()]


class StructureForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=200, error_messages={"required": _("Le nom est obligatoire.")})
    categories = CategoriesField(label=_("Catégories"), required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    address = forms.CharField(label=_("Adresse"), required=False, max_length=300)
    postcode = forms.CharField(label=_("Code postal"), required=False, max_length=10)
    city = forms.CharField(label=_("Ville"), required=False, max_length=120)
    latitude = forms.FloatField(
        label=_("Latitude"), required=False, help_text=_("Tapez-la, ou touchez la carte pour placer la structure.")
    )
    longitude = forms.FloatField(label=_("Longitude"), required=False)
    phones = forms.CharField(
        label=_("Téléphone(s)"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=LINES_HELP
    )
    email = forms.CharField(label=_("E-mail"), required=False, max_length=254)
    website = forms.CharField(label=_("Site web"), required=False, max_length=300)
    publics = forms.MultipleChoiceField(
        label=_("Publics"), required=False, choices=[(p, p) for p in PUBLICS], widget=forms.CheckboxSelectMultiple
    )
    access_conditions = forms.MultipleChoiceField(
        label=_("Conditions d’accès"),
        required=False,
        choices=[(c, c) for c in ACCESS_CONDITIONS],
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.CharField(label=_("Langues parlées"), required=False, help_text=_("Séparées par des virgules."))
    opening_hours = forms.CharField(label=_("Horaires"), required=False, max_length=500, help_text=HOURS_HELP)
    closed_from = forms.DateField(
        label=_("Fermeture temporaire : du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    closed_until = forms.DateField(
        label=_("au (inclus)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    closure_note = forms.CharField(label=_("Note sur la fermeture"), required=False, max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        picker: Any = self.fields["categories"]
        picker.configure(categories_of(organisation), self.initial.get("categories"))
        self.fields["latitude"].widget.attrs.update({"step": "any", "data-map-lat": ""})
        self.fields["longitude"].widget.attrs.update({"step": "any", "data-map-lon": ""})
        self.fields["phones"].widget.attrs["autocomplete"] = "off"

    def structure_data(self) -> dict[str, Any]:
        """What the services take: lists split from the typed lines."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["phones"] = _lines(data.get("phones") or "")
        data["languages"] = _lines(data.get("languages") or "")
        return data


def initial_of(structure: Any) -> dict[str, Any]:
    """The form's initial values for an existing structure (lists shown one per line)."""
    fields = {name: getattr(structure, name) for name in StructureForm.base_fields if name != "version"}
    fields["phones"] = "\n".join(structure.phones or [])
    fields["languages"] = ", ".join(structure.languages or [])
    fields["version"] = structure.version
    return fields


class ReferralForm(forms.Form):
    comment = forms.CharField(
        label=_("Commentaire (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Il est ajouté à l’action de chaque personne."),
    )


class SettingsForm(forms.Form):
    structures_members_edit = forms.BooleanField(
        label=_("Tous les membres (sauf accès restreint) peuvent ajouter, modifier et archiver des structures"),
        required=False,
    )
