"""Medical documents: upload (encrypted while it arrives, like a person document), open, download, delete, and
the free folders of the tree."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from mano.core.http import AuthenticatedHttpRequest, safe_next
from mano.medical import selectors
from mano.medical.access import health_required
from mano.medical.services import documents as services
from mano.medical.views.common import opened, subject_of
from mano.medical.vocabulary import FIXED_FOLDERS
from mano.persons.selectors.persons import PersonView, person_get
from mano.persons.views.documents import UploadForm, encrypted_upload, file_response


class FolderForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nom du dossier"), max_length=100)


def _back(person_id: object) -> str:
    return reverse("persons:detail", args=[person_id]) + "#documents-medicaux"


def _folders(request: AuthenticatedHttpRequest, view: PersonView) -> list[tuple[str, str]]:
    free = services.free_folders(request.user, request.keyring, view.person)
    return [*((k, str(v)) for k, v in FIXED_FOLDERS.items()), *((f["id"], f["name"]) for f in free)]


@csrf_exempt  # checked by _upload once the encrypting handler is in place (Django reads the body then)
@require_http_methods(["GET", "POST"])
@health_required
def document_add_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    view = person_get(user=request.user, keyring=request.keyring, person_id=person_id)  # 404 before any byte
    return encrypted_upload(request, view.person.organisation_id, lambda: _upload(request, view))


@csrf_protect
def _upload(request: AuthenticatedHttpRequest, view: PersonView) -> HttpResponse:
    posted = request.method == "POST"
    form = UploadForm(
        request.POST if posted else None, request.FILES if posted else None, folders=_folders(request, view)
    )
    del form.fields["family"]
    subject = subject_of(request, view.person.pk)
    if subject is not None:
        form.fields.pop("folder", None)
    if posted and form.is_valid():
        uploads = form.cleaned_data["files"]
        accepted = [u for u in uploads if not u.error]
        try:
            if accepted:
                services.medical_documents_add(
                    user=request.user,
                    keyring=request.keyring,
                    person=view.person,
                    uploads=accepted,
                    folder=form.cleaned_data.get("folder"),
                    subject=subject,
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            refused = [u.error for u in uploads if u.error]
            if not refused:
                count = len(accepted)
                messages.success(
                    request,
                    ngettext("Document enregistré !", "%(count)s documents enregistrés !", count) % {"count": count},
                )
                return redirect(safe_next(request, default_url=_back(view.person.pk)))
            form.add_error("files", refused)
    return render(request, "medical/document_upload.html", {"form": form, "view": view, "subject": subject})


@require_http_methods(["GET"])
@health_required
def document_open_view(request: AuthenticatedHttpRequest, document_id: UUID) -> StreamingHttpResponse:
    """Images and PDF open in the browser; other types are downloaded. Every opening is audited."""
    item = selectors.medical_document_get(user=request.user, keyring=request.keyring, document_id=document_id)
    view = selectors.person_of(request.user, request.keyring, {"person": item.person_id})
    opened(request, view.person)
    return file_response(item, inline=item.preview and request.GET.get("telecharger") != "1")


@require_http_methods(["GET", "POST"])
@health_required
def document_delete_view(request: AuthenticatedHttpRequest, document_id: UUID) -> HttpResponse:
    item = selectors.medical_document_get(user=request.user, keyring=request.keyring, document_id=document_id)
    if request.method == "POST":
        services.medical_document_delete(user=request.user, keyring=request.keyring, document=item.document)
        messages.success(request, _("Document supprimé."))
        return redirect(_back(item.person_id))
    return render(request, "medical/document_delete.html", {"item": item})


@require_http_methods(["GET", "POST"])
@health_required
def folder_add_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    view = person_get(user=request.user, keyring=request.keyring, person_id=person_id)
    form = FolderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.medical_folder_add(
                user=request.user, keyring=request.keyring, person=view.person, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Dossier créé."))
            return redirect(_back(person_id))
    return render(request, "medical/folder_form.html", {"form": form, "view": view})


@require_http_methods(["GET", "POST"])
@health_required
def folder_delete_view(request: AuthenticatedHttpRequest, person_id: UUID, folder_id: str) -> HttpResponse:
    view = person_get(user=request.user, keyring=request.keyring, person_id=person_id)
    folders = {f["id"]: f["name"] for f in services.free_folders(request.user, request.keyring, view.person)}
    if folder_id not in folders:
        raise Http404
    if request.method == "POST":
        services.medical_folder_delete(
            user=request.user, keyring=request.keyring, person=view.person, folder_id=folder_id
        )
        messages.success(request, _("Dossier supprimé ; ses documents sont revenus au premier niveau."))
        return redirect(_back(person_id))
    return render(request, "medical/folder_delete.html", {"view": view, "name": folders[folder_id]})
