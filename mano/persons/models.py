"""Persons followed by the teams. Everything about them is inside the encrypted payload."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from mano.core.models import EncryptedRecord

GENDERS = ["Aucun", "Homme", "Femme", "Homme transgenre", "Femme transgenre", "Non binaire", "Autre"]


class Person(EncryptedRecord):
    """Payload keys: name, other_names, gender, birth_date, phone, email, description,
    vulnerable, in_street_since, followed_since."""

    teams = models.ManyToManyField("accounts.Team", related_name="persons", verbose_name=_("équipes en charge"))

    class Meta:
        indexes = [models.Index(fields=["organisation", "deleted_at", "-created_at"])]
