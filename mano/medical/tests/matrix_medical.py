"""Authorization rows for the medical half (/sante/…) and its settings.

Medical pages exist only for health professionals with a full role whose session holds K_health (admin_health,
normal_health): everyone else, restricted and stats members included, gets a plain 404, never a 403. Another
organisation's persons and health rows are 404 for all; a consultation "visible seulement par moi" is 404 for
every other health professional. The medical settings and their two field editors (`medical-fields`,
`consultation-types`) are admin pages like the person settings: admins 200 (health or not), other members 403.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from mano.medical.fieldsets import CONSULTATION_TYPES, MEDICAL_FIELDS
from mano.medical.services.comments import medical_comment_create
from mano.medical.services.consultations import ConsultationInput, consultation_create
from mano.medical.services.documents import medical_documents_add, medical_folder_add
from mano.medical.services.files import medical_file_save
from mano.medical.services.treatments import TreatmentInput, treatment_create
from mano.persons.fieldsets import FieldSet
from mano.persons.selectors.fields import config_version
from mano.persons.services import person_create
from mano.persons.services.documents import EncryptedUpload
from mano.persons.services.fields import field_add, field_group_add
from mano.testing_matrix import ADMINS, Row, everyone, expect

HEALTH = {"admin_health", "normal_health"}
SSN = "numero_securite_sociale"  # the default medical-file field (a text field: no choice to rename)
PDF = b"%PDF-1.7\nmatrix\n%%EOF\n"

# Medical pages: health professionals only; the others get 404 (the page does not exist for them).
HEALTH_PAGE = expect(only=HEALTH, other=404)
HEALTH_REDIRECT = expect(only=HEALTH, members=302, other=404)
NOT_FOUND = expect(members=404)
# The private consultation of normal_health: its author only.
AUTHOR_PAGE = expect(only={"normal_health"}, other=404)
AUTHOR_REDIRECT = expect(only={"normal_health"}, members=302, other=404)
# Settings: admins, health professional or not.
ADMIN_PAGE = expect(only=ADMINS)
ADMIN_OTHER_ORG = expect(only=ADMINS, members=404)


def _document(member: Any, person: Any) -> Any:
    """A medical document from bytes in hand, encrypted on disk like an upload."""
    upload = EncryptedUpload(name="ordonnance.pdf", organisation_id=person.organisation_id)
    upload.mime = "application/pdf"
    upload.open()
    upload.size = len(PDF)
    upload.write(PDF)
    upload.finish()
    (document,) = medical_documents_add(user=member.user, keyring=member.keyring, person=person, uploads=[upload])
    return document


def _health_rows(member: Any, person: Any, team: Any) -> dict[str, Any]:
    """A medical file (with a free folder), a consultation, a treatment, a medical comment and a medical document."""
    common = {"user": member.user, "keyring": member.keyring, "person": person}
    medical_file_save(**common, custom={SSN: "1 85 05 78 006 084 36"}, expected_version=0)
    consultation = consultation_create(
        **common, values=ConsultationInput(type="Médicale", due_at=timezone.now() + timedelta(days=1), teams=[team])
    )
    treatment = treatment_create(**common, values=TreatmentInput(name="Amoxicilline", start=date.today()))
    comment = medical_comment_create(**common, text="Pansement refait", team=team)
    return {
        "person": person,
        "consultation": consultation,
        "treatment": treatment,
        "comment": comment,
        "document": _document(member, person),
        "folder": medical_folder_add(**common, name="Radios"),
    }


def _group(member: Any, spec: FieldSet, name: str) -> int:
    organisation = member.user.organisation
    organisation.refresh_from_db()
    return field_group_add(
        user=member.user, name=name, config_version=config_version(organisation, spec.part), spec=spec
    )


def _field(member: Any, spec: FieldSet, group: int, label: str) -> str:
    organisation = member.user.organisation
    organisation.refresh_from_db()
    return field_add(
        user=member.user,
        group_index=group,
        config_version=config_version(organisation, spec.part),
        spec=spec,
        label=label,
        type="enum",
        options=["Un", "Deux"],
        enabled_teams=[],
        enabled=True,
    )


def build(world: dict[str, Any]) -> None:
    """Org A: a person of the day team and one of the night team, each with every kind of health row, and a private
    consultation of normal_health. Org B: one person with health rows. Field sets: org A gets one group (index 1)
    with a choice field per set; org B two groups, so index 2 and its field exist only there."""
    a, b = world["a"], world["b"]
    medical: dict[str, Any] = {}
    for key, org, team in (("a_day", a, a.day), ("a_night", a, a.night), ("b", b, b.day)):
        admin = org["admin_health"]
        person = person_create(user=admin.user, keyring=admin.keyring, teams=[team], name=f"Soignée {key}")
        medical[key] = _health_rows(admin, person, team)
    nurse = a["normal_health"]
    medical["private"] = consultation_create(
        user=nurse.user,
        keyring=nurse.keyring,
        person=medical["a_day"]["person"],
        values=ConsultationInput(type="Médicale", due_at=timezone.now(), teams=[a.day], only_me=True),
    )
    for spec in (MEDICAL_FIELDS, CONSULTATION_TYPES):
        own = _group(a["admin_health"], spec, f"{spec.part} A")
        medical[f"{spec.namespace}:group_a"] = own
        medical[f"{spec.namespace}:field_a"] = _field(a["admin_health"], spec, own, f"{spec.part} champ A")
        _group(b["admin_health"], spec, f"{spec.part} B")
        other = _group(b["admin_health"], spec, f"{spec.part} B bis")
        medical[f"{spec.namespace}:group_b"] = other
        medical[f"{spec.namespace}:field_b"] = _field(b["admin_health"], spec, other, f"{spec.part} champ B")
    world["medical"] = medical


# ---- Medical pages -----------------------------------------------------------------------------------------------

WHERE = {"own team": "a_day", "other team": "a_night", "other org": "b"}


def _url(name: str, where: str, kind: str, query: dict[str, str] | None = None) -> Any:
    def build_url(w: dict[str, Any]) -> str:
        url = reverse(name, args=[w["medical"][where][kind].pk])
        return url + "?" + urlencode(query) if query else url

    return build_url


def _rows(name: str, kind: str, own: dict[str, int] = HEALTH_PAGE) -> dict[tuple[str, str], Row]:
    """Own team and other team (the same organisation: allowed), other organisation (404 for all)."""
    return {
        (name, variant): (_url(name, where, kind), NOT_FOUND if where == "b" else own)
        for variant, where in WHERE.items()
    }


def _private(name: str, own: dict[str, int] = AUTHOR_PAGE) -> dict[tuple[str, str], Row]:
    return {(name, "private of a colleague"): (lambda w: reverse(name, args=[w["medical"]["private"].pk]), own)}


def _subject(where: str, kind: str) -> Any:
    """A comment for org A's day-team person about another person's (or organisation's) consultation."""

    def build_url(w: dict[str, Any]) -> str:
        subject = w["medical"][where][kind]
        query = {"sur": "consultation" if kind == "consultation" else "treatment", "id": str(subject.pk)}
        return reverse("medical:comment-add", args=[w["medical"]["a_day"]["person"].pk]) + "?" + urlencode(query)

    return build_url


def _duplicate(where: str) -> Any:
    def build_url(w: dict[str, Any]) -> str:
        source = w["medical"][where]["consultation"] if where != "private" else w["medical"]["private"]
        person = w["medical"]["a_day"]["person"]
        return reverse("medical:consultation-add", args=[person.pk]) + "?" + urlencode({"dupliquer": str(source.pk)})

    return build_url


def _folder(where: str, folder_of: str | None = None) -> Any:
    """The folder-delete page of `where`'s person for the free folder of `folder_of` (by default its own)."""

    def build_url(w: dict[str, Any]) -> str:
        person, folder = w["medical"][where]["person"], w["medical"][folder_of or where]["folder"]
        return reverse("medical:folder-delete", args=[person.pk, folder])

    return build_url


def _folder_rows(own: dict[str, int] = HEALTH_PAGE, variants: tuple[str, ...] = tuple(WHERE)) -> dict[Any, Row]:
    return {
        ("medical:folder-delete", variant): (_folder(WHERE[variant]), NOT_FOUND if variant == "other org" else own)
        for variant in variants
    }


def _document_subject(where: str) -> Any:
    def build_url(w: dict[str, Any]) -> str:
        query = {"sur": "consultation", "id": str(w["medical"][where]["consultation"].pk)}
        return reverse("medical:document-add", args=[w["medical"]["a_day"]["person"].pk]) + "?" + urlencode(query)

    return build_url


MEDICAL_GET: dict[tuple[str, str], Row] = {
    **_rows("medical:file-edit", "person"),
    **_rows("medical:file-history", "person"),
    **_rows("medical:file-print", "person"),
    **_rows("medical:consultation-add", "person"),
    ("medical:consultation-add", "duplicate own org"): (_duplicate("a_night"), HEALTH_PAGE),
    ("medical:consultation-add", "duplicate other org"): (_duplicate("b"), NOT_FOUND),
    ("medical:consultation-add", "duplicate private of a colleague"): (_duplicate("private"), AUTHOR_PAGE),
    **_rows("medical:consultation", "consultation"),
    **_private("medical:consultation"),
    **_rows("medical:consultation-delete", "consultation"),
    **_private("medical:consultation-delete"),
    **_rows("medical:treatment-add", "person"),
    **_rows("medical:treatment", "treatment"),
    **_rows("medical:treatment-delete", "treatment"),
    **_rows("medical:comment-add", "person"),
    ("medical:comment-add", "about own consultation"): (_subject("a_day", "consultation"), HEALTH_PAGE),
    ("medical:comment-add", "about own treatment"): (_subject("a_day", "treatment"), HEALTH_PAGE),
    ("medical:comment-add", "about another person's consultation"): (_subject("a_night", "consultation"), NOT_FOUND),
    ("medical:comment-add", "about other org consultation"): (_subject("b", "consultation"), NOT_FOUND),
    ("medical:comment-add", "about other org treatment"): (_subject("b", "treatment"), NOT_FOUND),
    **_rows("medical:comment", "comment"),
    **_rows("medical:document-add", "person"),
    ("medical:document-add", "about own consultation"): (_document_subject("a_day"), HEALTH_PAGE),
    ("medical:document-add", "about other org consultation"): (_document_subject("b"), NOT_FOUND),
    **_rows("medical:document", "document"),
    **_rows("medical:document-delete", "document"),
    **_rows("medical:folder-add", "person"),
    **_folder_rows(),
    ("medical:folder-delete", "another person's folder"): (_folder("a_day", "a_night"), NOT_FOUND),
    ("medical:folder-delete", "other org folder id"): (_folder("a_day", "b"), NOT_FOUND),
    ("medical:settings", ""): (lambda w: reverse("medical:settings"), ADMIN_PAGE),
}
# Empty bodies change nothing: forms come back (200: an empty POST leaves `request.POST or None` forms unbound);
# a delete without the version goes back to the page with a message (302). Document and folder deletions ask for
# no version: they are only sent where they must fail (another organisation, another person's folder).
MEDICAL_POST: dict[tuple[str, str], Row] = {
    **_rows("medical:file-edit", "person"),
    **_rows("medical:consultation-add", "person"),
    **_rows("medical:consultation", "consultation"),
    **_private("medical:consultation"),
    **_rows("medical:consultation-delete", "consultation", HEALTH_REDIRECT),
    **_private("medical:consultation-delete", AUTHOR_REDIRECT),
    **_rows("medical:treatment-add", "person"),
    **_rows("medical:treatment", "treatment"),
    **_rows("medical:treatment-delete", "treatment", HEALTH_REDIRECT),
    **_rows("medical:comment-add", "person"),
    **_rows("medical:comment", "comment"),
    **_rows("medical:document-add", "person"),
    ("medical:document-add", "about other org consultation"): (_document_subject("b"), NOT_FOUND),
    ("medical:document-delete", "other org"): (_url("medical:document-delete", "b", "document"), NOT_FOUND),
    ("medical:document", ""): (_url("medical:document", "a_day", "document"), everyone(405)),
    **_rows("medical:folder-add", "person"),
    **_folder_rows(variants=("other org",)),
    ("medical:folder-delete", "another person's folder"): (_folder("a_day", "a_night"), NOT_FOUND),
    ("medical:file-history", ""): (_url("medical:file-history", "a_day", "person"), everyone(405)),
    ("medical:file-print", ""): (_url("medical:file-print", "a_day", "person"), everyone(405)),
    ("medical:settings", ""): (lambda w: reverse("medical:settings"), everyone(405)),
}


# ---- The two field editors of the medical settings ---------------------------------------------------------------


def _editor_rows(spec: FieldSet, name: str, kind: str, status: int = 200) -> dict[tuple[str, str], Row]:
    full = f"{spec.namespace}:{name}"
    return {
        (full, "own org"): (
            lambda w: reverse(full, args=[w["medical"][f"{spec.namespace}:{kind}_a"]]),
            expect(only=ADMINS, members=status),
        ),
        (full, "other org"): (
            lambda w: reverse(full, args=[w["medical"][f"{spec.namespace}:{kind}_b"]]),
            ADMIN_OTHER_ORG,
        ),
    }


def _editor_get(spec: FieldSet) -> dict[tuple[str, str], Row]:
    ns = spec.namespace
    return {
        (f"{ns}:field-group-add", ""): (lambda w: reverse(f"{ns}:field-group-add"), ADMIN_PAGE),
        # The first group (the medical file's, or the type "Médicale") is no protected default group.
        (f"{ns}:field-group-edit", "first group"): (lambda w: reverse(f"{ns}:field-group-edit", args=[0]), ADMIN_PAGE),
        **_editor_rows(spec, "field-group-edit", "group"),
        **_editor_rows(spec, "field-group-delete", "group"),
        (f"{ns}:field-group-move", ""): (lambda w: reverse(f"{ns}:field-group-move", args=[0]), everyone(405)),
        **_editor_rows(spec, "field-add", "group"),
        **_editor_rows(spec, "field-edit", "field"),
        **_editor_rows(spec, "field-delete", "field"),
        (f"{ns}:field-move", ""): (
            lambda w: reverse(f"{ns}:field-move", args=[w["medical"][f"{ns}:field_a"]]),
            everyone(405),
        ),
        **_editor_rows(spec, "field-choice-rename", "field"),
    }


def _editor_post(spec: FieldSet) -> dict[tuple[str, str], Row]:
    ns = spec.namespace
    return {
        (f"{ns}:field-group-add", ""): (lambda w: reverse(f"{ns}:field-group-add"), ADMIN_PAGE),
        **_editor_rows(spec, "field-group-move", "group", 302),
        **_editor_rows(spec, "field-group-edit", "group"),
        **_editor_rows(spec, "field-group-delete", "group"),
        **_editor_rows(spec, "field-add", "group"),
        **_editor_rows(spec, "field-edit", "field"),
        **_editor_rows(spec, "field-delete", "field"),
        **_editor_rows(spec, "field-move", "field", 302),
        **_editor_rows(spec, "field-choice-rename", "field"),
    }


GET_ROWS: dict[tuple[str, str], Row] = {
    **MEDICAL_GET,
    **_editor_get(MEDICAL_FIELDS),
    ("medical-fields:field-choice-rename", "not a choice field"): (
        lambda w: reverse("medical-fields:field-choice-rename", args=[SSN]),
        ADMIN_OTHER_ORG,
    ),
    **_editor_get(CONSULTATION_TYPES),
    ("consultation-types:field-edit", "the medical file's field"): (
        lambda w: reverse("consultation-types:field-edit", args=[SSN]),
        ADMIN_OTHER_ORG,
    ),
}
POST_ROWS: dict[tuple[str, str], Row] = {
    **MEDICAL_POST,
    **_editor_post(MEDICAL_FIELDS),
    **_editor_post(CONSULTATION_TYPES),
}
