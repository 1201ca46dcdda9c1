"""Pages of decrypted rows: paginate the database objects, then open only the ones the page shows."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django.core.paginator import Page
from django.db.models import Count, QuerySet, Window

T = TypeVar("T")
RowT = TypeVar("RowT")


def page_with_rows(page: Page[T], rows: list[RowT]) -> Page[RowT]:
    """The same page (number, counts, links), now showing `rows` (built from its objects) instead of them."""
    shown = cast("Page[RowT]", page)  # the same object: only its object_list changes type
    shown.object_list = rows
    return shown


def counted_first(rows: QuerySet[Any], order: tuple[str, ...], limit: int) -> tuple[int, list[Any]]:
    """The count of `rows` and the first `limit` of them in one query (`COUNT(*) OVER ()`): the database reads
    the rows once instead of once for the count and once for the page."""
    first = list(rows.annotate(counted_total=Window(Count("pk"))).order_by(*order)[:limit])
    return (first[0].counted_total if first else 0), first
