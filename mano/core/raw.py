"""Query results as the database driver gives them, for reads of thousands of rows where the ORM's converters
cost more than the query: SQLite gives a UUID as 32 hex digits, PostgreSQL as a UUID."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import CharField, Func, QuerySet


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


class UtcText(Func):
    """In SQL, a moment as UTC text ('2026-12-07 09:30:00[.000001]'), for `moment_of`: PostgreSQL's driver takes
    ~10 µs to turn a timestamptz into a datetime and Django's SQLite converter as long, where parsing the text
    takes a tenth of that. SQLite stores moments as this text already (the cast keeps its driver from parsing a
    column declared as a datetime)."""

    template = "CAST(%(expressions)s AS TEXT)"
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
        return self.as_sql(compiler, connection, template=template)


def moment_of(text: str) -> datetime:
    """The aware moment of a `UtcText` value."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
