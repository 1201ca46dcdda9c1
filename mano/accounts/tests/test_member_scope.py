"""Queries scoped through User.member_organisation_id: the platform operator, who has no organisation, gets 404."""

import pytest
from django.http import Http404

from mano.accounts.selectors import member_get
from mano.accounts.services.bootstrap import superadmin_create
from mano.testing import PASSWORD, build_org


@pytest.mark.django_db
def test_member_organisation_id_is_the_members_organisation_and_404_for_the_operator():
    org = build_org("Scope")
    operator = superadmin_create(email="operator@platform.test", name="Operator", password=PASSWORD)

    assert org["normal"].user.member_organisation_id == org.organisation.pk
    with pytest.raises(Http404):
        _ = operator.member_organisation_id
    with pytest.raises(Http404):  # an operator never reads an organisation's members through member selectors
        member_get(user=operator, member_id=org["normal"].user.pk)
    assert member_get(user=org["admin"].user, member_id=org["normal"].user.pk) == org["normal"].user
