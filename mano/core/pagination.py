"""Pages of decrypted rows: paginate the database objects, then open only the ones the page shows."""

from __future__ import annotations

from typing import TypeVar, cast

from django.core.paginator import Page

T = TypeVar("T")
RowT = TypeVar("RowT")


def page_with_rows(page: Page[T], rows: list[RowT]) -> Page[RowT]:
    """The same page (number, counts, links), now showing `rows` (built from its objects) instead of them."""
    shown = cast("Page[RowT]", page)  # the same object: only its object_list changes type
    shown.object_list = rows
    return shown
