"""A report as PDF (WeasyPrint), from the same sections template as the page. Nothing is fetched: the template
carries its own styles, and the URL fetcher allows only inline `data:` resources (no file, no network)."""

from __future__ import annotations

import weasyprint
from weasyprint.urls import URLFetcher

INLINE_ONLY = URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def pdf_of(html: str) -> bytes:
    document: bytes = weasyprint.HTML(string=html, url_fetcher=INLINE_ONLY).write_pdf()
    return document
