"""Building blocks of the authorization matrix (mano/accounts/tests/test_authorization_matrix.py).

Each app adds its rows in `mano/<app>/tests/matrix_<feature>.py`: `GET_ROWS` and `POST_ROWS` map
(url name, variant) to (url builder, expected status per persona); an optional `build(world)` adds the
objects its URLs need to the shared `world` dict (org A is `world["a"]`, org B is `world["b"]`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PERSONAS = ["anonymous", "superadmin", "restricted", "stats", "normal", "normal_health", "admin", "admin_health"]
MEMBERS = PERSONAS[2:]
PERSON_ROLES = {"restricted", "normal", "normal_health", "admin", "admin_health"}
FULL_ROLES = {"normal", "normal_health", "admin", "admin_health"}
ADMINS = {"admin", "admin_health"}
LOGIN, FORBIDDEN, GONE = 302, 403, 410

Row = tuple[Callable[[dict[str, Any]], str], dict[str, int]]


def expect(
    *, anonymous: int = LOGIN, superadmin: int = 404, members: int = 200, only: set[str] | None = None, other: int = 403
) -> dict[str, int]:
    """One row: `only` lists the member personas that get `members`; the rest get `other`."""
    row = {"anonymous": anonymous, "superadmin": superadmin}
    for persona in MEMBERS:
        row[persona] = members if only is None or persona in only else other
    return row


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, status)
