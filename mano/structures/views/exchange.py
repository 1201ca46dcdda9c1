"""Excel exchange of the directory, for the people who manage it: the import in three steps without JavaScript
(upload; column mapping with a preview of every row; confirm, possible only when no row has an error), the export of
every structure, and the template file.

Between the steps the parsed rows wait in the session: structures are public directory information, not personal
data. The uploaded file itself stays in memory (no temporary file) and is dropped once read.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from mano.accounts.models import Organisation
from mano.core.http import AuthenticatedHttpRequest, member_required
from mano.core.spreadsheet import XLSX, xlsx_response
from mano.structures import excel, excel_import, selectors, services

MANAGER_ROLES = ("admin", "normal")
SESSION_KEY = "structures_import"
# The multipart envelope around a file of MAX_BYTES: such a file still reaches read_workbook, which names the limit.
ENVELOPE = 64 * 1024
EXPIRED = gettext_lazy("L’aperçu n’est plus disponible : envoyez de nouveau le fichier.")
NOT_IMPORTED = gettext_lazy("Corrigez le fichier puis recommencez : rien n’a été importé.")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier Excel (.xlsx)"),
        error_messages={"required": gettext_lazy("Choisissez un fichier .xlsx.")},
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX}"}),
    )


class InMemoryUploadHandler(MemoryFileUploadHandler):
    """Keeps an upload up to the import's size limit in memory; a larger one is dropped, never spooled to disk."""

    def handle_raw_input(self, input_data: Any, META: Any, content_length: int, *args: Any, **kwargs: Any) -> None:
        self.activated = content_length <= excel.MAX_BYTES + ENVELOPE


def _manager(request: AuthenticatedHttpRequest) -> Organisation:
    if not services.can_manage(request.user):
        raise PermissionDenied
    organisation = request.user.organisation
    assert organisation is not None
    return organisation


def _stored(request: AuthenticatedHttpRequest) -> tuple[str, str, excel.Sheet] | None:
    """The upload waiting in the session: its id, file name and rows."""
    value = request.session.get(SESSION_KEY)
    if not isinstance(value, dict):
        return None
    sheet = excel.Sheet.from_json(value.get("sheet"))
    return (str(value.get("id")), str(value.get("name", "")), sheet) if sheet is not None else None


def _mapping_from(query: Mapping[str, str], sheet: excel.Sheet) -> dict[int, str] | None:
    """The mapping chosen on the page (`col-<index>` → field), or None when the page has not sent one yet."""
    if "colonnes" not in query:
        return None
    chosen = {i: query.get(f"col-{i}", "") for i in range(len(sheet.headers))}
    return {i: field for i, field in chosen.items() if field in services.FIELDS}


def _columns(sheet: excel.Sheet, mapping: dict[int, str]) -> list[dict[str, Any]]:
    samples = [next((row[i] for row in sheet.rows if i < len(row) and row[i]), "") for i in range(len(sheet.headers))]
    return [
        {"index": i, "header": header, "field": mapping.get(i, ""), "sample": samples[i][:60]}
        for i, header in enumerate(sheet.headers)
    ]


def _preview_page(request: AuthenticatedHttpRequest, mapping: dict[int, str] | None, status: int = 200) -> HttpResponse:
    stored = _stored(request)
    if stored is None:
        messages.error(request, EXPIRED)
        return redirect("structures:import")
    upload_id, name, sheet = stored
    mapping = excel.guess_mapping(sheet.headers) if mapping is None else mapping
    result, mapping_error = None, None
    try:
        result = excel.preview(_manager(request), sheet, mapping)
    except ValidationError as exc:
        mapping_error = " ".join(exc.messages)
    context = {
        "upload_id": upload_id,
        "file_name": name,
        "columns": _columns(sheet, mapping),
        "choices": [(c.field, c.label) for c in excel.COLUMNS],
        "mapping": sorted(mapping.items()),
        "mapping_error": mapping_error,
        "preview": result,
        "not_imported": NOT_IMPORTED,
    }
    return render(request, "structures/import_preview.html", context, status=status)


def _upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)  # a new upload replaces the one waiting
    form = ImportForm(request.POST, request.FILES)
    if "file" not in request.FILES and int(request.META.get("CONTENT_LENGTH") or 0) > excel.MAX_BYTES:
        form.add_error("file", str(excel.TOO_LARGE))  # dropped by InMemoryUploadHandler
    elif form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            sheet = excel.read_workbook(upload.read())
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            stored = {"id": uuid.uuid4().hex, "name": str(upload.name)[:100], "sheet": sheet.as_json()}
            request.session[SESSION_KEY] = stored
            return redirect(reverse("structures:import") + "?apercu=1")
    return render(request, "structures/import_upload.html", {"form": form})


def _confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    stored = _stored(request)
    if stored is None or stored[0] != request.POST.get("upload"):
        messages.error(request, EXPIRED)
        return redirect("structures:import")
    organisation = _manager(request)
    mapping = _mapping_from(request.POST, stored[2]) or {}
    try:
        result = excel.preview(organisation, stored[2], mapping)
        if not result.is_clean:
            raise ValidationError(NOT_IMPORTED)
        count = excel_import.structures_import(
            user=request.user, organisation=organisation, rows=result.ready, request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _preview_page(request, mapping)
    request.session.pop(SESSION_KEY, None)
    text = ngettext("%(count)d structure importée.", "%(count)d structures importées.", count)
    messages.success(request, text % {"count": count})
    return redirect("structures:directory")


@csrf_exempt  # CSRF is checked by _import, once the memory-only upload handler is in place (Django reads the body).
@require_http_methods(["GET", "POST"])
@member_required(roles=MANAGER_ROLES)
def import_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    _manager(request)
    request.upload_handlers = [InMemoryUploadHandler(request)]
    return _import(request)


@csrf_protect
def _import(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "GET":
        if "apercu" in request.GET:
            stored = _stored(request)
            return _preview_page(request, _mapping_from(request.GET, stored[2]) if stored else None)
        return render(request, "structures/import_upload.html", {"form": ImportForm()})
    action = request.POST.get("action")
    if action == "importer":
        return _confirm(request)
    if action == "annuler":
        request.session.pop(SESSION_KEY, None)
        return redirect("structures:settings")
    return _upload(request)


@require_GET
@member_required(roles=MANAGER_ROLES)
def export_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = _manager(request)
    structures = list(selectors.structures_of(request.user).order_by("name_key"))
    content = excel.export_workbook(structures, services.categories_of(organisation))
    excel_import.structures_export_audit(
        user=request.user, organisation=organisation, count=len(structures), request=request
    )
    return xlsx_response(content, f"annuaire-structures-{timezone.localdate().isoformat()}.xlsx")


@require_GET
@member_required(roles=MANAGER_ROLES)
def template_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = _manager(request)
    return xlsx_response(
        excel.template_workbook(categories=services.categories_of(organisation)), "modele-annuaire-structures.xlsx"
    )
