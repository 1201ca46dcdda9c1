"""Custom fields on persons: the nine types, the organisation's default groups, and form fields built from them.

A field definition is a dict: {key, label, type, options, required, enabled, enabled_teams, show_in_stats,
allow_create_option}. `enabled` means the whole organisation; otherwise only the teams in `enabled_teams`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

TYPES = {
    "text": _("Texte"),
    "textarea": _("Zone de texte multi-lignes"),
    "number": _("Nombre"),
    "date": _("Date sans heure"),
    "date-with-time": _("Date avec heure"),
    "yes-no": _("Oui/Non"),
    "enum": _("Choix dans une liste"),
    "multi-choice": _("Choix multiple dans une liste"),
    "boolean": _("Case à cocher"),
}
CHOICE_TYPES = {"enum", "multi-choice"}
# Once data exists, a field may only move between these types (the reference's rules).
COMPATIBLE = {
    "number": {"number", "text", "textarea", "enum"},
    "text": {"text", "textarea", "enum"},
    "textarea": {"text", "textarea", "enum"},
    "enum": {"text", "textarea", "enum"},
    "yes-no": {"yes-no", "text", "textarea", "enum"},
    "date": {"date", "date-with-time"},
    "date-with-time": {"date", "date-with-time"},
    "boolean": {"boolean"},
    "multi-choice": {"multi-choice"},
}
ACTIVE_LIST_REASONS = [
    "Relai vers autre structure",
    "Hébergée",
    "Décès",
    "Incarcération",
    "Départ vers autre région",
    "Perdu de vue",
    "Hospitalisation",
    "Reconduite à la frontière",
    "Autre",
]


def field_definition(
    key: str, label: str, type_: str, options: list[str] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "key": key,
        "label": label,
        "type": type_,
        "options": options or [],
        "required": False,
        "enabled": True,
        "enabled_teams": [],
        "show_in_stats": True,
        "allow_create_option": False,
        **extra,
    }


def default_person_field_groups() -> list[dict[str, Any]]:
    """The two groups a new organisation starts with (editable afterwards)."""
    social = [
        field_definition(
            "personal_situation",
            "Situation personnelle",
            "enum",
            [
                "Aucune",
                "Homme isolé",
                "Femme isolée",
                "En couple",
                "Famille",
                "Famille monoparentale",
                "Mineur",
                "Autre",
            ],
        ),
        field_definition("nationality_situation", "Nationalité", "enum", ["Hors UE", "UE", "Française", "Apatride"]),
        field_definition("has_animal", "Avec animaux", "yes-no"),
        field_definition("structure_social", "Structure de suivi social", "text"),
        field_definition(
            "employment",
            "Emploi",
            "enum",
            ["DPH", "CDD", "CDDI", "CDI", "Interim", "Bénévolat", "Sans activité", "Étudiant", "Non déclaré", "Autre"],
        ),
        field_definition(
            "resources",
            "Ressources",
            "multi-choice",
            [
                "SANS",
                "ARE",
                "RSA",
                "AAH",
                "ADA",
                "ATA",
                "Retraite",
                "Salaire",
                "Allocation Chômage",
                "Indemnités journalières",
                "Mendicité",
                "Aide financière CCAS",
                "Revenus de Formations",
                "Pension d'invalidité",
                "Contrat d'engagement jeune",
                "Contrat jeune majeur",
                "Autre",
            ],
        ),
        field_definition("address", "Hébergement", "yes-no"),
        field_definition(
            "address_detail",
            "Type d'hébergement",
            "enum",
            [
                "Logement",
                "Hébergement association",
                "Chez un tiers",
                "Mise à l'abri",
                "Logement accompagné",
                "Urgence",
                "Insertion",
                "Hôtel",
                "Autre",
            ],
            allow_create_option=True,
        ),
        field_definition(
            "reasons",
            "Motif de la situation en rue",
            "multi-choice",
            [
                "Sortie d'hébergement",
                "Expulsion de logement/hébergement",
                "Départ du pays d'origine",
                "Départ de région",
                "Rupture familiale",
                "Perte d'emploi",
                "Sortie d'hospitalisation",
                "Problème de santé",
                "Sortie d'ASE",
                "Sortie de détention",
                "Rupture de soins",
                "Autre",
            ],
        ),
    ]
    health = [
        field_definition(
            "health_insurances",
            "Couverture(s) médicale(s)",
            "multi-choice",
            ["Aucune", "Régime Général", "PUMa", "AME", "CSS", "Autre"],
        ),
        field_definition("structure_medical", "Structure de suivi médical", "text"),
        field_definition(
            "consumptions",
            "Consommations",
            "multi-choice",
            [
                "Alcool",
                "Amphétamine/MDMA/Ecstasy",
                "Benzodiazépines",
                "Buprénorphine/Subutex",
                "Cocaïne",
                "Crack",
                "Cannabis",
                "Héroïne",
                "Lyrica",
                "Méthadone",
                "Moscantin/Skénan",
                "Tabac",
                "Tramadol",
            ],
        ),
        field_definition(
            "vulnerabilities",
            "Vulnérabilités",
            "multi-choice",
            ["Pathologie chronique", "Psychologique", "Injecteur", "Handicap"],
        ),
        field_definition(
            "case_history_description", "Informations complémentaires (antécédents)", "textarea", show_in_stats=False
        ),
    ]
    return [
        {"name": "Informations sociales", "fields": social},
        {"name": "Informations de santé", "fields": health},
    ]


def default_active_list_reasons() -> list[str]:
    return list(ACTIVE_LIST_REASONS)


def enabled_for(field: dict[str, Any], team_id: str | None) -> bool:
    return bool(field.get("enabled")) or (team_id is not None and team_id in field.get("enabled_teams", []))


class DatalistInput(forms.TextInput):
    """A text input that suggests the field's choices but accepts a new one ("Autoriser la saisie libre")."""

    template_name = "core/widgets/datalist.html"

    def __init__(self, options: list[str]) -> None:
        super().__init__()
        self.options = options

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = f"{context['widget']['attrs'].get('id', name)}_choices"
        context["widget"]["options"] = self.options
        return context


