"""A report as PDF (WeasyPrint), from the same sections template as the page. Nothing is fetched: the template
carries its own styles, and the URL fetcher allows only inline `data:` resources (no file, no network).

WeasyPrint is imported on the first PDF only: it loads the system's Pango library, which a machine that never
prints may lack, and the rest of the application must start without it."""

from __future__ import annotations


def pdf_of(html: str) -> bytes:
    import weasyprint
    from weasyprint.urls import URLFetcher

    inline_only = URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)
    document: bytes = weasyprint.HTML(string=html, url_fetcher=inline_only).write_pdf()
    return document
