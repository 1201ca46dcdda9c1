"""The directory of structures (public information, stored in clear) and the referrals counted per structure."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.db import models

from mano.persons.text import fold


def name_key_of(name: str) -> str:
    """What makes two names the same structure: case, accents, spaces and punctuation ignored."""
    return " ".join(re.findall(r"\w+", fold(name)))


def facet(kind: str, value: str) -> str:
    """One value of a list field as it appears in `Structure.facets`."""
    return f"|{kind}:{fold(value)}|"


def facets_of(categories: list[str], publics: list[str]) -> str:
    return (
        "|"
        + "".join(facet("categories", c)[1:] for c in categories)
        + "".join(facet("publics", p)[1:] for p in publics)
    )


class Structure(models.Model):
    """A place people can be referred to. Everything here is public directory information, not personal data,
    so it stays in clear: SQL searches (`search_text`, folded) and sorts it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    # The folded name (case, accents and spaces ignored): unique per organisation.
    name_key = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    city = models.CharField(max_length=120, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    phones = models.JSONField(default=list, blank=True)
    email = models.CharField(max_length=254, blank=True)
    website = models.CharField(max_length=300, blank=True)
    categories = models.JSONField(default=list, blank=True)
    publics = models.JSONField(default=list, blank=True)
    access_conditions = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    opening_hours = models.CharField(max_length=500, blank=True)
    closed_from = models.DateField(null=True, blank=True)
    closed_until = models.DateField(null=True, blank=True)
    closure_note = models.CharField(max_length=300, blank=True)
    # Folded words of name, description, city, postcode and categories: one LIKE per searched word.
    search_text = models.TextField(blank=True)
    # Categories and publics as "|categories:<folded>|publics:<folded>|", for filters that work the same way on
    # SQLite and PostgreSQL (see facet()).
    facets = models.TextField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name_key"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name_key"], name="unique_structure_name"),
        ]
        indexes = [models.Index(fields=["organisation", "archived_at", "name_key"])]

    def __str__(self) -> str:
        return self.name


class Referral(models.Model):
    """One referral ("orientation") to a structure, for counting. It names no person and no action in clear:
    `action_link` is a keyed hash of the referral's action under the organisation's general key, so only a
    member's session can find the row again (to remove it with its action); a database dump cannot join it."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="referrals")
    team = models.ForeignKey("accounts.Team", null=True, on_delete=models.SET_NULL, related_name="+")
    action_link = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "structure"])]
