"""The grouped category lists editor (admins): groups and categories; renaming or merging rewrites the rows using
a category after a confirmation page. Every form carries the configuration version it was built on.

One editor for every `GroupedList` (action categories, structure categories…): `category_patterns(spec)` gives
its URLs, included under the list's own namespace; each view receives the `spec` from its URL."""

from __future__ import annotations

from functools import partial
from typing import Any, Protocol
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mano.accounts.models import Organisation
from mano.agenda import categories as services
from mano.core import grouped
from mano.core.http import AuthenticatedHttpRequest, admin_required
from mano.core.records import ConflictError

DIRECTIONS = {"up": -1, "down": 1}


class GroupForm(forms.Form):
    name = forms.CharField(
        label=_("Titre du groupe"), max_length=grouped.MAX_LENGTH, error_messages={"required": grouped.GROUP_REQUIRED}
    )


class CategoryForm(forms.Form):
    name = forms.CharField(
        label=_("Nom de la catégorie"),
        max_length=grouped.MAX_LENGTH,
        error_messages={"required": services.CATEGORY_REQUIRED},
    )


class GroupDeleteForm(forms.Form):
    move_to = forms.ChoiceField(label=_("Déplacer ses catégories vers le groupe"), required=False)

    def __init__(self, *args: Any, others: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["move_to"].choices = [("", "—"), *((g, g) for g in others)]  # type: ignore[attr-defined]


def _org(request: AuthenticatedHttpRequest) -> Organisation:
    organisation = request.user.organisation
    assert organisation is not None
    return organisation


def _config(request: AuthenticatedHttpRequest, spec: services.GroupedList) -> grouped.Grouped:
    return services.categories_of(_org(request), spec)


def _version(request: AuthenticatedHttpRequest, spec: services.GroupedList) -> str:
    return services.config_version(_org(request), spec)


def _back(spec: services.GroupedList, anchor: str = "") -> HttpResponse:
    return redirect(reverse(f"{spec.namespace}:categories") + anchor)


class ConfigCall(Protocol):
    """A service call waiting for the configuration version the form was built on."""

    def __call__(self, *, config_version: str) -> Any: ...


def _attempt(request: AuthenticatedHttpRequest, form: forms.Form | None, call: ConfigCall) -> bool:
    """Run one service call; errors land on the form field they name, or in a message."""
    version = request.POST.get("version", "")
    try:
        call(config_version=version)
    except services.ConfigChanged:
        messages.error(request, services.CONFIG_CHANGED)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        for field, texts in errors.items():
            for text in texts:
                if form is not None and field in form.fields:
                    form.add_error(field, text)
                else:
                    messages.error(request, text)
    else:
        return True
    return False


def _page(request: AuthenticatedHttpRequest, spec: services.GroupedList, **forms_: Any) -> HttpResponse:
    config = _config(request, spec)
    add_forms = forms_.pop("add_forms", {})
    context = {
        "groups": [
            {**g, "index": i, "form": add_forms.get(g["group"]) or CategoryForm(auto_id=f"cat-{i}-%s")}
            for i, g in enumerate(config)
        ],
        "group_form": forms_.get("group_form") or GroupForm(auto_id="group-%s"),
        "version": _version(request, spec),
        "spec": spec,
    }
    return render(request, "agenda/categories.html", context)


@require_GET
@admin_required
def categories_view(request: AuthenticatedHttpRequest, spec: services.GroupedList) -> HttpResponse:
    return _page(request, spec)


@require_POST
@admin_required
def group_add_view(request: AuthenticatedHttpRequest, spec: services.GroupedList) -> HttpResponse:
    form = GroupForm(request.POST, auto_id="group-%s")
    if form.is_valid():
        name = form.cleaned_data["name"]
        call = partial(services.category_group_add, user=request.user, title=name, request=request, spec=spec)
        if _attempt(request, form, call):
            messages.success(request, gettext("Groupe ajouté."))
            return _back(spec)
    return _page(request, spec, group_form=form) if form.errors else _back(spec)


def _group(request: AuthenticatedHttpRequest, spec: services.GroupedList, title: str) -> dict[str, Any]:
    group = next((g for g in _config(request, spec) if g["group"] == title), None)
    if group is None:
        raise Http404
    return group


def _category(request: AuthenticatedHttpRequest, spec: services.GroupedList, name: str) -> str:
    group = grouped.group_of(_config(request, spec), name)
    if group is None:
        raise Http404
    return group


@require_http_methods(["GET", "POST"])
@admin_required
def group_edit_view(request: AuthenticatedHttpRequest, spec: services.GroupedList) -> HttpResponse:
    group = _group(request, spec, request.GET.get("titre", ""))
    form = GroupForm(request.POST or None, initial={"name": group["group"]})
    if request.method == "POST" and form.is_valid():
        call = partial(
            services.category_group_rename,
            user=request.user,
            old=group["group"],
            new=form.cleaned_data["name"],
            request=request,
            spec=spec,
        )
        if _attempt(request, form, call):
            messages.success(request, gettext("Groupe renommé."))
            return _back(spec)
    context = {"form": form, "group": group, "version": _version(request, spec), "spec": spec}
    return render(request, "agenda/category_group_form.html", context)


@require_http_methods(["GET", "POST"])
@admin_required
def group_delete_view(request: AuthenticatedHttpRequest, spec: services.GroupedList) -> HttpResponse:
    group = _group(request, spec, request.GET.get("titre", ""))
    others = [g["group"] for g in _config(request, spec) if g["group"] != group["group"]]
    form = GroupDeleteForm(request.POST or None, others=others)
    if request.method == "POST" and form.is_valid():
        call = partial(
            services.category_group_delete,
            user=request.user,
            title=group["group"],
            move_to=form.cleaned_data["move_to"] or None,
            request=request,
            spec=spec,
        )
        if _attempt(request, form, call):
            messages.success(request, gettext("Groupe « %(group)s » supprimé.") % {"group": group["group"]})
            return _back(spec)
    context = {"form": form, "group": group, "others": others, "version": _version(request, spec), "spec": spec}
    return render(request, "agenda/category_group_delete.html", context)


@require_POST
@admin_required
def group_move_view(request: AuthenticatedHttpRequest, spec: services.GroupedList) -> HttpResponse:
    title = request.POST.get("group", "")
    offset = DIRECTIONS.get(request.POST.get("direction", ""), 0)
    _attempt(
        request,
        None,
        partial(
            services.category_group_move, user=request.user, title=title, offset=offset, request=request, spec=spec
        ),
    )
    return _back(spec)


@require_POST
@admin_required
def category_add_view(request: AuthenticatedHttpRequest, spec: services.GroupedList) -> HttpResponse:
    title = request.POST.get("group", "")
    index = next((i for i, g in enumerate(_config(request, spec)) if g["group"] == title), 0)
    form = CategoryForm(request.POST, auto_id=f"cat-{index}-%s")
    if form.is_valid():
        name = form.cleaned_data["name"]
        call = partial(services.category_add, user=request.user, group=title, name=name, request=request, spec=spec)
        if _attempt(request, form, call):
            messages.success(request, gettext("Catégorie ajoutée. Prévenez vos équipes."))
            return _back(spec, f"#groupe-{index}")
    return _page(request, spec, add_forms={title: form}) if form.errors else _back(spec)


def _edit_url(spec: services.GroupedList, name: str) -> str:
    return reverse(f"{spec.namespace}:category-edit") + "?" + urlencode({"nom": name})


@require_http_methods(["GET", "POST"])
@admin_required
def category_edit_view(request: AuthenticatedHttpRequest, spec: services.GroupedList) -> HttpResponse:
    """Rename or merge: a first POST shows how many actions will be rewritten, the confirmed POST rewrites them."""
    name = request.GET.get("nom", "")
    group = _category(request, spec, name)
    form = CategoryForm(request.POST or None, initial={"name": name})
    version = _version(request, spec)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.rename_plan(_org(request), name, form.cleaned_data["name"], spec)
        except ValidationError as exc:
            form.add_error("name", exc.message_dict.get("name", exc.messages))
        else:
            if request.POST.get("confirm") != "1":
                count = services.category_usage(user=request.user, keyring=request.keyring, name=name, spec=spec)
                context = {"plan": plan, "count": count, "version": request.POST.get("version", version), "spec": spec}
                return render(request, "agenda/category_confirm.html", context)
            return _rename(request, spec, plan)
    others = [g["group"] for g in _config(request, spec) if g["group"] != group]
    context = {"form": form, "name": name, "group": group, "others": others, "version": version, "spec": spec}
    return render(request, "agenda/category_edit.html", context)


def _rename(request: AuthenticatedHttpRequest, spec: services.GroupedList, plan: services.RenamePlan) -> HttpResponse:
    call = partial(
        services.category_rename, user=request.user, keyring=request.keyring, old=plan.old, new=plan.new, spec=spec
    )
    try:
        ok = _attempt(request, None, partial(call, request=request))
    except ConflictError:
        messages.error(request, services.REWRITE_CONFLICT)
        return redirect(_edit_url(spec, plan.old))
    if not ok:
        return redirect(_edit_url(spec, plan.old))
    if plan.merge:
        done = gettext("Catégorie « %(old)s » fusionnée avec « %(new)s » ; %(rows)s mises à jour.")
    else:
        done = gettext("Catégorie « %(old)s » renommée en « %(new)s » ; %(rows)s mises à jour.")
    messages.success(request, done % {"old": plan.old, "new": plan.new, "rows": spec.plural})
    return _back(spec)


@require_POST
@admin_required
def category_move_view(request: AuthenticatedHttpRequest, spec: services.GroupedList) -> HttpResponse:
    name = request.POST.get("category", "")
    offset = DIRECTIONS.get(request.POST.get("direction", ""), 0)
    to_group = request.POST.get("to_group") or None
    call = partial(
        services.category_move,
        user=request.user,
        name=name,
        offset=offset,
        to_group=to_group,
        request=request,
        spec=spec,
    )
    _attempt(request, None, call)
    index = next((i for i, g in enumerate(_config(request, spec)) if name in g["items"]), None)
    return _back(spec, "" if index is None else f"#groupe-{index}")


@require_http_methods(["GET", "POST"])
@admin_required
def category_delete_view(request: AuthenticatedHttpRequest, spec: services.GroupedList) -> HttpResponse:
    name = request.GET.get("nom", "")
    _category(request, spec, name)
    if request.method == "POST":
        call = partial(services.category_delete, user=request.user, name=name, request=request, spec=spec)
        if _attempt(request, None, call):
            done = gettext("Catégorie « %(name)s » retirée de la liste. Les %(rows)s qui l’ont la gardent.")
            messages.success(request, done % {"name": name, "rows": spec.plural})
            return _back(spec)
        return redirect(_edit_url(spec, name))
    context = {"name": name, "version": _version(request, spec), "spec": spec}
    return render(request, "agenda/category_delete.html", context)


def category_patterns(spec: services.GroupedList) -> list[URLPattern]:
    """The editor's pages for one grouped list, to include under its namespace (e.g. at "reglages/categories/")."""
    kwargs = {"spec": spec}
    return [
        path("", categories_view, kwargs, name="categories"),
        path("groupes/ajouter/", group_add_view, kwargs, name="category-group-add"),
        path("groupe/", group_edit_view, kwargs, name="category-group-edit"),
        path("groupe/supprimer/", group_delete_view, kwargs, name="category-group-delete"),
        path("groupe/deplacer/", group_move_view, kwargs, name="category-group-move"),
        path("ajouter/", category_add_view, kwargs, name="category-add"),
        path("categorie/", category_edit_view, kwargs, name="category-edit"),
        path("categorie/deplacer/", category_move_view, kwargs, name="category-move"),
        path("categorie/supprimer/", category_delete_view, kwargs, name="category-delete"),
    ]
