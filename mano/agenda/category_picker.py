"""The categories picker: checkboxes grouped as the organisation configures them, in a collapsible box with a
filter field (static/js/categories.js). Also builds the same grouped choices for the agenda filters."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mano.core import grouped

OUTSIDE_GROUP = _("Catégories retirées de la liste")


def _kept(value: Any) -> list[str]:
    """Categories already chosen; an old initial value may still be one comma-separated string."""
    if isinstance(value, str):
        return [c.strip() for c in value.split(",") if c.strip()]
    return [str(c) for c in value or []]


def choice_groups(config: grouped.Grouped, chosen: Iterable[str]) -> list[dict[str, Any]]:
    """[{group, items: [{value, checked}]}]; chosen names no longer configured come last, checked, so an edit
    never drops them silently."""
    chosen = list(chosen)
    listed = set(grouped.all_items(config))
    groups = [
        {"group": g["group"], "items": [{"value": i, "checked": i in chosen} for i in g["items"]]}
        for g in config
        if g["items"]
    ]
    outside = [c for c in dict.fromkeys(chosen) if c not in listed]
    if outside:
        groups.append({"group": str(OUTSIDE_GROUP), "items": [{"value": c, "checked": True} for c in outside]})
    return groups


class CategoryPicker(forms.CheckboxSelectMultiple):
    template_name = "agenda/_category_widget.html"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.config: grouped.Grouped = []

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = forms.Widget.get_context(self, name, value, attrs)  # no optgroups: the groups replace them
        allowed = {str(v) for v, _ in self.choices}
        chosen = [c for c in _kept(value) if c in allowed]  # a refused value is not shown back as chosen
        context["widget"]["groups"] = choice_groups(self.config, chosen)
        context["widget"]["chosen"] = chosen
        return context

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return f"{id_}_search" if id_ and index is None else id_


class CategoriesField(forms.MultipleChoiceField):
    """Categories of the organisation, plus those already on the action even if removed from the configuration."""

    widget = CategoryPicker

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=(), **kwargs)

    def configure(self, config: grouped.Grouped, kept: Any) -> None:
        items = grouped.all_items(config)
        items += [c for c in _kept(kept) if c not in items]
        self.choices = [(i, i) for i in items]
        self.widget.config = config

    def prepare_value(self, value: Any) -> Any:
        return _kept(value)
