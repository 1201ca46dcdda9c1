"""Grouped lists kept in an organisation's configuration: [{"group": title, "items": [names]}].

Used for action categories and reception services. Pure functions: each returns a new list or raises
ValidationError with a French message tied to the field the user typed in.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

Grouped = list[dict[str, Any]]

GROUP_REQUIRED = gettext_lazy("Le titre du groupe est obligatoire.")
GROUP_EXISTS = gettext_lazy("Ce groupe existe déjà.")
ITEM_REQUIRED = gettext_lazy("Le nom est obligatoire.")
UNKNOWN_GROUP = gettext_lazy("Ce groupe n’existe plus : rechargez la page.")
UNKNOWN_ITEM = gettext_lazy("Cet élément n’existe plus : rechargez la page.")
MAX_LENGTH = 120


def all_items(grouped: Grouped) -> list[str]:
    return [item for group in grouped for item in group["items"]]


def group_of(grouped: Grouped, item: str) -> str | None:
    return next((g["group"] for g in grouped if item in g["items"]), None)


def find(grouped: Grouped, name: str, key: Callable[[str], str]) -> str | None:
    """The configured item that `key` makes equal to `name` (e.g. ignoring case), or None."""
    wanted = key(name)
    return next((item for item in all_items(grouped) if key(item) == wanted), None)


def clean_name(value: str, required: Any) -> str:
    """A typed title or name with its spaces tidied; `required` is the message when nothing is left."""
    value = " ".join(value.split())
    if not value:
        raise ValidationError({"name": required})
    if len(value) > MAX_LENGTH:
        raise ValidationError({"name": _("%(count)s caractères au plus.") % {"count": MAX_LENGTH}})
    return value


def _group(grouped: Grouped, title: str) -> dict[str, Any]:
    for group in grouped:
        if group["group"] == title:
            return group
    raise ValidationError({"group": UNKNOWN_GROUP})


def add_group(grouped: Grouped, title: str) -> Grouped:
    title = clean_name(title, GROUP_REQUIRED)
    if any(g["group"] == title for g in grouped):
        raise ValidationError({"name": GROUP_EXISTS})
    return [*copy.deepcopy(grouped), {"group": title, "items": []}]


def rename_group(grouped: Grouped, old: str, new: str) -> Grouped:
    new = clean_name(new, GROUP_REQUIRED)
    result = copy.deepcopy(grouped)
    if new != old and any(g["group"] == new for g in result):
        raise ValidationError({"name": GROUP_EXISTS})
    _group(result, old)["group"] = new
    return result


def delete_group(grouped: Grouped, title: str) -> Grouped:
    _group(grouped, title)
    return [copy.deepcopy(g) for g in grouped if g["group"] != title]


def move_group(grouped: Grouped, title: str, offset: int) -> Grouped:
    result = copy.deepcopy(grouped)
    index = result.index(_group(result, title))
    target = max(0, min(len(result) - 1, index + offset))
    result.insert(target, result.pop(index))
    return result


def add_item(grouped: Grouped, title: str, item: str) -> Grouped:
    item = clean_name(item, ITEM_REQUIRED)
    existing = group_of(grouped, item)
    if existing is not None:
        raise ValidationError(
            {"name": _("Cet élément existe déjà : %(group)s › %(item)s") % {"group": existing, "item": item}}
        )
    result = copy.deepcopy(grouped)
    _group(result, title)["items"].append(item)
    return result


def rename_item(grouped: Grouped, old: str, new: str) -> Grouped:
    """Rename `old`; if `new` already exists, the two merge (old disappears, new keeps its place)."""
    new = clean_name(new, ITEM_REQUIRED)
    if group_of(grouped, old) is None:
        raise ValidationError({"item": UNKNOWN_ITEM})
    result = copy.deepcopy(grouped)
    merging = new != old and group_of(grouped, new) is not None
    for group in result:
        if merging:
            group["items"] = [i for i in group["items"] if i != old]
        else:
            group["items"] = [new if i == old else i for i in group["items"]]
    return result


def delete_item(grouped: Grouped, item: str) -> Grouped:
    if group_of(grouped, item) is None:
        raise ValidationError({"item": UNKNOWN_ITEM})
    return [{**g, "items": [i for i in g["items"] if i != item]} for g in copy.deepcopy(grouped)]


def move_item(grouped: Grouped, item: str, *, offset: int = 0, to_group: str | None = None) -> Grouped:
    """Move up/down inside its group (offset), or to the end of another group."""
    source = group_of(grouped, item)
    if source is None:
        raise ValidationError({"item": UNKNOWN_ITEM})
    result = copy.deepcopy(grouped)
    group = _group(result, source)
    if to_group is not None and to_group != source:
        target = _group(result, to_group)
        group["items"].remove(item)
        target["items"].append(item)
        return result
    items = group["items"]
    index = items.index(item)
    items.insert(max(0, min(len(items) - 1, index + offset)), items.pop(index))
    return result
