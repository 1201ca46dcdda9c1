"""Recurrence forms: the "Répéter" part of the creation form, and the "this one / and the following ones" choice."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.agenda import recurrence
from mano.agenda.recurrence import MONTHLY, RANKS, WEEKDAYS, Rule
from mano.agenda.series import FOLLOWING, ONE
from mano.core.dates import in_range

UNIT_CHOICES = [("day", _("jours")), ("week", _("semaines")), ("month", _("mois")), ("year", _("années"))]
WEEKDAY_CHOICES = [(str(i), name) for i, name in enumerate(WEEKDAYS)]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def start_of(data: Any, default: date) -> date:
    """The day of the posted due date ("due_at"), to word the choices; `default` when there is none."""
    raw = data.get("due_at") if data is not None else None
    if raw:
        try:
            value = forms.DateTimeField().clean(raw)
        except ValidationError:
            return default
        if not in_range(value):  # the action form refuses it; the year 9999 has no "+2 months"
            return default
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return default


class RecurrenceForm(forms.Form):
    """Every field is optional until "Répéter" is ticked; `rule_from(start)` then checks it against the start."""

    repeat = forms.BooleanField(label=_("Répéter"), required=False)
    recurrence_interval = forms.IntegerField(
        label=_("Tous les"), required=False, min_value=1, max_value=recurrence.MAX_INTERVAL
    )
    recurrence_unit = forms.ChoiceField(label=_("Unité"), choices=UNIT_CHOICES, required=False)
    recurrence_weekdays = forms.MultipleChoiceField(
        label=_("Les jours"), choices=WEEKDAY_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    recurrence_monthly = forms.ChoiceField(
        label=_("Quel jour"),
        choices=[(m, m) for m in MONTHLY],
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Pour une répétition annuelle : dans le mois de la date de début."),
    )
    recurrence_end = forms.DateField(
        label=_("Jusqu’au"),
        required=False,
        widget=DateInput(),
        help_text=_("Inclus. Au plus 5 ans après le début."),
    )

    def __init__(self, *args: Any, start: date, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "recurrence_interval": 1,
                "recurrence_unit": "day",
                "recurrence_weekdays": [str(start.weekday())],
                "recurrence_monthly": "day",
                "recurrence_end": recurrence.add_months(start, 2),
            },
        )
        super().__init__(*args, **kwargs)
        self.start = start
        self.fields["recurrence_monthly"].choices = [  # type: ignore[attr-defined]
            (m, recurrence.monthly_label(m, start)) for m in MONTHLY
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("repeat"):
            # Hidden or left over, the recurrence fields mean nothing without "Répéter": never block on them.
            for name in [n for n in self.errors if n != "repeat"]:
                del self.errors[name]
            return {"repeat": False}
        if data.get("recurrence_interval") is None and "recurrence_interval" not in self.errors:
            self.add_error("recurrence_interval", recurrence.INTERVAL_INVALID)
        if not data.get("recurrence_unit") and "recurrence_unit" not in self.errors:
            self.add_error("recurrence_unit", recurrence.UNIT_INVALID)
        if data.get("recurrence_end") is None and "recurrence_end" not in self.errors:
            self.add_error("recurrence_end", recurrence.END_REQUIRED)
        return data

    def rule(self) -> Rule | None:
        """The rule asked for (None without "Répéter"), once the form is valid; not yet checked against a start."""
        data = self.cleaned_data
        if not data.get("repeat"):
            return None
        return Rule(
            unit=data["recurrence_unit"],
            interval=data["recurrence_interval"],
            end=data["recurrence_end"],
            weekdays=tuple(sorted(int(d) for d in data.get("recurrence_weekdays") or [])),
            monthly=data.get("recurrence_monthly") or "day",
        )

    def rule_from(self, start: datetime) -> tuple[bool, Rule | None]:
        """(ok, rule): the rule checked from the action's due date; errors land on their fields."""
        rule = self.rule()
        if rule is None:
            return True, None
        try:
            recurrence.check(rule, timezone.localtime(start).date())
        except ValidationError as exc:
            self.add_error(None, exc)
            return False, None
        return True, rule

    def labels(self) -> dict[str, str]:
        """What recurrence.js needs to reword the choices when the due date changes."""
        return {
            "weekdays": ",".join(map(str, WEEKDAYS)),
            "ranks": ",".join(map(str, RANKS)),
            **{key: str(label) for key, label in recurrence.MONTHLY_LABELS.items()},
        }


class ScopeForm(forms.Form):
    """On an occurrence of a recurring action: apply to this one only, or to the following ones too."""

    scope = forms.ChoiceField(
        label=_("Appliquer à"),
        choices=[(ONE, _("Cette action seulement")), (FOLLOWING, _("Cette action et les suivantes"))],
        initial=ONE,
        widget=forms.RadioSelect,
    )


def scope_of(data: Any) -> str:
    """The posted scope; anything else than "following" means this one only (the safe default)."""
    return FOLLOWING if data is not None and data.get("scope") == FOLLOWING else ONE


def add_errors(exc: ValidationError, *forms_: forms.Form) -> None:
    """Put each error of a service's ValidationError on the form that has that field (else on the first form)."""
    if not hasattr(exc, "error_dict"):
        forms_[0].add_error(None, exc)
        return
    for key, errors in exc.error_dict.items():
        owner = next((f for f in forms_ if key in f.fields), None)
        if owner is None:
            forms_[0].add_error(None, errors)
        else:
            owner.add_error(key, errors)
