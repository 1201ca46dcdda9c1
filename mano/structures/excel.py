"""The directory as an Excel workbook: its columns, the template, the export, reading an uploaded file, guessing which
column holds which field, and the preview of an import, every row cleaned by the form's own rules.

Pure logic: nothing here writes. The import itself is `excel_import.structures_import`. Rows are kept as strings so
that a parsed file fits in the session between the import steps; they become numbers, dates and lists only here.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from mano.accounts.models import Organisation
from mano.core import grouped
from mano.core.spreadsheet import FORMULA_START, append_row
from mano.persons.text import fold
from mano.structures import services
from mano.structures.models import Structure, name_key_of
from mano.structures.vocabulary import ACCESS_CONDITIONS, PUBLICS

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 60
MAX_CELL = 5000
# Bounds what a parsed file weighs in the session, and what a small zip may inflate to (a "zip bomb").
MAX_TEXT = 4_000_000
MAX_UNZIPPED = 100 * 1024 * 1024
HOURS_EXAMPLE = "Mo-Fr 09:00-12:00,14:00-18:00; PH off"

NOT_XLSX = _(
    "Ce fichier n’est pas un classeur Excel .xlsx (ou il est protégé par un mot de passe). Enregistrez-le au "
    "format « Classeur Excel (.xlsx) » puis recommencez."
)
EMPTY = _("Le fichier est vide : aucune structure sous la ligne des titres.")
TOO_LARGE = _("Le fichier dépasse 5 Mo : découpez-le en plusieurs fichiers.")
TOO_MANY_ROWS = _("Le fichier dépasse 10 000 lignes : découpez-le en plusieurs fichiers.")
TOO_MANY_COLUMNS = _("Le fichier a plus de 60 colonnes : gardez seulement celles de l’annuaire.")
TOO_MUCH_TEXT = _("Le fichier contient trop de texte : découpez-le en plusieurs fichiers.")
NO_HEADER = _("La première ligne doit donner le titre de chaque colonne (Nom, Adresse, Ville…).")
NAME_COLUMN_REQUIRED = _("Associez une colonne au nom de la structure.")
FIELD_TWICE = _("« {label} » est associé à plusieurs colonnes : gardez-en une seule.")
NOT_A_NUMBER = _("« {value} » n’est pas un nombre (par exemple 48,8566).")
NOT_A_DATE = _("« {value} » n’est pas une date (JJ/MM/AAAA).")
IN_FILE_TWICE = _("Même nom qu’à la ligne {line} du fichier (majuscules, accents et ponctuation ne comptent pas).")


@dataclass(frozen=True)
class Column:
    field: str
    label: Promise
    help: Promise


LIST_HELP = _("Plusieurs valeurs : séparez-les par « ; » ou par un retour à la ligne.")
COLUMNS = (
    Column("name", _("Nom"), _("Obligatoire. Unique dans l’annuaire (majuscules et accents ne comptent pas).")),
    Column("description", _("Description"), _("Services proposés, informations utiles.")),
    Column("address", _("Adresse"), _("Numéro et rue.")),
    Column("postcode", _("Code postal"), _("5 chiffres, par exemple 75010.")),
    Column("city", _("Ville"), _("Par exemple Paris.")),
    Column("latitude", _("Latitude"), _("De -90 à 90, par exemple 48,8763 ; avec la longitude, ou aucune des deux.")),
    Column("longitude", _("Longitude"), _("De -180 à 180, par exemple 2,3580.")),
    Column("phones", _("Téléphones"), _("Un ou plusieurs numéros, séparés par « ; » ou par un retour à la ligne.")),
    Column("email", _("E-mail"), _("Une adresse, par exemple contact@exemple.org.")),
    Column("website", _("Site web"), _("Commence par https:// ou http://.")),
    Column("categories", _("Catégories"), format_lazy("{} {}", _("Catégories de la liste plus bas."), LIST_HELP)),
    Column("publics", _("Publics"), format_lazy("{} {}", _("Publics de la liste plus bas."), LIST_HELP)),
    Column(
        "access_conditions",
        _("Conditions d’accès"),
        format_lazy("{} {}", _("Conditions de la liste plus bas."), LIST_HELP),
    ),
    Column("languages", _("Langues"), format_lazy("{} {}", _("Langues parlées."), LIST_HELP)),
    Column(
        "opening_hours",
        _("Horaires"),
        _("Syntaxe OpenStreetMap, par exemple « {example} » (Mo lundi … Su dimanche, PH jours fériés, off fermé)."),
    ),
    Column("closed_from", _("Fermé du"), _("Fermeture temporaire : premier jour, JJ/MM/AAAA.")),
    Column("closed_until", _("Fermé jusqu’au"), _("Dernier jour fermé (inclus), JJ/MM/AAAA. Vide : sans date de fin.")),
    Column("closure_note", _("Note de fermeture"), _("Ce qui s’affiche pendant la fermeture.")),
)
ARCHIVED = _("Archivée")
LIST_FIELDS = ("phones", "categories", "publics", "access_conditions", "languages")
NUMBER_FIELDS = ("latitude", "longitude")
DATE_FIELDS = ("closed_from", "closed_until")
# Pairs checked together by structure_clean: when one side is unreadable both are left out, so the row shows one
# error (the unreadable cell) instead of a second, misleading one ("give both or neither").
PAIRS = (NUMBER_FIELDS, DATE_FIELDS)
SYNONYMS = {
    "name": ("nom de la structure", "structure", "name", "raison sociale", "intitule"),
    "description": ("presentation", "details"),
    "address": ("adresse postale", "rue", "address", "voie"),
    "postcode": ("cp", "postcode", "zip", "code postal"),
    "city": ("commune", "city", "localite"),
    "latitude": ("lat",),
    "longitude": ("lon", "lng", "long"),
    "phones": ("telephone", "tel", "tel.", "phone", "telephones", "numero de telephone", "numeros"),
    "email": ("email", "mail", "courriel", "adresse e mail", "adresse mail", "adresse email"),
    "website": ("site", "site internet", "internet", "web", "url", "website"),
    "categories": ("categorie", "category", "type", "types"),
    "publics": ("public", "public accueilli", "publics accueillis"),
    "access_conditions": ("condition d acces", "conditions", "acces", "modalites d acces"),
    "languages": ("langue", "langues parlees", "languages"),
    "opening_hours": ("horaire", "horaires d ouverture", "heures d ouverture", "opening hours"),
    "closed_from": ("fermeture du", "debut de fermeture", "ferme a partir du"),
    "closed_until": ("ferme jusqu au", "fin de fermeture", "reouverture", "ferme au"),
    "closure_note": ("motif de fermeture", "note fermeture"),
}


@dataclass(frozen=True)
class Sheet:
    """An uploaded sheet as text: `numbers[i]` is the row number the spreadsheet shows for `rows[i]` (titles = 1)."""

    headers: list[str]
    rows: list[list[str]]
    numbers: list[int]

    def as_json(self) -> dict[str, Any]:
        return {"headers": self.headers, "rows": self.rows, "numbers": self.numbers}

    @classmethod
    def from_json(cls, value: Any) -> Sheet | None:
        try:
            sheet = cls(list(value["headers"]), [list(r) for r in value["rows"]], [int(n) for n in value["numbers"]])
        except (KeyError, TypeError, ValueError):
            return None
        return sheet if len(sheet.rows) == len(sheet.numbers) else None


@dataclass(frozen=True)
class PreviewRow:
    number: int
    name: str
    city: str
    data: dict[str, Any] | None
    errors: list[str]


@dataclass(frozen=True)
class Preview:
    rows: list[PreviewRow]

    @property
    def ready(self) -> list[dict[str, Any]]:
        return [row.data for row in self.rows if row.data is not None and not row.errors]

    @property
    def ready_count(self) -> int:
        return len(self.rows) - self.error_count

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def is_clean(self) -> bool:
        return bool(self.rows) and self.error_count == 0


def label_of(field: str) -> str:
    return next((str(c.label) for c in COLUMNS if c.field == field), field)


# Writing


def _titles(sheet: Any, titles: list[str], widths: list[int]) -> None:
    append_row(sheet, titles)
    for index, width in enumerate(widths, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def _structures_sheet(book: Workbook, extra: list[str]) -> Any:
    sheet = book.active
    sheet.title = "Structures"
    wide = {"name": 32, "description": 40, "address": 30, "opening_hours": 34}
    _titles(
        sheet, [str(c.label) for c in COLUMNS] + extra, [wide.get(c.field, 16) for c in COLUMNS] + [10] * len(extra)
    )
    return sheet


def _help_sheet(book: Workbook, categories: grouped.Grouped) -> None:
    sheet = book.create_sheet("Aide")
    _titles(sheet, [str(_("Colonne")), str(_("Ce qu’il faut écrire"))], [22, 90])
    for column in COLUMNS:
        append_row(sheet, [str(column.label), str(column.help).format(example=HOURS_EXAMPLE)])
    lists = [(str(g["group"]), list(g["items"])) for g in categories if g.get("items")]
    lists += [(str(_("Publics")), PUBLICS), (str(_("Conditions d’accès")), ACCESS_CONDITIONS)]
    for title, items in lists:
        append_row(sheet, [])
        append_row(sheet, [title, str(_("valeurs acceptées"))])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        for item in items:
            append_row(sheet, ["", item])


def _saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell_of(value: Any) -> Any:
    return "\n".join(str(v) for v in value) if isinstance(value, list) else value


def template_workbook(*, categories: grouped.Grouped) -> bytes:
    """An empty directory with one example row (valid: it imports as it is) and the "Aide" sheet."""
    book = Workbook()
    example = {
        "name": "Accueil de jour (exemple à remplacer)",
        "description": "Petit-déjeuner, douches et bagagerie.",
        "address": "12 rue de l’Exemple",
        "postcode": "75010",
        "city": "Paris",
        "latitude": 48.8763,
        "longitude": 2.358,
        "phones": ["01 23 45 67 89"],
        "email": "contact@exemple.org",
        "website": "https://exemple.org",
        "categories": grouped.all_items(categories)[:2],
        "publics": PUBLICS[:2],
        "access_conditions": ACCESS_CONDITIONS[:1],
        "languages": ["français", "anglais"],
        "opening_hours": HOURS_EXAMPLE,
    }
    append_row(_structures_sheet(book, []), [_cell_of(example.get(c.field)) for c in COLUMNS])
    _help_sheet(book, categories)
    return _saved(book)


def export_workbook(structures: Iterable[Structure], categories: grouped.Grouped) -> bytes:
    """Every given structure, one per row in the template's columns plus "Archivée" (oui/non), then the "Aide"
    sheet: the file imports back as it is into an organisation with the same categories."""
    book = Workbook()
    sheet = _structures_sheet(book, [str(ARCHIVED)])
    for structure in structures:
        values = [_cell_of(getattr(structure, c.field)) for c in COLUMNS]
        append_row(sheet, [*values, str(_("oui") if structure.archived_at else _("non"))])
    _help_sheet(book, categories)
    return _saved(book)


# Reading


def _text_of(value: Any) -> str:
    """A cell as text. A formula is kept as its text ("=1+1"), never evaluated; the quote our export puts before
    such text is taken off again, so an export imports back unchanged."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("oui") if value else _("non"))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    text = str(getattr(value, "text", value) or "")  # an array formula object carries its text
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        text = text[1:]
    return text.strip()[:MAX_CELL]


