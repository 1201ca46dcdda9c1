"""Reads for the comments of a person: its comments plus the comments of its passages and rencontres.

Rows are ordered by plaintext timestamps (a comment's creation, a passage's date), so a page opens only the
comments it shows; passages and rencontres are opened while walking, because an empty comment hides them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Organisation, User
from mano.core.crypto import Keyring
from mano.core.records import record_data, records_data
from mano.persons.models import Comment, Passage, Person, Rencontre
from mano.persons.selectors.families import page_family_others
from mano.persons.selectors.passages import Encounters, enabled_kinds, live_encounters
from mano.persons.selectors.persons import PersonView

READ_ROLES = ("admin", "normal")
SECTION_SIZE = 10
PAGE_SIZE = 50
PRINT_SIZE = 1000
KIND_LABELS = {"comment": _("Commentaire"), "passage": _("Passage"), "rencontre": _("Rencontre")}


@dataclass(frozen=True)
class Entry:
    """One row of a comments list: a comment, or a passage or rencontre that carries a comment."""

    kind: str
    record: Comment | Passage | Rencontre
    data: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.data.get("text" if self.kind == "comment" else "comment") or "")

    @property
    def moment(self) -> datetime | None:
        """The date the row concerns: "Concerne le" for a comment, the date of a passage or rencontre."""
        if isinstance(self.record, Passage | Rencontre):
            return self.record.date
        try:
            return datetime.fromisoformat(str(self.data.get("date")))
        except ValueError:
            return self.record.created_at

    @property
    def urgent(self) -> bool:
        return bool(self.data.get("urgent"))

    @property
    def family(self) -> bool:
        return bool(self.data.get("family"))

    @property
    def edited(self) -> list[dict[str, Any]]:
        return [
            {**note, "at": _parse(note.get("at"))} for note in self.data.get("edited", []) if isinstance(note, dict)
        ]

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])


@dataclass(frozen=True)
class Timeline:
    entries: list[Entry]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _parse(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _check_role(user: User) -> None:
    if user.role not in READ_ROLES:
        raise Http404


def comment_get(*, user: User, person: Person, comment_id: UUID) -> Comment:
    """A live comment of `person` in the user's organisation, or 404."""
    _check_role(user)
    comment = (
        Comment.objects.filter(
            organisation_id=user.member_organisation_id, person=person, pk=comment_id, deleted_at=None
        )
        .select_related("created_by", "team", "person")
        .first()
    )
    if comment is None:
        raise Http404
    return comment


def comment_was_deleted(*, user: User, person: Person, comment_id: UUID) -> bool:
    """True for a comment of `person` (user's organisation) deleted since: an edit in progress lost its row."""
    _check_role(user)
    rows = Comment.objects.filter(organisation_id=user.member_organisation_id, person=person, pk=comment_id)
    return rows.exclude(deleted_at=None).exists()


def comment_entry(comment: Comment, keyring: Keyring) -> Entry:
    return Entry("comment", comment, record_data(comment, keyring))


def comment_timeline(
    *,
    user: User,
    keyring: Keyring,
    person: Person,
    page: int = 1,
    size: int = PAGE_SIZE,
    read: dict[str, Encounters] | None = None,
) -> Timeline:
    """Newest first: the person's comments and its passages/rencontres that carry a comment.

    Reads every comment's and encounter's id and date (the page may have `read` the encounters already), opens
    the comments of this page only and the passages and rencontres newer than the end of this page (plus one
    row to know whether a next page exists).
    """
    _check_role(user)
    organisation: Organisation = user.organisation  # type: ignore[assignment]
    page = max(1, page)
    comment_keys = Comment.objects.filter(person=person, deleted_at=None).values_list("created_at", "id")
    if read is None:
        read = {kind: Encounters(kind, person) for kind in enabled_kinds(organisation)}
    keys = [(at, "comment", pk) for at, pk in comment_keys]
    keys += [(at, kind, pk) for kind, encounters in read.items() for pk, at in encounters.keys]
    keys.sort(key=lambda k: (k[0], k[2]), reverse=True)
    start, seen, has_next = (page - 1) * size, 0, False
    chosen: list[tuple[str, UUID, Passage | Rencontre | None, dict[str, Any]]] = []
    for _at, kind, pk in keys:
        row, data = None, {}
        if kind != "comment":
            row = read[kind].row(pk)
            if row is None:
                continue  # deleted since the ids were read
            data = record_data(row, keyring)
            if not str(data.get("comment") or "").strip():
                continue
        if seen >= start + size:
            has_next = True
            break
        if seen >= start:
            chosen.append((kind, pk, row, data))
        seen += 1
    return Timeline(_entries(chosen, keyring), page, has_next)


def _entries(
    chosen: list[tuple[str, UUID, Passage | Rencontre | None, dict[str, Any]]], keyring: Keyring
) -> list[Entry]:
    """The chosen rows as entries: the encounters already opened, the comments opened here in one query."""
    wanted = [pk for kind, pk, _, _ in chosen if kind == "comment"]
    comments = Comment.objects.filter(pk__in=wanted).select_related("created_by", "team") if wanted else []
    opened = {c.pk: Entry("comment", c, data) for c, data in records_data(comments, keyring)}
    return [
        Entry(kind, row, data) if row is not None else opened[pk]
        for kind, pk, row, data in chosen
        if row is not None or pk in opened
    ]


def comments_for_persons(
    *, user: User, keyring: Keyring, person_ids: Iterable[UUID], family_only: bool = True
) -> list[Entry]:
    """Comments of several persons of the user's organisation, newest first (for the families module).

    With `family_only` (the default) only comments flagged "Commentaire familial" are returned: each family
    member sees them. The flag is encrypted, so every comment of these persons is opened: keep the list short.
    `entry.record.person_id` tells whose file the comment was written on.
    """
    _check_role(user)
    rows = (
        Comment.objects.filter(
            organisation_id=user.member_organisation_id, person_id__in=list(person_ids), deleted_at=None
        )
        .select_related("created_by", "team")
        .order_by("-created_at", "-id")
    )
    entries = [Entry("comment", c, data) for c, data in records_data(rows, keyring)]
    return [e for e in entries if e.family] if family_only else entries


def section(request: HttpRequest, view: PersonView) -> dict[str, Any]:
    """Context for templates/persons/sections/comments.html: the newest rows; the print page shows them all."""
    match = request.resolver_match
    size = PRINT_SIZE if match is not None and match.url_name == "print" else SECTION_SIZE
    timeline = comment_timeline(
        user=request.user,  # type: ignore[arg-type]
        keyring=request.keyring,  # type: ignore[attr-defined]
        person=view.person,
        size=size,
        read={kind: live_encounters(view, kind) for kind in enabled_kinds(request.user.organisation)},  # type: ignore[union-attr, arg-type]
    )
    return {"person": view.person, "timeline": timeline, "family": _family_comments(request, view.person, size)}


def _family_comments(request: HttpRequest, person: Person, size: int) -> list[Entry]:
    """Family comments written on the other members' files: every member of the family sees them."""
    user, keyring = request.user, request.keyring  # type: ignore[attr-defined]
    others = page_family_others(request, person)  # none when families are off
    if not others:
        return []
    return comments_for_persons(user=user, keyring=keyring, person_ids=others)[:size]  # type: ignore[arg-type]
