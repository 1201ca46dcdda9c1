"""How a serving process settles once Django is loaded: gunicorn's workers import mano.wsgi, which calls
`settle_for_serving`; the benchmark calls it too, so that it measures what production runs."""

from __future__ import annotations

import ctypes
import gc
from typing import Any

from django.core.signals import request_finished

# A heavy page (a week of actions with a text, a search, the statistics) allocates hundreds of thousands of
# short-lived objects. With Python's default thresholds (700, 10, 10) the collector then runs full collections
# that walk every module, class and compiled regex loaded at startup, several times a request: 20-35 % of such
# pages' time at 20,000 persons (statistics 1,077 → 681 ms, search dupont 118 → 89, measured with both changes).
THRESHOLDS = (50_000, 20, 100)


def _trimmer() -> Any:
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None  # not glibc (macOS…): another allocator, another policy


# glibc keeps the memory a request freed for the next ones; a heavy page (the statistics, a search) frees tens of
# megabytes in holes between longer-lived blocks, which the next heavy page cannot always reuse, and a worker grows
# by each of them: peak RSS of `python -m bench.run` at large size on PostgreSQL 336 → 282 MB. Handing the free
# pages back once the response is sent cost nothing measurable (search dupont without / with: 108 / 106 ms).
_MALLOC_TRIM = _trimmer()


def give_back_freed_memory(**_: Any) -> None:
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def settle_for_serving() -> None:
    """Import every view (Django does it lazily, on the first request), then hide what startup allocated from
    the collector (it lives as long as the process: `gc.freeze`), collect young objects less often and give the
    memory a request freed back to the system once its response is sent."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports the URLconf and every view module it names)
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    request_finished.connect(give_back_freed_memory, dispatch_uid="mano.give_back_freed_memory")
