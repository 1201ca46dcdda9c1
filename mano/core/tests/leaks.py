"""Helpers for the at-rest tests: every stored value, whole-database dumps, and the encodings a secret hides in.

Not a test module (no `test_` prefix): imported by test_no_plaintext_at_rest and test_no_key_at_rest.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache.backends import locmem
from django.db import connection


def encodings(secret: bytes) -> set[bytes]:
    """`secret` raw, in hex (both cases), and in standard and URL-safe base64 at every byte alignment.

    For base64, the first and last 4-character groups are dropped: they mix in the neighbouring
    bytes, so what remains matches `secret` wherever it sits inside a longer encoded blob.
    """
    found = {secret, secret.hex().encode(), secret.hex().upper().encode()}
    for pad in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            text = encode(bytes(pad) + secret)
            found.add(text[4 if pad else 0 : -4])
    assert all(len(needle) >= 16 for needle in found), "secret too short to search for without false positives"
    return found


def as_bytes(value: object) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, str):
        return value.encode()
    return str(value).encode()


def stored_values() -> Iterator[tuple[str, bytes]]:
    """(table, value) for every non-null cell of every table, read with raw SQL (no model, no decoding)."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        assert tables, "no table found"
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (introspected names)
            for row in cursor.fetchall():
                for value in row:
                    if value is not None:
                        yield table, as_bytes(value)


def session_texts() -> list[bytes]:
    """Every session row as stored, and decoded (Django compresses and base64-encodes session data)."""
    texts = []
    for row in Session.objects.all():
        decoded = SessionStore().decode(row.session_data)
        assert decoded, "a session row did not decode: the search would miss its content"
        texts.append(row.session_data.encode())
        texts.append(json.dumps(decoded, ensure_ascii=False).encode())
    return texts


def cache_values() -> list[bytes]:
    """Everything held by the local-memory cache backends (pickled values, as they would sit in Redis)."""
    return [as_bytes(value) for cache in locmem._caches.values() for value in cache.values()]


def database_dump() -> bytes:
    """The whole database as a backup would hold it: the SQLite file image and its SQL dump, or `pg_dump`.

    Only committed rows appear in `pg_dump`: tests using it need `django_db(transaction=True)`.
    """
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        raw = connection.connection
        return raw.serialize() + "\n".join(raw.iterdump()).encode()
    if connection.vendor == "postgresql":
        return pg_dump()
    raise AssertionError(f"no dump for {connection.vendor}")


def pg_dump() -> bytes:
    executable = shutil.which("pg_dump")
    if executable is None:
        pytest.skip("pg_dump absent (apt-get install postgresql-client)")
    params = connection.settings_dict
    command = [executable, "--no-owner", "--dbname", params["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if params.get(key):
            command += [flag, str(params[key])]
    env = {**os.environ, "PGPASSWORD": params.get("PASSWORD") or ""}
    done = subprocess.run(command, capture_output=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert b"COPY public.persons_person" in done.stdout, "pg_dump did not include the persons table"
    return done.stdout


def files_under(root: Path) -> list[tuple[str, bytes]]:
    """(path, content) of every file below `root` (the encrypted documents folder, media)."""
    return [(str(path), path.read_bytes()) for path in sorted(root.rglob("*")) if path.is_file()]


def leaks(needles: Iterable[bytes], haystacks: Iterable[tuple[str, bytes]]) -> list[str]:
    """Where any needle occurs, as 'place: needle' (needles are shortened in the report)."""
    needles = list(needles)
    found = []
    for place, hay in haystacks:
        found.extend(f"{place}: {needle[:24]!r}…" for needle in needles if needle in hay)
    return found


@contextmanager
def sql_logged() -> Iterator[None]:
    """Log every SQL statement with its parameters (django.db.backends, DEBUG), as DEBUG=True would."""
    connection.ensure_connection()
    previous = connection.force_debug_cursor
    connection.force_debug_cursor = True
    try:
        yield
    finally:
        connection.force_debug_cursor = previous