def form_field(field: dict[str, Any]) -> forms.Field:
    """The Django form field for one custom field definition."""
    label, required, type_ = field["label"], bool(field.get("required")), field["type"]
    choices = [(o, o) for o in field.get("options", [])]
    if type_ == "textarea":
        return forms.CharField(label=label, required=required, max_length=10000, widget=forms.Textarea)
    if type_ == "number":
        return forms.DecimalField(label=label, required=required, max_digits=15, decimal_places=4)
    if type_ == "date":
        return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))
    if type_ == "date-with-time":
        return forms.DateTimeField(
            label=label, required=required, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
        )
    if type_ == "yes-no":
        return forms.ChoiceField(
            label=label, required=required, choices=[("", "—"), ("Oui", _("Oui")), ("Non", _("Non"))]
        )
    if type_ == "enum" and field.get("allow_create_option"):
        return forms.CharField(
            label=label, required=required, max_length=200, widget=DatalistInput(list(field.get("options", [])))
        )
    if type_ == "enum":
        return forms.ChoiceField(label=label, required=required, choices=[("", "—"), *choices])
    if type_ == "multi-choice":
        return forms.MultipleChoiceField(
            label=label, required=required, choices=choices, widget=forms.CheckboxSelectMultiple
        )
    if type_ == "boolean":
        return forms.BooleanField(label=label, required=required)
    return forms.CharField(label=label, required=required, max_length=1000)


def to_payload(value: Any) -> Any:
    """A cleaned form value as JSON: dates as ISO strings, decimals as numbers, empty as None."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value in ("", None, []):
        return None
    if hasattr(value, "as_integer_ratio") and not isinstance(value, int | float):
        number = float(value)
        return int(number) if number.is_integer() else number
    return value


def display(field: dict[str, Any], value: Any) -> str:
    """How a stored value reads on a page."""
    if value in (None, "", []):
        return ""
    if field["type"] == "boolean":
        return gettext("Oui") if value else gettext("Non")
    if field["type"] == "multi-choice" and isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if field["type"] == "date":
        try:
            return date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    if field["type"] == "date-with-time":
        try:
            return datetime.fromisoformat(str(value)).strftime("%d/%m/%Y %H:%M")
        except ValueError:
            return str(value)
    return str(value)
