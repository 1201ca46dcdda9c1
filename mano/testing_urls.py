"""What an observer of URLs collects from a response (history, proxy logs, redirects), for the tests that
check no typed search text travels in clear."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote_plus

URL_HEADERS = ("Location", "HX-Redirect", "HX-Location", "HX-Push-Url", "HX-Replace-Url", "Content-Location")
ATTRIBUTE = re.compile(r'[\w:-]+="([^"]*)"')
# A sealed token (crypto.seal_url_text) is random base64url: by chance it holds any short word ("...VViHe...").
SEALED_TOKEN = re.compile(r"[A-Za-z0-9_-]{40,}")


def urls_of(response: Any) -> list[str]:
    """Redirect and htmx headers, and every attribute value of the page that is a URL (href, action, src, hx-*,
    the hidden `next` fields), decoded as a browser or a log would."""
    found = [response[h] for h in URL_HEADERS if response.has_header(h)]
    if response.get("Content-Type", "").startswith("text/html"):
        values = (html.unescape(v) for v in ATTRIBUTE.findall(response.content.decode()))
        found += [v for v in values if v.startswith(("/", "?", "http"))]
    return [unquote_plus(unquote_plus(url)) for url in found]


def assert_no_words_in_urls(response: Any, words: Iterable[str]) -> None:
    """No URL of the response holds one of `words`, sealed tokens set aside (they are opaque, and other tests
    check that one means nothing outside its session)."""
    lowered = [w.lower() for w in words]
    clear = [SEALED_TOKEN.sub("<token>", url).lower() for url in urls_of(response)]
    assert [url for url in clear if any(w in url for w in lowered)] == []


def assert_text_forms_post(response: Any, names: str = "q") -> None:
    """A search or value field (`names`: a regex alternation) in a GET form would put its words in the next URL."""
    for form in re.findall(r"<form\b[^>]*>.*?</form>", response.content.decode(), flags=re.S):
        if re.search(rf'name="({names})"', form):
            assert 'method="post"' in form.split(">", 1)[0]
