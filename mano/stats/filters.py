"""The statistics page's filters, all in the URL (GET): period, teams, tab, which persons, age ranges.

A bad value (end before start, more than twenty years, an unknown team or choice, a parameter an old bookmark
still carries) never fails the page: the field says what was wrong and a sensible default is used instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from mano.core.dates import check_range

PRESETS = {
    "aujourdhui": _("Aujourd’hui"),
    "semaine": _("Cette semaine"),
    "mois-dernier": _("Le mois dernier"),
    "annee": _("Cette année"),
    "annee-derniere": _("L’année dernière"),
    "personnalisee": _("Personnalisée"),
}
DEFAULT_PRESET = "annee"
POPULATIONS = {
    "activite": _("suivies : avec une activité dans la période"),
    "creees": _("créées dans la période"),
    "file-active": _("présentes dans la file active"),
    "assignees": _("suivies par les équipes choisies"),
}
DEFAULT_AGES = (18, 25, 40, 60)
MAX_DAYS = 7305  # twenty years
MAX_AGE_BOUNDS = 12
PERSON_FILTER_PARAMS = ("f", "vulnerable", "active", "l")
KNOWN_PARAMS = {
    "periode",
    "du",
    "au",
    "equipe",
    "onglet",
    "personnes",
    "ages",
    "champ",
    "valeur",
    *PERSON_FILTER_PARAMS,
}

END_BEFORE_START = _("La fin de la période précède son début : la période par défaut est affichée.")
TOO_LONG = _("Une période de vingt ans au plus : la période par défaut est affichée.")
DATES_MISSING = _("Indiquez les dates de début et de fin : la période par défaut est affichée.")
UNKNOWN_TEAM = _("Une équipe demandée n’existe pas ou plus : elle est ignorée.")
BAD_AGES = _("Tranches d’âge : des âges croissants entre 1 et 120, séparés par des virgules (par exemple 18,25,40,60).")
UNKNOWN_PARAMS = _("Des filtres inconnus (lien ancien ?) ont été ignorés.")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StatsFilterForm(forms.Form):
    periode = forms.ChoiceField(label=_("Période"), choices=list(PRESETS.items()), required=False)
    du = forms.DateField(label=_("Du"), widget=DATE, required=False)
    au = forms.DateField(label=_("Au"), widget=DATE, required=False)
    equipe = forms.MultipleChoiceField(
        label=_("Équipes (aucune cochée : toute l’organisation)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    personnes = forms.ChoiceField(label=_("Personnes"), choices=list(POPULATIONS.items()), required=False)
    ages = forms.CharField(
        label=_("Tranches d’âge"), required=False, max_length=60, help_text=_("Par exemple 18,25,40,60")
    )
    onglet = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args: Any, teams: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = [(str(t.pk), f"{t.name} 🌙" if t.night_team else t.name) for t in teams]
        self.fields["equipe"].choices = labels  # type: ignore[attr-defined]

    def clean_du(self) -> Any:
        return check_range(self.cleaned_data.get("du"))

    def clean_au(self) -> Any:
        return check_range(self.cleaned_data.get("au"))

    def clean_ages(self) -> tuple[int, ...]:
        text = str(self.cleaned_data.get("ages") or "").strip()
        if not text:
            return DEFAULT_AGES
        try:
            bounds = tuple(int(part) for part in text.replace(" ", "").split(","))
        except ValueError:
            raise forms.ValidationError(BAD_AGES) from None
        if not 0 < len(bounds) <= MAX_AGE_BOUNDS or list(bounds) != sorted(set(bounds)) or not bounds[0] > 0:
            raise forms.ValidationError(BAD_AGES)
        if bounds[-1] > 120:
            raise forms.ValidationError(BAD_AGES)
        return bounds


@dataclass(frozen=True)
class Filters:
    """What the page shows, once every bad value has given way to its default."""

    preset: str
    first: date
    last: date
    team_ids: tuple[str, ...]  # empty: the whole organisation
    tab: str
    population: str
    ages: tuple[int, ...]
    notices: list[str] = field(default_factory=list)  # for what is not a field (unknown parameters)
    person_pairs: tuple[tuple[str, str], ...] = ()  # the person filters, typed values only sealed
    field_key: str = ""  # the field followed in time (evolution, leaving the street); checked by its tab
    field_value: str = ""  # its option that means "out of the street" (an option: the organisation's own word)

    @property
    def pairs_except_field(self) -> list[tuple[str, str]]:
        """The query as hidden fields of a form that chooses the followed field (and its value) again."""
        return [(k, v) for k, v in parse_qsl(self.query()) if k not in ("champ", "valeur")]

    @property
    def without_persons(self) -> str:
        """The query with every filter but the person filters (to clear them)."""
        return replace(self, person_pairs=()).query()

    def query(self, **changes: Any) -> str:
        """The page's URL query, with some values changed (links between tabs keep every filter)."""
        values: dict[str, Any] = {
            "onglet": self.tab,
            "periode": self.preset,
            "equipe": list(self.team_ids),
            "personnes": self.population,
            "ages": ",".join(str(a) for a in self.ages),
            "champ": self.field_key,
            "valeur": self.field_value,
        }
        if self.preset == "personnalisee":
            values.update(du=self.first.isoformat(), au=self.last.isoformat())
        values.update(changes)
        pairs = [(k, v) for k, v in values.items() if v not in ("", [])]
        extra = "&" + urlencode(self.person_pairs) if self.person_pairs else ""
        return urlencode(pairs, doseq=True) + extra


