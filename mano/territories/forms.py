"""Forms of territories and observations: validation only, the services check again and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Team
from mano.agenda.forms import DateTimeInput
from mano.core import grouped
from mano.core.dates import check_range
from mano.persons import custom_fields
from mano.persons.forms import CustomFieldsForm
from mano.persons.models import Person
from mano.territories.models import Territory
from mano.territories.services import observations as observation_services
from mano.territories.services import territories as territory_services

WRONG_NAME = _("Le nom recopié ne correspond pas : rien n’a été supprimé.")
REMOVED_TYPES = _("Types retirés de la liste")


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes under one sub-heading per group of the organisation's types."""

    template_name = "territories/_types_widget.html"


class TerritoryForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(
        label=_("Nom"), max_length=200, error_messages={"required": territory_services.NAME_REQUIRED}
    )
    types = forms.MultipleChoiceField(label=_("Types"), required=False, widget=GroupedCheckboxes)
    perimeter = forms.CharField(
        label=_("Périmètre"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, config: grouped.Grouped, current: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        listed = grouped.all_items(config)
        choices: list[Any] = [(g["group"], [(i, i) for i in g["items"]]) for g in config if g["items"]]
        kept = [t for t in current or [] if t not in listed]  # a type removed from the list stays where it is
        if kept:
            choices.append((str(REMOVED_TYPES), [(t, t) for t in kept]))
        self.fields["types"].choices = choices  # type: ignore[attr-defined]

    def territory_data(self) -> dict[str, Any]:
        return {key: self.cleaned_data.get(key) for key in territory_services.FIELDS}


class DeleteForm(forms.Form):
    """The territory's name typed again: a deletion takes every observation with it."""

    name = forms.CharField(max_length=300, error_messages={"required": WRONG_NAME})
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, expected: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected.strip()
        self.fields["name"].label = _("Pour confirmer, recopiez le nom du territoire : %(name)s") % {"name": expected}

    def clean_name(self) -> str:
        if str(self.cleaned_data["name"]).strip() != self.expected:
            raise forms.ValidationError(WRONG_NAME)
        return str(self.cleaned_data["name"])


class TransferForm(forms.Form):
    target = forms.ChoiceField(
        label=_("Territoire qui reçoit les observations"),
        error_messages={"required": territory_services.TARGET_REQUIRED},
    )

    def __init__(self, *args: Any, targets: list[tuple[Territory, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets = {str(t.pk): t for t, _ in targets}
        self.fields["target"].choices = [("", "—"), *((str(t.pk), name) for t, name in targets)]  # type: ignore[attr-defined]

    def clean_target(self) -> Territory:
        return self.targets[self.cleaned_data["target"]]


class ObservationForm(CustomFieldsForm):
    """The fixed fields, the persons met (ticked among those found), then the organisation's observation fields
    enabled for the team (`team_id`)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    territory = forms.ChoiceField(
        label=_("Territoire"), error_messages={"required": observation_services.TERRITORY_REQUIRED}
    )
    observed_at = forms.DateTimeField(
        label=_("Observation faite le"),
        widget=DateTimeInput(),
        error_messages={"required": observation_services.DATE_REQUIRED},
    )
    team = forms.ModelChoiceField(
        label=_("Sous l’équipe"),
        queryset=Team.objects.none(),
        error_messages={"required": observation_services.TEAM_REQUIRED},
    )
    persons = forms.ModelMultipleChoiceField(
        label=_("Personnes rencontrées"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Chacune reçoit une rencontre, à la date et pour l’équipe de l’observation."),
    )

    def __init__(
        self,
        *args: Any,
        organisation: Any,
        territories: list[tuple[str, str]],
        persons: Any,
        team_id: str | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, groups=organisation.observation_field_groups, team_id=team_id, **kwargs)
        self.fields["territory"].choices = [("", "—"), *territories]  # type: ignore[attr-defined]
        self.fields["team"].queryset = Team.objects.filter(organisation=organisation)  # type: ignore[attr-defined]
        self.fields["persons"].queryset = persons  # type: ignore[attr-defined]
        self.fields["persons"].error_messages["invalid_choice"] = observation_services.PERSON_OUTSIDE
        if not organisation.rencontres_enabled:
            del self.fields["persons"]
        self.order_fields(["territory", "observed_at", "team", "persons"])

    def clean_observed_at(self) -> Any:
        return check_range(self.cleaned_data.get("observed_at"))

    def values(self, territory: Territory | None) -> observation_services.ObservationInput:
        data = self.cleaned_data
        custom = {name[2:]: custom_fields.to_payload(v) for name, v in data.items() if name.startswith("c_")}
        return observation_services.ObservationInput(
            territory=territory,
            team=data.get("team"),
            observed_at=data.get("observed_at"),
            custom=custom,
            persons=list(data.get("persons") or []),
        )


def now_minute() -> Any:
    return timezone.localtime().replace(second=0, microsecond=0)


class SettingsForm(forms.Form):
    territories_enabled = forms.BooleanField(
        label=_("Activer les territoires"),
        required=False,
        help_text=_(
            "Les équipes pourront créer des territoires et y enregistrer des observations. Un menu « Territoires » "
            "apparaîtra dans la navigation."
        ),
    )
