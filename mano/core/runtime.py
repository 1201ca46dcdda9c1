"""How a serving process settles once Django is loaded: gunicorn's workers import mano.wsgi, which calls
`settle_for_serving`; the benchmark calls it too, so that it measures what production runs."""

from __future__ import annotations

import gc

# A heavy page (a week of actions with a text, a search, the statistics) allocates hundreds of thousands of
# short-lived objects. With Python's default thresholds (700, 10, 10) the collector then runs full collections
# that walk every module, class and compiled regex loaded at startup, several times a request: 20-35 % of such
# pages' time at 20,000 persons (statistics 1,077 → 681 ms, search dupont 118 → 89, measured with both changes).
THRESHOLDS = (50_000, 20, 100)


def settle_for_serving() -> None:
    """Import every view (Django does it lazily, on the first request), then hide what startup allocated from
    the collector (it lives as long as the process: `gc.freeze`) and collect young objects less often."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports the URLconf and every view module it names)
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
