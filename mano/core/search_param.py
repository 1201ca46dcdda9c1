"""Free-text searches never travel in clear in a URL.

Typed words ("Dupont VIH") would otherwise reach the browser history, proxy logs, `next` parameters and
`Location` headers. Search forms post their text; the view answers 303 to the same page with `qs=<token>`,
the text sealed for this session only (see crypto.seal_url_text). Filters stay in the URL, so a filtered
page can still be bookmarked and reloaded within the session. A clear `?q=` is still read (old bookmarks,
the bench) but is swapped for its token in the request itself, so no link built from it carries the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseRedirect, QueryDict

from mano.core import crypto

TEXT, SEALED = "q", "qs"
PURPOSE = "search"


@dataclass(frozen=True)
class Search:
    """A search text and the token that stands for it in links ("" when there is no search)."""

    text: str = ""
    token: str = ""

    def pairs(self) -> list[tuple[str, str]]:
        """The URL parameters of this search: the token, never the text."""
        return [(SEALED, self.token)] if self.text and self.token else []


def _binding(request: HttpRequest, purpose: str) -> dict[str, object]:
    user = request.user
    return {
        "purpose": purpose,
        "org_id": getattr(user, "organisation_id", None),
        "user_id": user.pk,
        "session_key": request.session.session_key or "",
    }


def seal(request: HttpRequest, text: str, *, purpose: str = PURPOSE) -> str:
    """The token of `text` for this user's session; "" when it cannot be made (no key or session).

    A token opens only under the `purpose` it was sealed for, so a search token cannot stand for a filter value.
    """
    if not text:
        return ""
    try:
        return crypto.seal_url_text(request.keyring, text=text, **_binding(request, purpose))  # type: ignore[attr-defined,arg-type]
    except crypto.DecryptionError:
        return ""


def unseal(request: HttpRequest, token: str, *, purpose: str = PURPOSE) -> str:
    """The text of a token; an unreadable one (tampered, another session, expired) reads as no search."""
    try:
        return crypto.open_url_text(request.keyring, token=token, **_binding(request, purpose))  # type: ignore[attr-defined,arg-type]
    except crypto.DecryptionError:
        return ""


def _clean(text: str, limit: int) -> str:
    return " ".join(text.split())[:limit]


def is_search_post(request: HttpRequest) -> bool:
    """True for a posted search form (the page may post other forms too)."""
    return request.method == "POST" and TEXT in request.POST


def search_of(request: HttpRequest, *, limit: int) -> Search:
    """The search of this request: the posted `q`, else the `qs` token, else a clear `q` in the URL (so another
    form of the page, posted without `q`, keeps the search of its URL).

    A clear `q` in the URL is replaced by its token in `request.GET` and the query string, so that
    `request.get_full_path()` (the `next` of every link) and every link built from `request.GET` carry
    the token only.
    """
    if is_search_post(request):
        text = _clean(request.POST[TEXT], limit)
        return Search(text, seal(request, text))
    if TEXT not in request.GET:
        token = request.GET.get(SEALED, "")
        text = _clean(unseal(request, token), limit) if token else ""
        return Search(text, token if text else "")
    text = _clean(request.GET.get(TEXT, ""), limit)
    search = Search(text, seal(request, text))
    replace_params(request, (TEXT, SEALED), search.pairs())
    return search


def replace_params(request: HttpRequest, names: tuple[str, ...], pairs: list[tuple[str, str]]) -> None:
    """Drop the parameters `names` from the request's URL and append `pairs`, in `request.GET` and the query
    string alike, so that `request.get_full_path()` and links built from `request.GET` no longer carry them."""
    kept = [(k, v) for k, values in request.GET.lists() if k not in names for v in values]
    query = urlencode(kept + pairs)
    request.GET = QueryDict(query)
    request.META["QUERY_STRING"] = query


def see_other(request: HttpRequest, pairs: list[tuple[str, str]]) -> HttpResponseRedirect:
    """303 to this page with `pairs` (which carry a search only as its token): the browser GETs it."""
    query = urlencode(pairs)
    response = HttpResponseRedirect(f"{request.path}?{query}" if query else request.path)
    response.status_code = 303
    return response
