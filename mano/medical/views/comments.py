"""Medical comments: written on the medical file, a consultation or a treatment; edited or deleted by health
professionals."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mano.accounts.selectors import current_team
from mano.core.conflict import conflict_page
from mano.core.http import AuthenticatedHttpRequest, posted_version, safe_next
from mano.core.records import ConflictError
from mano.medical import selectors
from mano.medical.access import health_required
from mano.medical.forms import MedicalCommentForm
from mano.medical.services import comments as services
from mano.medical.views.common import subject_of
from mano.persons.selectors.persons import person_get


@require_http_methods(["GET", "POST"])
@health_required
def comment_add_view(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    view = person_get(user=request.user, keyring=request.keyring, person_id=person_id)
    subject = subject_of(request, person_id)
    form = MedicalCommentForm(request.POST or None)
    back = reverse("persons:detail", args=[person_id]) + "#medical"
    if request.method == "POST" and form.is_valid():
        try:
            services.medical_comment_create(
                user=request.user,
                keyring=request.keyring,
                person=view.person,
                text=form.cleaned_data["text"],
                urgent=form.cleaned_data["urgent"],
                team=current_team(request),
                subject=subject,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Commentaire médical ajouté."))
            return redirect(safe_next(request, default_url=back))
    return render(
        request, "medical/comment_form.html", {"form": form, "view": view, "back": safe_next(request, default_url=back)}
    )


@require_http_methods(["GET", "POST"])
@health_required
def comment_edit_view(request: AuthenticatedHttpRequest, comment_id: UUID) -> HttpResponse:
    comment, data = selectors.comment_get(user=request.user, keyring=request.keyring, comment_id=comment_id)
    view = selectors.person_of(request.user, request.keyring, data)
    back = reverse("persons:detail", args=[view.person.pk]) + "#medical"
    initial = {"text": data.get("text"), "urgent": comment.urgent, "version": comment.version}
    form = MedicalCommentForm(request.POST or None, initial=initial)
    context = {"form": form, "view": view, "comment": comment, "back": back}
    if request.method == "POST":
        if request.POST.get("supprimer") == "1":
            if request.POST.get("confirme") != "1":
                return render(request, "medical/comment_form.html", {**context, "confirm_delete": True})
            try:
                services.medical_comment_delete(
                    user=request.user,
                    keyring=request.keyring,
                    comment=comment,
                    expected_version=posted_version(request),
                )
            except ConflictError:
                messages.error(
                    request, _("Ce commentaire a été modifié entre-temps : vérifiez-le avant de le supprimer.")
                )
                return redirect("medical:comment", comment_id=comment_id)
            messages.success(request, _("Commentaire médical supprimé."))
            return redirect(back)
        if form.is_valid():
            try:
                services.medical_comment_update(
                    user=request.user,
                    keyring=request.keyring,
                    comment=comment,
                    text=form.cleaned_data["text"],
                    urgent=form.cleaned_data["urgent"],
                    expected_version=posted_version(request),
                )
            except ConflictError:
                fresh, fresh_data = selectors.comment_get(
                    user=request.user, keyring=request.keyring, comment_id=comment_id
                )

                saved = [(_("Commentaire"), fresh_data.get("text") or "—")]
                rest = {k: v for k, v in context.items() if k != "form"}
                return conflict_page(
                    request, "medical/comment_form.html", form, version=fresh.version, saved=saved, **rest
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Commentaire médical enregistré."))
                return redirect(back)
    return render(request, "medical/comment_form.html", context)
