"""Random, huge, missing and extra values posted to every form: never a 5xx, and a refused post changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mano.accounts.models import AccountToken, KeyGrant, Organisation, Team, User
from mano.persons.models import Person
from mano.persons.services import person_create
from mano.testing import login_client

pytestmark = pytest.mark.django_db

FIELDS = [
    "email",
    "password",
    "password_again",
    "current",
    "name",
    "phone",
    "role",
    "teams",
    "is_health_professional",
    "disabled",
    "night_team",
    "idle_minutes",
    "code",
    "admin_name",
    "admin_email",
    "other_names",
    "gender",
    "birth_date",
    "followed_since",
    "in_street_since",
    "vulnerable",
    "description",
    "version",
    "team",
    "next",
]
VALUES = st.one_of(
    st.text(max_size=40),
    st.text(min_size=5000, max_size=20000, alphabet="aé€\n<>\"'%"),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "99999999999999999999",
            "1900-01-01",
            "2101-13-45",
            "on",
            "admin",
            "superadmin",
            "00000000-0000-0000-0000-000000000000",
            "../../etc/passwd",
            "\x00",
            "é" * 300,
        ]
    ),
)
FORMS = st.dictionaries(st.sampled_from(FIELDS + ["extra", "csrfmiddlewaretoken"]), VALUES, max_size=12)


def _fingerprint() -> tuple[Any, ...]:
    return (
        User.objects.count(),
        Team.objects.count(),
        Organisation.objects.count(),
        KeyGrant.objects.count(),
        AccountToken.objects.count(),
        sorted(Person.objects.values_list("version", flat=True)),
        sorted(User.objects.values_list("name", "role", "disabled", "is_health_professional")),
        sorted(Team.objects.values_list("name", "night_team")),
    )


@pytest.fixture
def targets(org_a, bob) -> list[str]:
    person = person_create(user=bob.user, keyring=bob.keyring, teams=[org_a.day], name="Fuzz")
    member = org_a["normal"].user
    return [
        "/connexion/",
        "/deverrouiller/",
        "/mot-de-passe-oublie/",
        "/compte/",
        "/compte/mot-de-passe/",
        "/equipe/",
        "/organisation/",
        "/organisation/membres/inviter/",
        f"/organisation/membres/{member.pk}/",
        "/organisation/equipes/",
        f"/organisation/equipes/{org_a.day.pk}/",
        "/organisation/recuperation/",
        "/personnes/nouvelle/",
        f"/personnes/{person.pk}/modifier/",
        "/activer/not-a-token/",
        "/reinitialiser/x/",
    ]


@settings(
    max_examples=40,
    deadline=None,
    # The 5,000-20,000 character values are the point: large inputs must not trip the generator's own limits.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.data_too_large, HealthCheck.too_slow],
)
@given(data=FORMS, index=st.integers(min_value=0, max_value=15))
def test_random_posts_never_crash_and_refused_posts_change_nothing(org_a, targets, data, index):
    client = login_client(org_a["admin_health"])
    before = _fingerprint()
    response = client.post(targets[index], data)
    assert response.status_code < 500, (targets[index], response.status_code)
    if response.status_code != 302:
        assert _fingerprint() == before, targets[index]
