"""Grouped lists kept in an organisation's configuration: [{"group": title, "items": [names]}].

Used for action categories and reception services. Pure functions: each returns a new list or raises
ValidationError with a French message tied to the field the user typed in.
"""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import ValidationError

Grouped = list[dict[str, Any]]

GROUP_REQUIRED = "Le titre du groupe est obligatoire."
GROUP_EXISTS = "Ce groupe existe déjà."
ITEM_REQUIRED = "Le nom est obligatoire."
UNKNOWN_GROUP = "Ce groupe n’existe plus : rechargez la page."
UNKNOWN_ITEM = "Cet élément n’existe plus : rechargez la page."
MAX_LENGTH = 120


def all_items(grouped: Grouped) -> list[str]:
    return [item for group in grouped for item in group["items"]]


def group_of(grouped: Grouped, item: str) -> str | None:
    return next((g["group"] for g in grouped if item in g["items"]), None)


def _clean(value: str, required: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise ValidationError({"name": required})
    if len(value) > MAX_LENGTH:
        raise ValidationError({"name": f"{MAX_LENGTH} caractères au plus."})
    return value


def _group(grouped: Grouped, title: str) -> dict[str, Any]:
    for group in grouped:
        if group["group"] == title:
            return group
    raise ValidationError({"group": UNKNOWN_GROUP})


def add_group(grouped: Grouped, title: str) -> Grouped:
    title = _clean(title, GROUP_REQUIRED)
    if any(g["group"] == title for g in grouped):
        raise ValidationError({"name": GROUP_EXISTS})
    return [*copy.deepcopy(grouped), {"group": title, "items": []}]


def rename_group(grouped: Grouped, old: str, new: str) -> Grouped:
    new = _clean(new, GROUP_REQUIRED)
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
    item = _clean(item, ITEM_REQUIRED)
    existing = group_of(grouped, item)
    if existing is not None:
        raise ValidationError({"name": f"Cet élément existe déjà : {existing} › {item}"})
    result = copy.deepcopy(grouped)
    _group(result, title)["items"].append(item)
    return result


def rename_item(grouped: Grouped, old: str, new: str) -> Grouped:
    """Rename `old`; if `new` already exists, the two merge (old disappears, new keeps its place)."""
    new = _clean(new, ITEM_REQUIRED)
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
