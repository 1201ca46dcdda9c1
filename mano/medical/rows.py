"""A consultation's row as lists show it (the person's medical section, the reports, the agenda), written in Python
rather than through the template engine: a heavy file shows 200 of them (21 ms through a template, ~2 ms here) and
a week of the agenda seventy. Every value is escaped."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from html import escape
from typing import Any, NamedTuple

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from mano.core.rows import date_shown, url_maker
from mano.medical.models import Status
from mano.medical.selectors import ConsultationRow


class Words(NamedTuple):
    """The fixed parts of the rows, in the current language and escaped, worked out once per list."""

    statuses: dict[str, str]
    only_me: str
    consultation_url: Callable[[Any], str]
    person_url: Callable[[Any], str]


def fixed_words() -> Words:
    return Words(
        statuses={value: escape(str(label)) for value, label in Status.choices},
        only_me=escape(gettext("visible seulement par moi")),
        consultation_url=url_maker("medical:consultation"),
        person_url=url_maker("persons:detail"),
    )


class Shown(NamedTuple):
    """What a row shows of a consultation; `title` None: private to another professional (`owner` is named)."""

    pk: Any
    status: str
    due_at: datetime
    completed_at: datetime | None
    private: bool
    title: str | None
    kind: str = ""
    person_id: str = ""
    person_name: str = ""  # "": no link to the person
    owner: str = ""


def row_html(row: Shown, words: Words) -> SafeString:
    due = escape(date_shown(row.due_at, "d/m/Y H:i"))
    if row.title is None:
        owner = gettext("visible seulement par %(name)s") % {"name": escape(row.owner)}
        li = '<li class="list__row consultation consultation--hidden" aria-disabled="true"><span class="muted">'
        return mark_safe(f"\n{li}{due} · {owner}</span></li>\n\n")  # noqa: S308
    name = row.person_name
    link = f' · <a href="{escape(words.person_url(row.person_id))}#medical">{escape(name)}</a>' if name else ""
    when = escape(date_shown(row.completed_at, "d/m/Y H:i")) if row.completed_at else due
    private = f" · 🔒 {words.only_me}" if row.private else ""
    status = escape(row.status)
    return mark_safe(  # noqa: S308  (every value is escaped)
        f'\n<li class="list__row consultation consultation--{status}"><div>'
        f'<a href="{escape(words.consultation_url(row.pk))}">{escape(row.title)}</a>{link}\n'
        f'<br><small class="muted">{escape(row.kind)} · {when}{private}</small></div>\n'
        f'<span class="badge badge--{status}">{words.statuses.get(row.status, status)}</span></li>\n'
    )


def list_html(rows: Iterable[SafeString]) -> SafeString:
    """The rows in their list, or the list's empty state."""
    empty = escape(gettext("Aucune consultation pour l’instant."))
    items = "".join(rows) or f'<li class="list__row muted">{empty}</li>'
    return mark_safe(f'<ul class="list consultations">{items}</ul>')  # noqa: S308  (rows and text escaped)


def shown(row: ConsultationRow, *, show_person: bool) -> Shown:
    consultation = row.consultation
    return Shown(
        pk=consultation.pk,
        status=consultation.status,
        due_at=consultation.due_at,
        completed_at=consultation.completed_at,
        private=consultation.only_visible_by_id is not None,
        title=None if row.hidden else row.title,
        kind=row.type,
        person_id=row.person_id,
        person_name=row.person_name if show_person else "",
        owner=row.owner_name,
    )


def consultation_rows_html(rows: Iterable[ConsultationRow], *, show_person: bool) -> SafeString:
    fixed = fixed_words()
    return list_html(row_html(shown(row, show_person=show_person), fixed) for row in rows)