def _check_archive(data: bytes) -> None:
    if not data:
        raise ValidationError(EMPTY)
    if len(data) > MAX_BYTES:
        raise ValidationError(TOO_LARGE)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValidationError(NOT_XLSX)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
            raise ValidationError(TOO_LARGE)


def _headers(values: list[Any]) -> list[str]:
    if not any(v not in (None, "") for v in values) or any(isinstance(v, int | float | date) for v in values):
        raise ValidationError(NO_HEADER)
    return [_text_of(v) for v in values]


def _read_rows(worksheet: Any) -> Sheet:
    headers: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    size = 0
    worksheet.reset_dimensions()  # the size a file declares may be wrong: read every row it really has
    for number, values in enumerate(worksheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True), start=1):
        if values[MAX_COLUMNS] not in (None, ""):
            raise ValidationError(TOO_MANY_COLUMNS)
        if headers is None:
            headers = _headers(list(values[:MAX_COLUMNS]))
            continue
        cells = [_text_of(v) for v in values[:MAX_COLUMNS]]
        if not any(cells):
            continue
        size += sum(len(c) for c in cells)
        if size > MAX_TEXT:
            raise ValidationError(TOO_MUCH_TEXT)
        if len(rows) == MAX_ROWS:
            raise ValidationError(TOO_MANY_ROWS)
        rows.append(cells)
        numbers.append(number)
    if headers is None or not rows:
        raise ValidationError(EMPTY)
    width = max(i + 1 for line in [headers, *rows] for i, cell in enumerate(line) if cell)
    titles = [h or str(_("Colonne {letter}")).format(letter=get_column_letter(i + 1)) for i, h in enumerate(headers)]
    return Sheet(titles[:width], [r[:width] for r in rows], numbers)


