"""Authorization rows for the documents and folders of a person (admin and normal members only)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mano.persons.services import person_create
from mano.persons.services.documents import document_create, folder_create
from mano.testing_matrix import FULL_ROLES, Row, expect

PDF = b"%PDF-1.7\nmatrix\n%%EOF\n"


def _person_with_files(member: Any, team: Any, name: str) -> dict[str, Any]:
    person = person_create(user=member.user, keyring=member.keyring, teams=[team], name=name)
    folder = folder_create(user=member.user, keyring=member.keyring, person=person, name="Administratif")
    document = document_create(
        user=member.user, keyring=member.keyring, person=person, name="attestation.pdf", chunks=[PDF]
    )
    return {"person": person, "folder": folder, "document": document}


def build(world: dict[str, Any]) -> None:
    a, b = world["a"], world["b"]
    world["documents"] = {
        "own team": _person_with_files(a["admin_health"], a.day, "Documents jour"),
        "other team": _person_with_files(a["admin_health"], a.night, "Documents nuit"),
        "other org": _person_with_files(b["admin_health"], b.day, "Documents ailleurs"),
    }


def _rows(name: str, *objects: str, members: int = 200, variants: tuple[str, ...] = ()) -> dict[tuple[str, str], Row]:
    """One row per variant: own team and other team are allowed (same organisation), other org is 404."""

    def url(variant: str) -> Any:
        return lambda w: reverse(
            f"persons:{name}", args=[w["documents"][variant][key].pk for key in ("person", *objects)]
        )

    return {
        (f"persons:{name}", variant): (
            url(variant),
            expect(only=FULL_ROLES, members=404 if variant == "other org" else members),
        )
        for variant in variants or ("own team", "other team", "other org")
    }


GET_ROWS: dict[tuple[str, str], Row] = {
    **_rows("document-add"),
    **_rows("document-edit", "document"),
    **_rows("document-download", "document"),
    **_rows("document-open", "document"),
    **_rows("document-delete", "document"),
    **_rows("document-folder-add"),
    **_rows("document-folder-edit", "folder"),
    **_rows("document-folder-delete", "folder"),
}
# Empty bodies: the forms answer 200 with their field errors; deletions are only sent across organisations
# (the tests in test_documents.py cover a confirmed deletion).
POST_ROWS: dict[tuple[str, str], Row] = {
    **_rows("document-add", variants=("own team", "other org")),
    **_rows("document-edit", "document", variants=("own team", "other org")),
    **_rows("document-delete", "document", variants=("other org",)),
    **_rows("document-folder-add", variants=("own team", "other org")),
    **_rows("document-folder-edit", "folder", variants=("own team", "other org")),
    **_rows("document-folder-delete", "folder", variants=("other org",)),
}
