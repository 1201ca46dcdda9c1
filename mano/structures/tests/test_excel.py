"""Excel exchange of the directory: template, export (formulas neutralised), reading a file, column mapping, preview
with every row's errors, and the import that writes all rows or none."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from pytest_django.asserts import assertContains, assertNotContains

from mano.core import spreadsheet
from mano.core.audit import AuditAction, AuditEvent
from mano.structures import excel
from mano.structures.excel_import import structures_import
from mano.structures.models import Structure
from mano.structures.services import FIELDS, structure_archive, structure_create
from mano.structures.views.exchange import SESSION_KEY
from mano.testing import login_client

pytestmark = pytest.mark.django_db

IMPORT, EXPORT, TEMPLATE = "structures:import", "structures:export", "structures:template"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["Nom", "Ville", "Latitude", "Longitude", "Catégories"]
FULL = {
    "name": "Bains-douches Saint-Jean",
    "description": "Douches chaudes.\nServiettes fournies.",
    "address": "3 rue Neuve",
    "postcode": "69001",
    "city": "Lyon",
    "latitude": 45.76,
    "longitude": 4.827,
    "phones": ["+33 4 72 00 00 00", "06 11 22 33 44"],
    "email": "contact@bains.example.org",
    "website": "https://bains.example.org/horaires",
    "categories": ["Douche", "Laverie"],
    "publics": ["Hommes", "Femmes"],
    "access_conditions": ["Sans rendez-vous", "Gratuit"],
    "languages": ["français", "arabe"],
    "opening_hours": "Mo-Fr 09:00-12:00; PH off",
    "closed_from": date(2026, 8, 1),
    "closed_until": date(2026, 8, 15),
    "closure_note": "Fermeture estivale",
}


def _xlsx(rows, headers=HEADERS):
    book = Workbook()
    sheet = book.active
    if headers is not None:
        sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_of(content):
    """The first sheet of a downloaded workbook, cells as written (formulas are not evaluated)."""
    return load_workbook(io.BytesIO(content), data_only=False).worksheets[0]


def _upload(client, content, name="annuaire.xlsx"):
    return client.post(reverse(IMPORT), {"file": SimpleUploadedFile(name, content, content_type=XLSX)})


def _confirm(client, mapping=None):
    stored = client.session[SESSION_KEY]
    mapping = excel.guess_mapping(stored["sheet"]["headers"]) if mapping is None else mapping
    data = {"action": "importer", "upload": stored["id"], "colonnes": "1"}
    data.update({f"col-{index}": field for index, field in mapping.items()})
    return client.post(reverse(IMPORT), data)


def _import(client, content):
    assert _upload(client, content)["Location"] == reverse(IMPORT) + "?apercu=1"
    return _confirm(client)


def _preview(org, rows, headers=HEADERS):
    sheet = excel.read_workbook(_xlsx(rows, headers))
    return excel.preview(org.organisation, sheet, excel.guess_mapping(sheet.headers))


def _count(org):
    return Structure.objects.filter(organisation=org.organisation).count()


def test_the_template_downloads_and_imports_back_cleanly(alice, org_a):
    client = login_client(alice)
    response = client.get(reverse(TEMPLATE))
    assert response["Content-Disposition"] == 'attachment; filename="modele-annuaire-structures.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Structures", "Aide"]
    assert [c.value for c in book["Structures"][1]] == [str(c.label) for c in excel.COLUMNS]
    help_text = [str(c.value) for row in book["Aide"].iter_rows() for c in row if c.value]
    assert excel.HOURS_EXAMPLE in " ".join(help_text)
    assert {"Douche", "Hommes", "Sans rendez-vous"} <= set(help_text)
    assert _upload(client, response.content).status_code == 302
    assertContains(client.get(reverse(IMPORT) + "?apercu=1"), "1 structure prête, 0 ligne")
    assert _confirm(client)["Location"] == reverse("structures:directory")
    imported = Structure.objects.get(organisation=org_a.organisation)
    assert imported.categories == ["Hébergement d’urgence", "Hébergement d’insertion"]
    assert imported.opening_hours == excel.HOURS_EXAMPLE
    assert SESSION_KEY not in client.session


def test_an_export_imports_back_into_an_empty_organisation_field_for_field(alice, charlie, org_a, org_b):
    first = structure_create(user=alice.user, data=FULL)
    second = structure_create(user=alice.user, data={"name": "Élan", "latitude": -21.1, "longitude": 55.5})
    structure_archive(user=alice.user, structure=second, archived=True)
    response = login_client(alice).get(reverse(EXPORT))
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="annuaire-structures-{today}.xlsx"'
    sheet = _sheet_of(response.content)
    assert [row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["non", "oui"]
    assert _import(login_client(charlie), response.content).status_code == 302
    for original in (first, second):
        copy = Structure.objects.get(organisation=org_b.organisation, name=original.name)
        original.refresh_from_db()
        assert {f: getattr(copy, f) for f in FIELDS} == {f: getattr(original, f) for f in FIELDS}
        assert (copy.name_key, copy.search_text, copy.facets) == (
            original.name_key,
            original.search_text,
            original.facets,
        )
        assert copy.created_by == charlie.user
    assert AuditEvent.objects.get(action=AuditAction.EXPORT, organisation=org_a.organisation).detail == {
        "count": 2,
        "kind": "structures",
    }
    event = AuditEvent.objects.get(action=AuditAction.IMPORT, organisation=org_b.organisation)
    assert (event.actor, event.detail) == (charlie.user, {"count": 2, "kind": "structures"})


def test_a_file_without_a_name_column_cannot_be_imported(alice, org_a):
    client = login_client(alice)
    _upload(client, _xlsx([["Lyon", "3 rue Neuve"]], headers=["Ville", "Adresse"]))
    page = client.get(reverse(IMPORT) + "?apercu=1")
    assertContains(page, "Associez une colonne au nom de la structure.")
    assertContains(page, "Corrigez le fichier puis recommencez : rien n’a été importé.")
    assertContains(page, 'value="importer" disabled')
    response = _confirm(client)
    assertContains(response, "Associez une colonne au nom de la structure.")
    assert _count(org_a) == 0
    with pytest.raises(ValidationError, match="Associez une colonne"):
        excel.preview(org_a.organisation, excel.read_workbook(_xlsx([["A"]])), {0: "city"})


def test_unreadable_or_out_of_range_cells_and_unknown_categories_are_errors_on_their_row(alice, org_a):
    rows = [
        ["Texte en latitude", "Lyon", "quarante-cinq", 4.8, ""],
        ["Hors plage", "Lyon", 123, 4.8, ""],
        ["Catégorie inconnue", "Lyon", None, None, "Douche; Piscine"],
        ["Virgule", "Lyon", "48,85", 2.35, "douche"],
    ]
    preview = _preview(org_a, rows)
    assert [(r.number, r.errors) for r in preview.rows] == [
        (2, ["Latitude : « quarante-cinq » n’est pas un nombre (par exemple 48,8566)."]),
        (3, ["Latitude : La latitude va de -90 à 90."]),
        (4, ["Catégories : Catégorie inconnue : « Piscine ». Choisissez dans la liste, ou un admin l’ajoute."]),
        (5, []),
    ]
    assert preview.ready == [preview.rows[3].data]
    assert (preview.ready[0]["latitude"], preview.ready[0]["categories"]) == (48.85, ["Douche"])
    client = login_client(alice)
    _upload(client, _xlsx(rows))
    page = client.get(reverse(IMPORT) + "?apercu=1")
    assertContains(page, "1 structure prête, 3 lignes avec erreurs")
    assertContains(page, 'class="row--error"', count=3)
    assertContains(page, 'data-label="Ligne">4</td>')


def test_dates_numbers_and_lists_are_read_as_a_person_typed_them(org_a):
    headers = ["NOM", "CP", "Tél", "Fermé du", "Fermé jusqu'au", "Publics", "Langues", "Latitude", "Longitude"]
    row = ["Halte", 6000, 612345678, date(2026, 8, 1), "15/08/2026", "hommes\nFEMMES", "français, anglais", 43.7, 7]
    (result,) = _preview(org_a, [row], headers).rows
    assert result.errors == []
    assert result.data is not None
    assert {k: result.data[k] for k in ("postcode", "phones", "closed_from", "closed_until", "publics")} == {
        "postcode": "06000",
        "phones": ["0612345678"],
        "closed_from": date(2026, 8, 1),
        "closed_until": date(2026, 8, 15),
        "publics": ["Hommes", "Femmes"],
    }
    assert (result.data["languages"], result.data["latitude"], result.data["longitude"]) == (
        ["français", "anglais"],
        43.7,
        7.0,
    )


def test_headers_are_matched_ignoring_case_accents_and_synonyms():
    headers = ["NOM", "Tel", "CP", "Catégorie", "Site internet", "Courriel", "Conditions d'accès", "Fermé jusqu’au"]
    headers += ["Inconnue", "Nom", "E-mail", "Email"]
    assert excel.guess_mapping(headers) == {
        0: "name",
        1: "phones",
        2: "postcode",
        3: "categories",
        4: "website",
        5: "email",
        6: "access_conditions",
        7: "closed_until",
    }


def test_duplicate_names_in_the_file_and_in_the_directory_are_errors(alice, org_a):
    structure_create(user=alice.user, data={"name": "Bains-Douches Saint-Jean"})
    rows = [["BAINS DOUCHES  saint-jean", "Lyon"], ["Élan", "Lyon"], ["ELAN", "Lyon"], ["élan ", "Lyon"]]
    errors = [r.errors for r in _preview(org_a, rows, ["Nom", "Ville"]).rows]
    assert errors == [
        [
            "Nom : Une structure porte déjà ce nom (majuscules, accents et tirets ne comptent pas) : "
            "« Bains-Douches Saint-Jean »."
        ],
        [],
        ["Nom : Même nom qu’à la ligne 3 du fichier (majuscules, accents et ponctuation ne comptent pas)."],
        ["Nom : Même nom qu’à la ligne 3 du fichier (majuscules, accents et ponctuation ne comptent pas)."],
    ]
    data = {"name": "Élan"}
    with pytest.raises(ValidationError, match="apparaît deux fois"):
        structures_import(user=alice.user, organisation=org_a.organisation, rows=[data, {"name": "ELAN"}])
    assert _count(org_a) == 1


def test_formulas_are_stored_as_text_and_exported_neutralised(alice, org_a):
    book = Workbook()
    sheet = book.active
    sheet.append(["Nom", "Description", "Ville", "Latitude", "Longitude"])
    sheet.append(["=1+1", '=HYPERLINK("http://x")', "Lyon", None, None])
    sheet.append(["-Accueil", "+33 1 23", "@Paris", -1.5, -2.5])
    assert sheet["A2"].data_type == "f"  # a real formula cell, not text that looks like one
    buffer = io.BytesIO()
    book.save(buffer)
    client = login_client(alice)
    assert _import(client, buffer.getvalue()).status_code == 302
    formula = Structure.objects.get(organisation=org_a.organisation, name="=1+1")
    assert formula.description == '=HYPERLINK("http://x")'
    content = client.get(reverse(EXPORT)).content
    rows = {row[0]: row for row in _sheet_of(content).iter_rows(min_row=2, values_only=True)}
    assert rows["'=1+1"][1] == '\'=HYPERLINK("http://x")'
    assert rows["'-Accueil"][1:5] == ("'+33 1 23", None, None, "'@Paris")
    assert rows["'-Accueil"][5:7] == (-1.5, -2.5)  # numbers stay numbers
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6 12", "'+33 6 12"),
        ("-5 lits", "'-5 lits"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Accueil = repos", "Accueil = repos"),
        ("bip\x07", "bip"),
        (-1.5, -1.5),
        (3, 3),
        (date(2026, 1, 2), date(2026, 1, 2)),
    ],
)
def test_text_a_spreadsheet_would_evaluate_is_written_with_a_quote(value, written):
    assert spreadsheet.safe_cell(value) == written


def test_a_file_that_is_not_an_xlsx_is_refused_clearly(alice):
    client = login_client(alice)
    response = _upload(client, b"Nom;Ville\nHalte;Lyon\n", name="annuaire.csv")
    assertContains(response, "n’est pas un classeur Excel .xlsx")
    assert SESSION_KEY not in client.session
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as other:
        other.writestr("content.xml", "<office/>")
    for content in (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, archive.getvalue()):
        with pytest.raises(ValidationError, match="n’est pas un classeur Excel"):
            excel.read_workbook(content)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Le fichier est vide"),
        (_xlsx([], headers=None), "Le fichier est vide"),
        (_xlsx([], headers=["Nom"]), "Le fichier est vide"),
        (_xlsx([[None], ["Halte"]], headers=None), "La première ligne doit donner le titre"),
        (_xlsx([["Halte"]], headers=[2024]), "La première ligne doit donner le titre"),
        (_xlsx([["x"] * 61], headers=[f"C{i}" for i in range(61)]), "plus de 60 colonnes"),
        (b"x" * (excel.MAX_BYTES + 1), "dépasse 5 Mo"),
    ],
)
def test_an_empty_headless_or_oversized_file_is_refused(content, message):
    with pytest.raises(ValidationError, match=message):
        excel.read_workbook(content)


def test_more_than_ten_thousand_rows_are_refused():
    content = _xlsx([[f"Structure {i}"] for i in range(excel.MAX_ROWS + 1)], headers=["Nom"])
    with pytest.raises(ValidationError, match="dépasse 10 000 lignes"):
        excel.read_workbook(content)
    assert len(excel.read_workbook(_xlsx([["A"], [None], ["B"]], headers=["Nom"])).numbers) == 2


def test_a_file_too_large_for_memory_is_refused_without_being_kept(alice):
    client = login_client(alice)
    assertContains(_upload(client, b"x" * (excel.MAX_BYTES + 200_000)), "Le fichier dépasse 5 Mo")
    assert SESSION_KEY not in client.session


def test_nothing_is_created_when_any_row_has_an_error(alice, org_a):
    client = login_client(alice)
    _upload(client, _xlsx([["Halte", "Lyon", 45.7, 4.8, ""], ["Bains", "Lyon", 123, 4.8, ""]]))
    response = _confirm(client)
    assertContains(response, "Corrigez le fichier puis recommencez : rien n’a été importé.")
    assert _count(org_a) == 0
    good, bad = {"name": "Halte", "city": "Lyon"}, {"name": "Bains", "latitude": 123.0, "longitude": 4.8}
    with pytest.raises(ValidationError, match="La latitude va de -90 à 90"):
        structures_import(user=alice.user, organisation=org_a.organisation, rows=[good, bad])
    assert _count(org_a) == 0
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT).exists()


def test_the_upload_checks_the_csrf_token(alice):
    """The import view reads the body itself (memory-only upload handler), so it checks CSRF itself too."""
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = login_client(alice).cookies
    assert _upload(strict, _xlsx([["Halte", "Lyon", None, None, ""]])).status_code == 403
    assert SESSION_KEY not in strict.session


def test_a_new_upload_or_cancel_drops_the_waiting_file(alice, org_a):
    client = login_client(alice)
    _upload(client, _xlsx([["Halte", "Lyon", None, None, ""]]))
    first = client.session[SESSION_KEY]["id"]
    _upload(client, _xlsx([["Bains", "Lyon", None, None, ""]]))
    stale = {"action": "importer", "upload": first, "colonnes": "1", "col-0": "name"}
    assert client.post(reverse(IMPORT), stale)["Location"] == reverse(IMPORT)
    assert _count(org_a) == 0
    assert client.post(reverse(IMPORT), {"action": "annuler"})["Location"] == reverse("structures:settings")
    assert SESSION_KEY not in client.session
    assert client.get(reverse(IMPORT) + "?apercu=1")["Location"] == reverse(IMPORT)


def test_the_mapping_chosen_on_the_page_is_the_one_imported(alice, org_a):
    client = login_client(alice)
    _upload(client, _xlsx([["Halte", "Lyon", "note"]], headers=["Structure", "Lieu", "Autre"]))
    page = client.get(reverse(IMPORT) + "?apercu=1&colonnes=1&col-0=name&col-1=city&col-2=")
    assertContains(page, '<option value="city" selected>')
    assertContains(page, "— ignorer —")
    assert _confirm(client, {0: "name", 1: "city"}).status_code == 302
    assert Structure.objects.get(organisation=org_a.organisation).city == "Lyon"


def test_bob_manages_the_exchange_only_when_the_organisation_allows_it(bob, org_a):
    client = login_client(bob)
    for name in (IMPORT, EXPORT, TEMPLATE):
        assert client.get(reverse(name)).status_code == 403
    assert _upload(client, _xlsx([["Halte", "Lyon", None, None, ""]])).status_code == 403
    org_a.organisation.structures_members_edit = True
    org_a.organisation.save(update_fields=["structures_members_edit"])
    for name in (IMPORT, EXPORT, TEMPLATE):
        assert client.get(reverse(name)).status_code == 200
    assert _import(client, _xlsx([["Halte", "Lyon", None, None, ""]])).status_code == 302
    assert Structure.objects.get(organisation=org_a.organisation).created_by == bob.user


def test_charlie_exports_only_his_own_structures(alice, charlie, org_a, org_b):
    structure_create(user=alice.user, data={"name": "Structure d’Alice"})
    structure_create(user=charlie.user, data={"name": "Structure de Charlie"})
    sheet = _sheet_of(login_client(charlie).get(reverse(EXPORT)).content)
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Structure de Charlie"]


@pytest.mark.parametrize("name", [IMPORT, EXPORT, TEMPLATE])
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/?next=")


@pytest.mark.parametrize(
    ("name", "method"), [(IMPORT, "put"), (IMPORT, "delete"), (EXPORT, "post"), (TEMPLATE, "post")]
)
def test_wrong_method_is_refused(alice, name, method):
    assert getattr(login_client(alice), method)(reverse(name)).status_code == 405


def test_a_locked_session_goes_to_the_unlock_page(alice):
    client = login_client(alice)
    assert client.post("/verrouiller/").status_code == 302
    for name in (IMPORT, EXPORT):
        assert client.get(reverse(name))["Location"].startswith("/deverrouiller/")
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_upload_page_links_the_template(alice):
    page = login_client(alice).get(reverse(IMPORT))
    assertContains(page, 'accept=".xlsx,')
    assertContains(page, reverse(TEMPLATE))
    assertNotContains(page, "<script>")  # strict CSP: no inline script or style
    assertNotContains(page, "style=")