def read_workbook(data: bytes) -> Sheet:
    """The first sheet of an .xlsx as text, row 1 giving the titles; ValidationError with a French message for a
    file that is not an .xlsx, is empty, too large (MAX_BYTES, MAX_ROWS, MAX_COLUMNS) or has no title row."""
    _check_archive(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises zip, XML, key and value errors alike for a file that is no workbook
        raise ValidationError(NOT_XLSX) from exc
    try:
        if not book.worksheets:
            raise ValidationError(EMPTY)
        return _read_rows(book.worksheets[0])
    except ValidationError:
        raise
    except Exception as exc:  # a damaged sheet is found only while its rows are read
        raise ValidationError(NOT_XLSX) from exc
    finally:
        book.close()


# Mapping and preview


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())


def guess_mapping(headers: list[str]) -> dict[int, str]:
    """Column index → field, for the titles recognised (case, accents, punctuation and a few synonyms ignored);
    each field goes to its first column."""
    known = {_key(str(c.label)): c.field for c in COLUMNS}
    known.update({_key(s): field for field, names in SYNONYMS.items() for s in names})
    mapping: dict[int, str] = {}
    for index, header in enumerate(headers):
        field = known.get(_key(header))
        if field is not None and field not in mapping.values():
            mapping[index] = field
    return mapping


