"""Random, huge, missing and extra values posted to the directory's forms: never a 5xx, and a refused post
changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mano.agenda.models import Action
from mano.structures.models import Referral, Structure
from mano.structures.services import structure_create
from mano.testing import login_client

pytestmark = pytest.mark.django_db

FIELDS = [
    "name",
    "description",
    "address",
    "postcode",
    "city",
    "latitude",
    "longitude",
    "phones",
    "email",
    "website",
    "categories",
    "publics",
    "access_conditions",
    "languages",
    "opening_hours",
    "closed_from",
    "closed_until",
    "closure_note",
    "version",
    "persons",
    "persons_found",
    "comment",
    "archiver",
    "structures_members_edit",
]
VALUES = st.one_of(
    st.text(max_size=40),
    st.text(min_size=2000, max_size=8000, alphabet="aé€\n<>\"';=+-@%"),
    st.sampled_from(
        ["", "0", "-91", "1e309", "nan", "inf", "2101-13-45", "Mo-Fr 25:00-26:00", "24/7", "Douche", "on", "\x00"]
        + ["00000000-0000-0000-0000-000000000000", '=HYPERLINK("http://x")', "é" * 300]
    ),
)
FORMS = st.dictionaries(st.sampled_from(FIELDS + ["extra"]), VALUES, max_size=12)


def _fingerprint() -> tuple[Any, ...]:
    return (
        sorted(Structure.objects.values_list("name", "version", "archived_at")),
        Referral.objects.count(),
        Action.objects.count(),
    )


@pytest.fixture
def targets(alice) -> list[str]:
    structure = structure_create(user=alice.user, data={"name": "Cible"})
    return [
        "/structures/nouvelle/",
        f"/structures/{structure.pk}/modifier/",
        f"/structures/{structure.pk}/orienter/",
        "/structures/reglages/",
    ]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.data_too_large, HealthCheck.too_slow],
)
@given(data=FORMS, index=st.integers(min_value=0, max_value=3))
def test_random_posts_never_crash_and_refused_posts_change_nothing(alice, targets, data, index):
    client = login_client(alice)
    before = _fingerprint()
    response = client.post(targets[index], data)
    assert response.status_code < 500, (targets[index], response.status_code)
    if response.status_code != 302:
        assert _fingerprint() == before, targets[index]


@pytest.mark.parametrize("query", ["", "é" * 500, "\x00", "%", "_", "' OR 1=1 --"])
def test_odd_searches_and_positions_answer_normally(alice, query):
    client = login_client(alice)
    for params in ({"q": query}, {"tri": "distance", "lat": "nan", "lon": "inf"}, {"page": "-3"}, {"lat": "1e999"}):
        assert client.get("/structures/", params).status_code == 200
