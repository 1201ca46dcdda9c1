from __future__ import annotations

import pytest

from mano.persons.services import person_create
from mano.testing import Org


@pytest.fixture
def karim(org_a: Org):
    member = org_a["admin_health"]
    return person_create(user=member.user, keyring=member.keyring, teams=[org_a.day], name="Karim Benali")
