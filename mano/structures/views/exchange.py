"""Excel import (column mapping, preview of every row's errors, nothing imported until confirmed) and export of
the directory, and the template file. Placeholder: being written."""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.http import require_GET, require_http_methods

from mano.core.http import AuthenticatedHttpRequest, admin_required


@require_http_methods(["GET", "POST"])
@admin_required
def import_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return HttpResponse(status=501)


@require_GET
@admin_required
def export_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return HttpResponse(status=501)


@require_GET
@admin_required
def template_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    return HttpResponse(status=501)
