import re
import pytest
from uuid import uuid4
from django.urls import reverse
from mano.medical.tests.test_isolation import _health_rows, _person, _badge
from mano.medical.fieldsets import MEDICAL_FIELDS, CONSULTATION_TYPES
from mano.persons.selectors.fields import config_version
from mano.persons.services.fields import field_group_add
from mano.testing import login_client

pytestmark = pytest.mark.django_db

def test_nurse_sees(org_a):
    nurse = org_a["normal_health"]
    canary = f"CANARY-{uuid4()}"
    person = _person(nurse, org_a, "Karim")
    c = login_client(nurse)
    before = _badge(c)
    _health_rows(nurse, person, canary, org_a.day, urgent=True)
    for url in ["/agenda/?equipe=toutes", "/agenda/semaine/?equipe=toutes", "/agenda/liste/?equipe=toutes", "/agenda/priorites/"]:
        r = c.get(url)
        print(url, r.status_code, canary in r.content.decode(), "Karim" in r.content.decode())
    print("badge", before, _badge(c))

def test_group_move(org_a):
    admin = org_a["admin_health"]
    org = org_a.organisation
    for spec in (MEDICAL_FIELDS, CONSULTATION_TYPES):
        org.refresh_from_db()
        field_group_add(user=admin.user, name="Deux", config_version=config_version(org, spec.part), spec=spec)
    c = login_client(admin)
    for spec in (MEDICAL_FIELDS, CONSULTATION_TYPES):
        org.refresh_from_db()
        before_person = [g["name"] for g in org.person_field_groups]
        before = [g["name"] for g in getattr(org, spec.column)]
        r = c.post(reverse(f"{spec.namespace}:field-group-move", args=[0]), {"direction": "down", "version": config_version(org, spec.part)}, follow=True)
        org.refresh_from_db()
        msgs = re.findall(r'class="[^"]*(?:alert|message)[^"]*"[^>]*>([^<]*)', r.content.decode())
        print(spec.namespace, before, "->", [g["name"] for g in getattr(org, spec.column)], "persons", before_person, "->", [g["name"] for g in org.person_field_groups], msgs)
