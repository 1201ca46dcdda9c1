"""Person settings for admins: custom-field groups and fields, choice renames, exit reasons, feature switches.

Every form carries the hash of the config part it edits; the services refuse a save built on an older config.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from mano.accounts.models import Organisation, Team
from mano.core.http import AuthenticatedHttpRequest, admin_required
from mano.core.records import ConflictError
from mano.persons import custom_fields
from mano.persons.fieldsets import PERSON_FIELDS, FieldSet
from mano.persons.selectors import fields as selectors
from mano.persons.services import fields as services

REASONS, FEATURES = "reasons", "features"
DIRECTIONS = {"up": -1, "down": 1}
RENAME_CONFLICT = _(
    "Une personne concernée a été modifiée deux fois pendant l’opération : rien n’a été changé. Recommencez."
)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class GroupForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du groupe"), max_length=120, error_messages={"required": services.GROUP_REQUIRED}
    )


class ConfirmForm(forms.Form):
    confirmation = forms.CharField(label=_("Pour confirmer, recopiez le texte exact"), max_length=200, required=False)


class FieldForm(forms.Form):
    label = forms.CharField(label=_("Libellé"), max_length=200, error_messages={"required": services.LABEL_REQUIRED})
    type = forms.ChoiceField(label=_("Type"), choices=list(custom_fields.TYPES.items()))
    options = forms.CharField(
        label=_("Choix"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Pour les choix dans une liste : un choix par ligne."),
    )
    required = forms.BooleanField(label=_("Obligatoire"), required=False)
    enabled = forms.BooleanField(label=_("Activé pour toute l'organisation"), required=False, initial=True)
    enabled_teams = forms.ModelMultipleChoiceField(
        label=_("Sinon, activé seulement pour ces équipes"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    show_in_stats = forms.BooleanField(label=_("Voir dans les statistiques"), required=False, initial=True)
    allow_create_option = forms.BooleanField(
        label=_("Autoriser la saisie libre"),
        required=False,
        help_text=_("Pour les choix dans une liste : permet de saisir une valeur absente de la liste."),
    )

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        current: dict[str, Any] | None = None,
        spec: FieldSet = PERSON_FIELDS,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enabled_teams"].queryset = Team.objects.filter(organisation=organisation)  # type: ignore[attr-defined]
        if current is not None:
            self.fields["type"].help_text = _compatible_help(current["type"])
            groups = [(i, g["name"]) for i, g in enumerate(selectors.groups_of(organisation, spec))]
            self.fields["group"] = forms.TypedChoiceField(
                label=_("Groupe"), choices=groups, coerce=int, required=False, empty_value=None
            )

    def clean_options(self) -> list[str]:
        return _lines(self.cleaned_data.get("options") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("type") in custom_fields.CHOICE_TYPES and not data.get("options"):
            self.add_error("options", services.CHOICE_REQUIRED)
        return data

    def definition(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "group"}


def _compatible_help(type_: str) -> str:
    names = sorted(str(custom_fields.TYPES[t]) for t in custom_fields.COMPATIBLE.get(type_, {type_}))
    return gettext(
        "Quand des personnes ont déjà une valeur pour ce champ, son type ne peut plus changer que vers : %(types)s."
    ) % {"types": ", ".join(names)}


def _field_initial(found: selectors.FieldRef, organisation: Organisation) -> dict[str, Any]:
    field = found.field
    teams = Team.objects.filter(organisation=organisation, pk__in=field.get("enabled_teams", []))
    return {**field, "options": "\n".join(field.get("options", [])), "enabled_teams": teams, "group": found.group_index}


class ChoiceRenameForm(forms.Form):
    old = forms.ChoiceField(label=_("Choix à renommer"))
    new = forms.CharField(label=_("Nouveau nom"), max_length=200, error_messages={"required": services.CHOICE_REQUIRED})

    def __init__(self, *args: Any, options: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = options
        self.fields["old"].choices = [(o, o) for o in options]  # type: ignore[attr-defined]

    def clean_new(self) -> str:
        new = str(self.cleaned_data["new"]).strip()
        if new in self.options:
            raise forms.ValidationError(services.CHOICE_TAKEN)
        return new


class ReasonsForm(forms.Form):
    reasons = forms.CharField(
        label=_("Motifs de sortie de file active"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Un motif par ligne. Les personnes déjà sorties gardent les motifs choisis à l’époque."),
        error_messages={"required": services.REASON_REQUIRED},
    )

    def clean_reasons(self) -> list[str]:
        return _lines(self.cleaned_data["reasons"])


class FeaturesForm(forms.Form):
    passages_enabled = forms.BooleanField(label=_("Activer les passages"), required=False)
    rencontres_enabled = forms.BooleanField(label=_("Activer les rencontres"), required=False)
    families_enabled = forms.BooleanField(label=_("Activer la fonctionnalité Liens familiaux"), required=False)


def _org(request: AuthenticatedHttpRequest) -> Organisation:
    organisation = request.user.organisation
    assert organisation is not None
    return organisation


def _attempt(request: AuthenticatedHttpRequest, form: forms.Form | None, action: Callable[[], Any]) -> tuple[bool, Any]:
    """Run one service call. Bad input lands on the form (or in a message); a stale config reloads the config."""
    try:
        return True, action()
    except services.ConfigChanged:
        _org(request).refresh_from_db()
        error: ValidationError = ValidationError(services.CONFIG_CHANGED)
    except ValidationError as exc:
        error = exc
    except ConflictError:  # a row rewritten by a rename was saved by someone else meanwhile: nothing was kept
        error = ValidationError(RENAME_CONFLICT)
    if form is None:
        for text in error.messages:
            messages.error(request, text)
    else:
        form.add_error(None, error)
    return False, None


def _render(
    request: AuthenticatedHttpRequest, template: str, part: str, spec: FieldSet = PERSON_FIELDS, **context: Any
) -> HttpResponse:
    """A settings form page. It resubmits the version the user saw, unless that version was just refused."""
    form = context.get("form")
    stale = form is not None and services.CONFIG_CHANGED in form.non_field_errors()
    version = request.POST.get("version", "") if request.method == "POST" and not stale else None
    context["version"] = version or selectors.config_version(_org(request), part)
    context["spec"] = spec
    return render(request, template, context)


def _back(spec: FieldSet, group_index: int | None = None) -> HttpResponse:
    anchor = f"#{spec.part}-{group_index}" if group_index is not None else f"#{spec.part}"
    return redirect(reverse(spec.settings_url) + anchor)


@require_http_methods(["GET"])
@admin_required
def settings_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = _org(request)
    context = {
        "groups": selectors.settings_groups(organisation=organisation, spec=PERSON_FIELDS),
        "spec": PERSON_FIELDS,
        "features": FeaturesForm(initial=selectors.config_part(organisation, FEATURES)),
        "reasons": organisation.active_list_reasons,
        "versions": {part: selectors.config_version(organisation, part) for part in (PERSON_FIELDS.part, FEATURES)},
    }
    return render(request, "persons/fields_settings.html", context)


@require_POST
@admin_required
def features_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = FeaturesForm(request.POST)
    form.is_valid()  # three check boxes: nothing can be invalid
    version = request.POST.get("version", "")
    call = partial(
        services.features_update, user=request.user, config_version=version, request=request, **form.cleaned_data
    )
    if _attempt(request, None, call)[0]:
        messages.success(request, _("Fonctionnalités mises à jour."))
    return redirect("persons:settings")


@require_http_methods(["GET", "POST"])
@admin_required
def reasons_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    initial = {"reasons": "\n".join(_org(request).active_list_reasons)}
    form = ReasonsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        version = request.POST.get("version", "")
        call = partial(
            services.active_list_reasons_update,
            user=request.user,
            reasons=form.cleaned_data["reasons"],
            config_version=version,
            request=request,
        )
        if _attempt(request, form, call)[0]:
            messages.success(request, _("Motifs de sortie de file active enregistrés."))
            return redirect("persons:settings")
    return _render(request, "persons/fields_reasons.html", REASONS, form=form)


@require_http_methods(["GET", "POST"])
@admin_required
def group_add_view(request: AuthenticatedHttpRequest, spec: FieldSet = PERSON_FIELDS) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        version = request.POST.get("version", "")
        call = partial(
            services.field_group_add,
            user=request.user,
            name=form.cleaned_data["name"],
            config_version=version,
            request=request,
            spec=spec,
        )
        ok, index = _attempt(request, form, call)
        if ok:
            messages.success(request, _("Groupe ajouté. Ajoutez-y maintenant des champs."))
            return _back(spec, index)
    return _render(request, "persons/fields_group_form.html", spec.part, spec, form=form)


def _own_group(request: AuthenticatedHttpRequest, group_index: int, spec: FieldSet) -> dict[str, Any]:
    """A group the organisation added; the default groups have no rename or delete page."""
    group = selectors.group_get(organisation=_org(request), index=group_index, spec=spec)
    if selectors.is_default_group(group, spec):
        raise Http404
    return group


@require_http_methods(["GET", "POST"])
@admin_required
def group_edit_view(
    request: AuthenticatedHttpRequest, group_index: int, spec: FieldSet = PERSON_FIELDS
) -> HttpResponse:
    group = _own_group(request, group_index, spec)
    form = GroupForm(request.POST or None, initial={"name": group["name"]})
    if request.method == "POST" and form.is_valid():
        version = request.POST.get("version", "")
        call = partial(
            services.field_group_rename,
            user=request.user,
            keyring=request.keyring,
            index=group_index,
            name=form.cleaned_data["name"],
            config_version=version,
            request=request,
            spec=spec,
        )
        if _attempt(request, form, call)[0]:
            messages.success(request, _("Groupe renommé."))
            return _back(spec, group_index)
    return _render(request, "persons/fields_group_form.html", spec.part, spec, form=form, group=group)


@require_http_methods(["GET", "POST"])
@admin_required
def group_delete_view(
    request: AuthenticatedHttpRequest, group_index: int, spec: FieldSet = PERSON_FIELDS
) -> HttpResponse:
    group = _own_group(request, group_index, spec)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        version = request.POST.get("version", "")
        call = partial(
            services.field_group_delete,
            user=request.user,
            index=group_index,
            confirmation=form.cleaned_data["confirmation"],
            config_version=version,
            request=request,
            spec=spec,
        )
        if _attempt(request, form, call)[0]:
            messages.success(request, _("Groupe « %(name)s » supprimé.") % {"name": group["name"]})
            return _back(spec)
    context = {"form": form, "group": group, "group_index": group_index}
    return _render(request, "persons/fields_group_delete.html", spec.part, spec, **context)


@require_POST
@admin_required
def group_move_view(
    request: AuthenticatedHttpRequest, group_index: int, spec: FieldSet = PERSON_FIELDS
) -> HttpResponse:
    selectors.group_get(organisation=_org(request), index=group_index, spec=spec)
    direction = DIRECTIONS.get(request.POST.get("direction", ""), 0)
    version = request.POST.get("version", "")
    call = partial(
        services.field_group_move,
        user=request.user,
        index=group_index,
        direction=direction,
        config_version=version,
        request=request,
        spec=spec,
    )
    _attempt(request, None, call)
    return _back(spec, max(0, group_index + direction))


@require_http_methods(["GET", "POST"])
@admin_required
def field_add_view(request: AuthenticatedHttpRequest, group_index: int, spec: FieldSet = PERSON_FIELDS) -> HttpResponse:
    group = selectors.group_get(organisation=_org(request), index=group_index, spec=spec)
    form = FieldForm(request.POST or None, organisation=_org(request), spec=spec)
    if request.method == "POST" and form.is_valid():
        version = request.POST.get("version", "")
        call = partial(
            services.field_add,
            user=request.user,
            group_index=group_index,
            config_version=version,
            request=request,
            spec=spec,
            **form.definition(),
        )
        if _attempt(request, form, call)[0]:
            messages.success(request, _("Champ « %(label)s » ajouté.") % {"label": form.cleaned_data["label"]})
            return _back(spec, group_index)
    return _render(request, "persons/fields_field_form.html", spec.part, spec, form=form, group=group)


@require_http_methods(["GET", "POST"])
@admin_required
def field_edit_view(request: AuthenticatedHttpRequest, key: str, spec: FieldSet = PERSON_FIELDS) -> HttpResponse:
    organisation = _org(request)
    found = selectors.field_get(organisation=organisation, key=key, spec=spec)
    initial = _field_initial(found, organisation)
    form = FieldForm(request.POST or None, organisation=organisation, current=found.field, initial=initial, spec=spec)
    if request.method == "POST" and form.is_valid():
        version = request.POST.get("version", "")
        call = partial(
            services.field_update,
            user=request.user,
            keyring=request.keyring,
            key=key,
            config_version=version,
            group_index=form.cleaned_data["group"],
            request=request,
            spec=spec,
            **form.definition(),
        )
        if _attempt(request, form, call)[0]:
            messages.success(request, _("Champ « %(label)s » enregistré.") % {"label": form.cleaned_data["label"]})
            group = form.cleaned_data["group"]
            return _back(spec, found.group_index if group is None else group)
    context = {"form": form, "found": found, "field": found.field}
    return _render(request, "persons/fields_field_form.html", spec.part, spec, **context)


@require_http_methods(["GET", "POST"])
@admin_required
def field_delete_view(request: AuthenticatedHttpRequest, key: str, spec: FieldSet = PERSON_FIELDS) -> HttpResponse:
    found = selectors.field_get(organisation=_org(request), key=key, spec=spec)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        version = request.POST.get("version", "")
        call = partial(
            services.field_delete,
            user=request.user,
            key=key,
            confirmation=form.cleaned_data["confirmation"],
            config_version=version,
            request=request,
            spec=spec,
        )
        if _attempt(request, form, call)[0]:
            messages.success(request, _("Champ « %(label)s » supprimé.") % {"label": found.field["label"]})
            return _back(spec, found.group_index)
    return _render(request, "persons/fields_field_delete.html", spec.part, spec, form=form, field=found.field)


@require_POST
@admin_required
def field_move_view(request: AuthenticatedHttpRequest, key: str, spec: FieldSet = PERSON_FIELDS) -> HttpResponse:
    found = selectors.field_get(organisation=_org(request), key=key, spec=spec)
    direction = DIRECTIONS.get(request.POST.get("direction", ""), 0)
    version = request.POST.get("version", "")
    call = partial(
        services.field_move,
        user=request.user,
        key=key,
        direction=direction,
        config_version=version,
        request=request,
        spec=spec,
    )
    _attempt(request, None, call)
    return _back(spec, found.group_index)


@require_http_methods(["GET", "POST"])
@admin_required
def choice_rename_view(request: AuthenticatedHttpRequest, key: str, spec: FieldSet = PERSON_FIELDS) -> HttpResponse:
    """Step 1 picks the choice and its new name; when persons have it, step 2 asks for confirmation."""
    found = selectors.field_get(organisation=_org(request), key=key, spec=spec)
    if found.field["type"] not in custom_fields.CHOICE_TYPES:
        raise Http404
    form = ChoiceRenameForm(
        request.POST or None, options=found.field["options"], initial={"old": request.GET.get("choix")}
    )
    context: dict[str, Any] = {"form": form, "field": found.field}
    if request.method == "POST" and form.is_valid():
        old, new = form.cleaned_data["old"], form.cleaned_data["new"]
        if request.POST.get("confirm") != "1":
            if not request.keyring.has(spec.key_kind):
                form.add_error(None, services.KEY_NEEDED)
                return _render(request, "persons/fields_choice_rename.html", spec.part, spec, **context)
            rows = selectors.records_with_choice(
                user=request.user, keyring=request.keyring, key=key, choice=old, spec=spec
            )
            count = len(rows)
            if count:
                context.update(old=old, new=new, count=count)
                return _render(request, "persons/fields_choice_confirm.html", spec.part, spec, **context)
        version = request.POST.get("version", "")
        call = partial(
            services.field_choice_rename,
            user=request.user,
            keyring=request.keyring,
            key=key,
            old=old,
            new=new,
            config_version=version,
            request=request,
            spec=spec,
        )
        try:
            ok, updated = _attempt(request, form, call)
        except ConflictError:
            ok, updated = False, None
            form.add_error(None, RENAME_CONFLICT)
        if ok:
            done = _("Choix mis à jour : « %(old)s » devient « %(new)s » (%(updated)s).")
            messages.success(request, done % {"old": old, "new": new, "updated": spec.updated_text(updated)})
            return redirect(f"{spec.namespace}:field-edit", key=key)
    return _render(request, "persons/fields_choice_rename.html", spec.part, spec, **context)


def field_patterns(spec: FieldSet) -> list[URLPattern]:
    """The editor's pages for one field set, to include under its namespace (groups, fields, choice renames)."""
    kwargs = {"spec": spec}
    return [
        path("groupes/ajouter/", group_add_view, kwargs, name="field-group-add"),
        path("groupes/<int:group_index>/", group_edit_view, kwargs, name="field-group-edit"),
        path("groupes/<int:group_index>/supprimer/", group_delete_view, kwargs, name="field-group-delete"),
        path("groupes/<int:group_index>/deplacer/", group_move_view, kwargs, name="field-group-move"),
        path("groupes/<int:group_index>/ajouter-un-champ/", field_add_view, kwargs, name="field-add"),
        path("champs/<str:key>/", field_edit_view, kwargs, name="field-edit"),
        path("champs/<str:key>/supprimer/", field_delete_view, kwargs, name="field-delete"),
        path("champs/<str:key>/deplacer/", field_move_view, kwargs, name="field-move"),
        path("champs/<str:key>/renommer-un-choix/", choice_rename_view, kwargs, name="field-choice-rename"),
    ]
