"""Documents and folders of a person: upload, edit, delete, download. Admin and normal members only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from mano.core.http import AuthenticatedHttpRequest, member_required
from mano.core.records import ConflictError
from mano.persons.selectors import documents as selectors
from mano.persons.selectors.persons import PersonView, person_get
from mano.persons.services import documents as services

DOCUMENT_ROLES = ("admin", "normal")
CONFLICT = _(
    "Quelqu’un a modifié cet élément pendant que vous écriviez : rien n’a été écrasé. Le formulaire garde votre "
    "saisie ; enregistrez de nouveau pour la garder."
)
# Inline images open in a sandbox: a crafted file can run nothing on our origin.
IMAGE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class UploadsField(forms.Field):
    """The files of the request, already checked and encrypted by EncryptingUploadHandler."""

    widget = MultipleFileInput

    def to_python(self, value: Any) -> list[services.EncryptedUpload]:
        return [v for v in (value or []) if isinstance(v, services.EncryptedUpload)]


FOLDER_LABEL = _("Dossier")


def _folder_field(choices: list[tuple[str, str]], label: Any = FOLDER_LABEL) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=[("", _("— Aucun (premier niveau)")), *choices], required=False)


class UploadForm(forms.Form):
    # The metaclass moves declared fields into base_fields: this never shadows BaseForm.files at run time.
    files = UploadsField(  # type: ignore[assignment]
        label=_("Fichiers"),
        error_messages={"required": _("Choisissez au moins un fichier.")},
    )
    family = forms.BooleanField(
        label=_("Document familial"), required=False, help_text=_("Ce document sera visible pour toute la famille.")
    )

    def __init__(self, *args: Any, folders: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].widget.attrs.update(accept=selectors.ACCEPT, multiple=True)
        self.fields["files"].help_text = _(
            "Photos (JPEG, PNG, WebP, HEIC), PDF, texte, Word, Excel, LibreOffice ; %(mb)s Mo au plus chacun."
        ) % {"mb": settings.MANO_DOCUMENT_MAX_BYTES // (1024 * 1024)}
        if folders:
            self.fields["folder"] = _folder_field(folders)


class DocumentForm(forms.Form):
    name = forms.CharField(label=_("Nom du document"), max_length=services.NAME_MAX)
    folder = forms.ChoiceField(required=False)
    family = forms.BooleanField(
        label=_("Document familial"), required=False, help_text=_("Ce document sera visible pour toute la famille.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args: Any, folders: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["folder"] = _folder_field(folders)


class FolderForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du dossier"), max_length=100, widget=forms.TextInput(attrs={"placeholder": _("Nouveau dossier")})
    )
    parent = forms.ChoiceField(required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args: Any, folders: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"] = _folder_field(folders, _("Dans le dossier"))


def _section_url(person_id: UUID) -> str:
    return reverse("persons:detail", args=[person_id]) + "#documents"


def _folders(request: AuthenticatedHttpRequest, view: PersonView, exclude: UUID | None = None) -> list[tuple[str, str]]:
    folders = selectors.person_folders(keyring=request.keyring, person=view.person)
    return selectors.folder_choices(folders, exclude=exclude)


@csrf_exempt  # CSRF is checked by _upload, after the upload handler is in place (Django reads the body then).
@require_http_methods(["GET", "POST"])
@member_required(roles=DOCUMENT_ROLES)
def document_add_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    view = person_get(user=request.user, keyring=request.keyring, person_id=person_id)  # 404 before any byte is read
    return encrypted_upload(request, view.person.organisation_id, lambda: _upload(request, view))


def encrypted_upload(request: HttpRequest, organisation_id: UUID, handle: Callable[[], HttpResponse]) -> HttpResponse:
    """Put the encrypting upload handler in place before Django reads the body, run `handle` (a csrf_protect'ed
    view body), then remove the ciphertext of every file no row took."""
    handler = services.EncryptingUploadHandler(
        request, organisation_id=organisation_id, max_bytes=settings.MANO_DOCUMENT_MAX_BYTES
    )
    request.upload_handlers = [handler]
    try:
        return handle()
    finally:
        handler.discard_unsaved()


@csrf_protect
def _upload(request: AuthenticatedHttpRequest, view: PersonView) -> HttpResponse:
    posted = request.method == "POST"
    form = UploadForm(
        request.POST if posted else None, request.FILES if posted else None, folders=_folders(request, view)
    )
    saved: list[str] = []
    if posted and form.is_valid():
        uploads = form.cleaned_data["files"]
        accepted = [u for u in uploads if not u.error]
        try:
            if accepted:
                services.documents_add(
                    user=request.user,
                    keyring=request.keyring,
                    person=view.person,
                    uploads=accepted,
                    folder_id=form.cleaned_data.get("folder"),
                    family=form.cleaned_data["family"],
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            saved = [u.name for u in accepted]
            refused = [u.error for u in uploads if u.error]
            if not refused:
                # Names stay out of flash messages: they cross the redirect in a cookie or the session table.
                count = len(saved)
                messages.success(
                    request,
                    ngettext("Document enregistré !", "%(count)s documents enregistrés !", count) % {"count": count},
                )
                return redirect(_section_url(view.person.pk))
            form.add_error("files", refused)
    return render(request, "persons/document_upload.html", {"form": form, "view": view, "saved": saved})


def _posted(request: AuthenticatedHttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "POST"])
@member_required(roles=DOCUMENT_ROLES)
def document_edit_view(request: AuthenticatedHttpRequest, person_id: UUID, document_id: UUID) -> HttpResponse:
    view, item = selectors.document_get(
        user=request.user, keyring=request.keyring, person_id=person_id, document_id=document_id
    )
    initial = {"name": item.name, "folder": item.folder or "", "family": item.family, "version": item.document.version}
    form = DocumentForm(_posted(request), initial=initial, folders=_folders(request, view))
    if form.is_bound and form.is_valid():
        try:
            services.document_update(
                user=request.user,
                keyring=request.keyring,
                item=item,
                expected_version=form.cleaned_data["version"] or 0,
                name=form.cleaned_data["name"],
                folder_id=form.cleaned_data["folder"],
                family=form.cleaned_data["family"],
            )
        except ConflictError:
            latest = selectors.document_get(
                user=request.user, keyring=request.keyring, person_id=person_id, document_id=document_id
            )[1]
            form = _conflicted(form, DocumentForm, latest.document.version, _folders(request, view))
            context = {"form": form, "view": view, "item": latest, "conflict": latest.name}
            return render(request, "persons/document_edit.html", context, status=409)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Document mis à jour."))
            return redirect(_section_url(person_id))
    return render(request, "persons/document_edit.html", {"form": form, "view": view, "item": item})


def _conflicted(form: forms.Form, form_class: Any, version: int, folders: list[tuple[str, str]]) -> Any:
    """What the user typed, on the latest version, with the conflict message: saving again wins deliberately."""
    data = cast(QueryDict, form.data).copy()  # the form is bound to request.POST
    data["version"] = str(version)
    fresh = form_class(data, folders=folders)
    fresh.is_valid()
    fresh.add_error(None, CONFLICT)
    return fresh


@require_http_methods(["GET", "POST"])
@member_required(roles=DOCUMENT_ROLES)
def document_delete_view(request: AuthenticatedHttpRequest, person_id: UUID, document_id: UUID) -> HttpResponse:
    view, item = selectors.document_get(
        user=request.user, keyring=request.keyring, person_id=person_id, document_id=document_id
    )
    if request.method == "POST":
        services.document_delete(user=request.user, item=item, request=request)
        messages.success(request, _("Document supprimé."))
        return redirect(_section_url(person_id))
    return render(request, "persons/document_delete.html", {"view": view, "item": item})


def file_response(item: selectors.StoredFile, *, inline: bool) -> StreamingHttpResponse:
    response = StreamingHttpResponse(selectors.document_chunks(item), content_type=item.mime)
    disposition = content_disposition_header(not inline, selectors.download_name(item))
    assert disposition is not None  # None only for an empty name: uploads need an extension, renames a name
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    if inline and item.is_image:
        response["Content-Security-Policy"] = IMAGE_CSP
    return response


@require_http_methods(["GET"])
@member_required(roles=DOCUMENT_ROLES)
def document_download_view(
    request: AuthenticatedHttpRequest, person_id: UUID, document_id: UUID
) -> StreamingHttpResponse:
    _, item = selectors.document_get(
        user=request.user, keyring=request.keyring, person_id=person_id, document_id=document_id
    )
    return file_response(item, inline=False)


@require_http_methods(["GET"])
@member_required(roles=DOCUMENT_ROLES)
def document_open_view(request: AuthenticatedHttpRequest, person_id: UUID, document_id: UUID) -> StreamingHttpResponse:
    """Images and PDF open in the browser; other types are downloaded."""
    _, item = selectors.document_get(
        user=request.user, keyring=request.keyring, person_id=person_id, document_id=document_id
    )
    return file_response(item, inline=item.preview)


@require_http_methods(["GET", "POST"])
@member_required(roles=DOCUMENT_ROLES)
def folder_add_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    view = person_get(user=request.user, keyring=request.keyring, person_id=person_id)
    form = FolderForm(
        _posted(request), initial={"parent": request.GET.get("dans", "")}, folders=_folders(request, view)
    )
    if form.is_bound and form.is_valid():
        try:
            services.folder_create(
                user=request.user,
                keyring=request.keyring,
                person=view.person,
                name=form.cleaned_data["name"],
                parent_id=form.cleaned_data["parent"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Dossier créé !"))
            return redirect(_section_url(person_id))
    return render(request, "persons/document_folder_form.html", {"form": form, "view": view})


@require_http_methods(["GET", "POST"])
@member_required(roles=DOCUMENT_ROLES)
def folder_edit_view(request: AuthenticatedHttpRequest, person_id: UUID, folder_id: UUID) -> HttpResponse:
    view, item = selectors.folder_get(
        user=request.user, keyring=request.keyring, person_id=person_id, folder_id=folder_id
    )
    folders = _folders(request, view, exclude=item.pk)
    initial = {"name": item.name, "parent": item.parent or "", "version": item.folder.version}
    form = FolderForm(_posted(request), initial=initial, folders=folders)
    if form.is_bound and form.is_valid():
        try:
            services.folder_update(
                user=request.user,
                keyring=request.keyring,
                item=item,
                expected_version=form.cleaned_data["version"] or 0,
                name=form.cleaned_data["name"],
                parent_id=form.cleaned_data["parent"],
            )
        except ConflictError:
            latest = selectors.folder_get(
                user=request.user, keyring=request.keyring, person_id=person_id, folder_id=folder_id
            )[1]
            form = _conflicted(form, FolderForm, latest.folder.version, folders)
            context = {"form": form, "view": view, "item": latest, "conflict": latest.name}
            return render(request, "persons/document_folder_form.html", context, status=409)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Dossier mis à jour."))
            return redirect(_section_url(person_id))
    return render(request, "persons/document_folder_form.html", {"form": form, "view": view, "item": item})


@require_http_methods(["GET", "POST"])
@member_required(roles=DOCUMENT_ROLES)
def folder_delete_view(request: AuthenticatedHttpRequest, person_id: UUID, folder_id: UUID) -> HttpResponse:
    view, item = selectors.folder_get(
        user=request.user, keyring=request.keyring, person_id=person_id, folder_id=folder_id
    )
    if request.method == "POST":
        version = request.POST.get("version", "")
        try:
            services.folder_delete(
                user=request.user,
                keyring=request.keyring,
                item=item,
                expected_version=int(version) if version.isdigit() else item.folder.version,
                request=request,
            )
        except ConflictError:
            messages.error(
                request, _("Ce dossier ou son contenu a changé entre-temps : rien n’a été supprimé. Réessayez.")
            )
            return redirect("persons:document-folder-delete", person_id=person_id, folder_id=folder_id)
        messages.success(request, _("Dossier supprimé."))
        return redirect(_section_url(person_id))
    tree = selectors.document_tree(
        selectors.person_folders(keyring=request.keyring, person=view.person),
        selectors.person_documents(keyring=request.keyring, person=view.person),
    )
    context = {"view": view, "item": item, "count": _count(tree, item)}
    return render(request, "persons/document_folder_delete.html", context)


def _count(node: selectors.FolderNode, item: selectors.FolderItem) -> int:
    if node.item is not None and node.item.pk == item.pk:
        return node.count
    return sum(_count(child, item) for child in node.folders)
