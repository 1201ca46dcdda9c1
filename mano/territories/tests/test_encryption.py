"""Where people live rough is sensitive: a territory's name, perimeter, description and history, and an observation's
values reach the database only encrypted, whichever page they were typed on."""

from __future__ import annotations

from uuid import uuid4

import pytest
from django.urls import reverse
from django.utils import timezone

from mano.core.records import record_data
from mano.core.tests.leaks import encodings, leaks, session_texts, stored_values
from mano.territories.models import Observation, Territory

pytestmark = pytest.mark.django_db


def test_no_territory_or_observation_canary_in_any_table_or_session(bob, org_a, unlocked_client):
    canaries = [f"CANARY-{uuid4()}" for _ in range(5)]
    client = unlocked_client(bob)
    created = client.post(
        reverse("territories:create"),
        {"name": canaries[0], "perimeter": canaries[1], "description": canaries[2], "types": ["Campement"]},
    )
    assert created.status_code == 302
    territory = Territory.objects.get()
    edited = client.post(
        reverse("territories:edit", args=[territory.pk]), {"name": canaries[3], "types": ["Campement"], "version": "1"}
    )
    assert edited.status_code == 302
    moment = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    observed = client.post(
        reverse("territories:observation-add", args=[territory.pk]),
        {"territory": str(territory.pk), "team": str(org_a.day.pk), "observed_at": moment, "c_comment": canaries[4]},
    )
    assert observed.status_code == 302
    page = client.get(reverse("territories:detail", args=[territory.pk]))
    assert canaries[4] in page.content.decode()
    # Positive control: the values are stored, encrypted, and the old name sits in the history.
    data = record_data(Territory.objects.get(), bob.keyring)
    assert data["name"] == canaries[3] and data["history"][0]["changes"]["name"][0] == canaries[0]
    assert record_data(Observation.objects.get(), bob.keyring)["custom"]["comment"] == canaries[4]
    needles = {needle for value in canaries for needle in encodings(value.encode())} | {b"CANARY"}
    assert leaks(needles, stored_values()) == []
    assert leaks(needles, [("session", text) for text in session_texts()]) == []
