"""Query results as the database driver gives them, for reads of thousands of rows where the ORM's converters
cost more than the query: SQLite gives a UUID as 32 hex digits, PostgreSQL as a UUID."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet


def raw_values(rows: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a `values_list` query, without the ORM's converters."""
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # filtered on an empty list: no query to run
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def as_uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(value)


def hex_of(value: Any) -> str:
    """A raw UUID value as 32 hex digits, on either database."""
    return value if isinstance(value, str) else value.hex
