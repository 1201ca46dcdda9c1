"""The dates Mano accepts, everywhere: years 1900 to 2100. Beyond, a typo (0202, 20266) would be stored, and
the day before or after, or two months later, would not exist (years 1 and 9999) and a page would fail."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

FIRST_YEAR, LAST_YEAR = 1900, 2100
DATE_OUT_OF_RANGE = _("Date hors limites (entre 1900 et 2100).")


def in_range(value: date) -> bool:
    """Whether a date (or datetime) falls in the years Mano accepts."""
    return FIRST_YEAR <= value.year <= LAST_YEAR


def check_range(value: date | None) -> date | None:
    """A form field's date, or its error when it falls outside the years Mano accepts."""
    if value is not None and not in_range(value):
        raise forms.ValidationError(DATE_OUT_OF_RANGE)
    return value