def check_mapping(mapping: dict[int, str]) -> None:
    fields = list(mapping.values())
    if "name" not in fields:
        raise ValidationError(NAME_COLUMN_REQUIRED)
    twice = next((f for f in services.FIELDS if fields.count(f) > 1), None)
    if twice is not None:
        raise ValidationError(str(FIELD_TWICE).format(label=label_of(twice)))


def _number(text: str) -> float | None:
    if not text:
        return None
    try:
        value = float(re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", "."))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ValidationError(str(NOT_A_NUMBER).format(value=text))
    return value


def _date(text: str) -> date | None:
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text[:10] if pattern == "%Y-%m-%d" else text, pattern).date()
        except ValueError:
            continue
    raise ValidationError(str(NOT_A_DATE).format(value=text))


def _converted(field: str, text: str) -> Any:
    if field in NUMBER_FIELDS:
        return _number(text)
    if field in DATE_FIELDS:
        return _date(text)
    if field in LIST_FIELDS:
        separators = r"[;\n\r,]+" if field in ("phones", "languages") else r"[;\n\r]+"
        values = [v.strip() for v in re.split(separators, text) if v.strip()]
        # A spreadsheet stores 0612345678 as the number 612345678: give French numbers their leading zero back.
        return ["0" + v if field == "phones" and re.fullmatch(r"[1-9][0-9]{8}", v) else v for v in values]
    if field == "postcode" and re.fullmatch(r"[0-9]{4}", text):
        return "0" + text  # 06000 typed in a number cell came back as 6000
    return text


def row_data(cells: list[str], mapping: dict[int, str]) -> tuple[dict[str, Any], list[str]]:
    """The fields of one row, typed as structure_clean expects them, and the cells that could not be read."""
    data: dict[str, Any] = {}
    errors: list[str] = []
    unreadable: set[str] = set()
    for index, field in sorted(mapping.items()):
        try:
            data[field] = _converted(field, cells[index] if index < len(cells) else "")
        except ValidationError as exc:
            errors.append(f"{label_of(field)} : {' '.join(exc.messages)}")
            unreadable.add(field)
    for pair in PAIRS:
        if unreadable.intersection(pair):
            data.update(dict.fromkeys(pair))
    return data, errors


def _messages(exc: ValidationError) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    return [f"{label_of(f)} : {m}" for f, messages in exc.message_dict.items() for m in messages]


def preview(organisation: Organisation, sheet: Sheet, mapping: dict[int, str]) -> Preview:
    """Each row cleaned by `services.structure_clean` (so an imported row obeys the form's rules), or its French
    errors; a name already in the directory or earlier in the file (same `name_key_of`) is an error too.
    ValidationError when the mapping has no name column or gives a field two columns."""
    check_mapping(mapping)
    existing = dict(Structure.objects.filter(organisation=organisation).values_list("name_key", "name"))
    seen: dict[str, int] = {}
    rows: list[PreviewRow] = []
    for number, cells in zip(sheet.numbers, sheet.rows, strict=True):
        data, errors = row_data(cells, mapping)
        clean: dict[str, Any] | None = None
        try:
            clean = services.structure_clean(organisation, data)
        except ValidationError as exc:
            errors += _messages(exc)
        key = name_key_of(str(data.get("name") or ""))
        if key in existing:
            errors.append(f"{label_of('name')} : " + str(services.NAME_TAKEN).format(name=existing[key]))
        elif key and key in seen:
            errors.append(f"{label_of('name')} : " + str(IN_FILE_TWICE).format(line=seen[key]))
        seen.setdefault(key, number)
        name, city = str(data.get("name") or ""), str(data.get("city") or "")
        rows.append(PreviewRow(number, name, city, None if errors else clean, errors))
    return Preview(rows)