def preset_period(preset: str, today: date) -> tuple[date, date]:
    if preset == "aujourdhui":
        return today, today
    if preset == "semaine":
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=6)
    if preset == "mois-dernier":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if preset == "annee-derniere":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    return date(today.year, 1, 1), date(today.year, 12, 31)


def _period(form: StatsFilterForm, data: dict[str, Any], today: date) -> tuple[str, date, date]:
    preset = data.get("periode") or ("personnalisee" if data.get("du") or data.get("au") else DEFAULT_PRESET)
    if preset != "personnalisee":
        return (preset, *preset_period(preset, today))
    first, last = data.get("du"), data.get("au")
    if first is None or last is None:
        if "du" not in form.errors and "au" not in form.errors:
            form.add_error("au", DATES_MISSING)
    elif last < first:
        form.add_error("au", END_BEFORE_START)
    elif (last - first).days >= MAX_DAYS:
        form.add_error("au", TOO_LONG)
    else:
        return preset, first, last
    return (DEFAULT_PRESET, *preset_period(DEFAULT_PRESET, today))


def filters_of(
    params: QueryDict, *, teams: list[Any], today: date, tabs: Any = ("general",)
) -> tuple[StatsFilterForm, Filters]:
    """The form bound to the URL (its errors say what was set aside) and the filters the page uses."""
    known = set(params) & KNOWN_PARAMS
    form = StatsFilterForm({k: params.getlist(k) if k == "equipe" else params.get(k) for k in known}, teams=teams)
    form.is_valid()
    data = form.cleaned_data
    asked = set(params.getlist("equipe"))
    team_ids = tuple(str(t.pk) for t in teams if str(t.pk) in asked)
    if len(team_ids) < len(asked):
        form.errors.pop("equipe", None)
        form.add_error("equipe", UNKNOWN_TEAM)
    preset, first, last = _period(form, data, today)
    filters = Filters(
        preset=preset,
        first=first,
        last=last,
        team_ids=team_ids,
        tab=str(data.get("onglet")) if data.get("onglet") in tabs else "general",
        population=data.get("personnes") or "activite",
        ages=data.get("ages") or DEFAULT_AGES,
        notices=[str(UNKNOWN_PARAMS)] if set(params) - KNOWN_PARAMS else [],
        field_key=str(params.get("champ") or "")[:80],
        field_value=str(params.get("valeur") or "")[:80],
    )
    return form, filters
