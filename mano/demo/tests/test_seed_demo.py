"""`make demo` seeds through the real services: the command must keep working as the services grow."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from mano.accounts.models import Organisation, User
from mano.agenda.models import Action
from mano.demo.structures import DEMO_STRUCTURES
from mano.medical.models import Consultation, MedicalFile
from mano.persons.models import Comment, Person
from mano.structures.models import Referral, Structure
from mano.territories.models import Observation, Territory

pytestmark = pytest.mark.django_db


def test_the_demo_seed_creates_an_encrypted_organisation_once(capsys):
    call_command("seed_demo", persons=9)
    call_command("seed_demo", persons=9)  # idempotent: the second run only prints the logins
    assert Organisation.objects.filter(name="Maraude démo").count() == 1
    # Three actions, and one "Orientation vers …" action per referral of the demo directory.
    assert Person.objects.count() == 9 and Action.objects.count() == 3 + Referral.objects.count()
    assert Structure.objects.count() == len(DEMO_STRUCTURES) and Referral.objects.count() == 9
    assert Comment.objects.exists()
    assert MedicalFile.objects.count() == 9 and Consultation.objects.exists()
    assert Territory.objects.count() == 6 and Observation.objects.count() == 30
    assert User.objects.filter(email="admin@demo.mano.local").exists()
    output = capsys.readouterr().out
    assert "mano-demo-2026" in output and "Code de récupération" in output
