"""Street workers on their phones: 50 bench members browsing and writing at human pace, loopback only.

Run through `make loadtest` (see loadtests/run.py), or by hand against a gunicorn started with the Makefile's
BENCH_ENV: `locust -f loadtests/locustfile.py --headless -u 50 -r 5 -t 60s --host http://127.0.0.1:PORT`.

Each simulated user logs in once with its own bench member (`bench-000`, `bench-001`…; password of
bench/seed.py), waits 2 to 6 s between clicks, and mixes the person list, searches, person pages, comments
and passages. Members whose number ends in 0 have the restricted role (bench/seed.py): they browse and add
passages but never comments, as the application allows. When the database has fewer members than users
(the small bench has 29), accounts are reused: some members then have two sessions, like a phone and a desk.

How production settings meet plain http on 127.0.0.1:
- gunicorn runs exactly as in production behind a TLS proxy; every request carries `X-Forwarded-Proto:
  https` (settings.SECURE_PROXY_SSL_HEADER), so Django sees https and keeps its Secure, `__Host-` cookies.
- requests' cookie jar would never send those Secure cookies over http, and the jar requests builds for each
  request ignores any cookie policy of the session's jar. `LoopbackCookieJar` therefore stores the cookies
  of 127.0.0.1 without their Secure flag, which is what browsers do for a loopback origin (a "potentially
  trustworthy" origin). Cookies of any other host are kept untouched, and only 127.0.0.1 is accepted.
- POSTs send `Origin: https://127.0.0.1:PORT`, like a browser behind the proxy, so Django's CSRF origin
  check passes; the token comes from the form's `csrfmiddlewaretoken` field.
- Every request says `Connection: close`, as a proxy does by default towards its upstream (nginx speaks
  HTTP/1.0 to it). With keep-alive, gunicorn drops idle connections after 2 s, less than the 2–6 s between
  clicks, and a click sent just as it does so ends in "connection reset": browsers retry those silently,
  requests does not, which showed failures that no user would ever see.

Request names group the statistics: `read:…` (pages: GET), `write:…` (form submissions: POST), `auth:…`
(login). Reads are fetched without following redirects: a redirect (to the login page, say) is a failure.
With LOAD_REQUEST_LOG set, every request is also written to that file (group, name, ms, ok, time) so that
loadtests/run.py can compute exact percentiles per group.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import sys
import time
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlparse

from locust import HttpUser, between, events, task
from locust.exception import StopUser
from requests.cookies import RequestsCookieJar

LOOPBACK = "127.0.0.1"
USERS = int(os.environ.get("LOAD_USERS", "50"))
ACCOUNTS = int(os.environ.get("LOAD_ACCOUNTS", "299"))  # bench members in the database (bench/seed.py: users - 1)
PASSWORD = "mano-bench-2026"  # bench/seed.py PASSWORD (not imported: that module needs Django set up)
SEARCH_WORDS = ["dupont", "martin", "eloise", "karim", "diallo", "melanie", "titi", "domiciliation", "eloise martin"]
COMMENTS = [
    "Vu ce soir au camion, va mieux.",
    "A demandé un duvet, à apporter jeudi.",
    "Orienté vers l'accueil de jour pour une douche.",
    "Rendez-vous CCAS confirmé pour la domiciliation.",
]
PERSON_LINK = re.compile(r'href="/personnes/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/"')
KNOWN_PERSONS = 200


def is_restricted(number: int) -> bool:
    return number % 10 == 0  # bench/seed.py: Role.NORMAL if i % 10 else Role.RESTRICTED


def accounts_for(restricted: bool) -> list[int]:
    """Member numbers for one role: bench-000… up to the number of users, within the members that exist."""
    return [n for n in range(min(USERS, ACCOUNTS)) if is_restricted(n) == restricted]


class LoopbackCookieJar(RequestsCookieJar):
    """Cookies from 127.0.0.1 lose their Secure flag, so that they go back over plain http (see docstring)."""

    def set_cookie(self, cookie: Any, *args: Any, **kwargs: Any) -> None:
        if cookie.domain == LOOPBACK:
            cookie.secure = False
        super().set_cookie(cookie, *args, **kwargs)


class FormParser(HTMLParser):
    """The fields of each form of a page, with the values a browser would submit unchanged."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[dict[str, str], dict[str, str]]] = []
        self._fields: dict[str, str] | None = None
        self._select = self._textarea = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._fields = {}
            self.forms.append((a, self._fields))
        elif self._fields is None:
            return
        elif tag == "input" and a.get("name") and a.get("type", "text") not in ("submit", "button", "file"):
            checkable = a.get("type") in ("checkbox", "radio")
            if not checkable or "checked" in a:
                self._fields[a["name"]] = a.get("value", "on" if checkable else "")
        elif tag == "textarea":
            self._textarea = a.get("name", "")
            self._fields[self._textarea] = ""
        elif tag == "select":
            self._select = a.get("name", "")
        elif tag == "option" and self._select and ("selected" in a or self._select not in self._fields):
            self._fields[self._select] = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._fields is not None and self._textarea:
            self._fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "textarea" and self._fields is not None:
            # Browsers drop the newline that follows <textarea>, as Django renders it.
            self._fields[self._textarea] = self._fields[self._textarea].removeprefix("\n")
            self._textarea = ""
        elif tag == "select":
            self._select = ""


def page_form(html: str, field: str) -> dict[str, str] | None:
    """The fields of the page's own POST form (no action: it posts to itself) that has `field`."""
    parser = FormParser()
    parser.feed(html)
    for attrs, fields in parser.forms:
        if attrs.get("method", "").lower() == "post" and not attrs.get("action") and field in fields:
            return fields
    return None


class Worker(HttpUser):
    """One member on a phone: logs in once, then browses; subclasses add what the role may write."""

    abstract = True
    wait_time = between(2, 6)
    restricted = False
    serial: itertools.count[int]

    def on_start(self) -> None:
        host = urlparse(self.host or "")
        if host.scheme != "http" or host.hostname != LOOPBACK:
            raise StopUser(f"loopback only: {self.host!r} is not http://{LOOPBACK}:PORT")
        self.origin = f"https://{host.netloc}"
        self.client.cookies = LoopbackCookieJar()
        self.client.headers.update({"X-Forwarded-Proto": "https", "Connection": "close"})
        pool = accounts_for(self.restricted)
        self.email = f"bench-{pool[next(self.serial) % len(pool)]:03d}@bench.mano.local"
        self.persons: list[str] = []
        self.login()
        self.persons_list()

    def login(self) -> None:
        fields = page_form(self.read("/connexion/", "auth:login_page"), "password")
        if fields is None:
            raise StopUser("no login form")
        fields.update(email=self.email, password=PASSWORD)
        if not self.submit("/connexion/", fields, "auth:login", expect="/"):
            raise StopUser(f"login refused for {self.email}")

    def read(self, url: str, name: str) -> str:
        """GET a page; anything but a 200 (a redirect to the login page, say) is a failure."""
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(
                    response.error or f"HTTP {response.status_code} {response.headers.get('Location', '')}"
                )
                return ""
            response.success()
            return response.text

    def submit(self, url: str, fields: dict[str, str], name: str, expect: str) -> bool:
        """POST a form like a browser behind the TLS proxy; success is a 302 to a URL starting with `expect`."""
        headers = {"Origin": self.origin, "Referer": self.origin + url}
        with self.client.post(
            url, data=fields, headers=headers, name=name, allow_redirects=False, catch_response=True
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not location.startswith(expect):
                response.failure(response.error or f"HTTP {response.status_code} {location}")
                return False
            response.success()
            return True

    def remember(self, html: str) -> None:
        self.persons = (self.persons + list(dict.fromkeys(PERSON_LINK.findall(html))))[-KNOWN_PERSONS:]

    def person(self) -> str | None:
        return random.choice(self.persons) if self.persons else None  # noqa: S311  (load pattern, not security)

    def write(self, path: str, field: str, values: dict[str, str], scenario: str, person_id: str) -> None:
        """Open a person's form, fill it, submit it, and land back on the person page as a browser does."""
        url = f"/personnes/{person_id}/{path}"
        fields = page_form(self.read(url, f"read:{scenario.removesuffix('_add')}_form"), field)
        if fields is None:
            return
        fields.update(values)
        back = f"/personnes/{person_id}/"
        if self.submit(url, fields, f"write:{scenario}", expect=back):
            self.read(back, "read:person_page")

    @task(3)
    def persons_list(self) -> None:
        self.remember(self.read("/personnes/", "read:persons_list"))

    @task(3)
    def search(self) -> None:
        word = random.choice(SEARCH_WORDS)  # noqa: S311
        self.remember(self.read(f"/personnes/?q={word.replace(' ', '+')}", "read:search"))

    @task(4)
    def person_page(self) -> None:
        if person_id := self.person():
            self.read(f"/personnes/{person_id}/", "read:person_page")

    @task(1)
    def passage_add(self) -> None:
        if person_id := self.person():
            self.write("passages/ajouter/", "team", {"comment": ""}, "passage_add", person_id)


class StreetWorker(Worker):
    """A normal member: everything, comments included."""

    serial = itertools.count()

    @task(2)
    def comment_add(self) -> None:
        if person_id := self.person():
            text = random.choice(COMMENTS)  # noqa: S311
            self.write("commentaires/ajouter/", "text", {"text": text}, "comment_add", person_id)


class RestrictedWorker(Worker):
    """Restricted-access member: persons, search and passages, never comments."""

    restricted = True
    serial = itertools.count()
    fixed_count = sum(1 for n in range(USERS) if is_restricted(n))


@events.init.add_listener
def _loopback_only(environment: Any, **_kwargs: Any) -> None:
    host = urlparse(environment.host or "")
    if host.scheme != "http" or host.hostname != LOOPBACK:
        sys.exit(f"loopback only: --host must be http://{LOOPBACK}:PORT, not {environment.host!r}")


@events.init.add_listener
def _request_log(environment: Any, **_kwargs: Any) -> None:
    """Log every request to LOAD_REQUEST_LOG (tab-separated: group, name, ms, ok, end time) for exact percentiles."""
    path = os.environ.get("LOAD_REQUEST_LOG")
    if not path:
        return
    log = open(path, "w", buffering=1 << 16)  # noqa: SIM115  (closed by the quit event)

    @environment.events.request.add_listener
    def _write(name: str, response_time: float, exception: Any = None, **_kw: Any) -> None:
        ok = 0 if exception else 1
        log.write(f"{name.split(':', 1)[0]}\t{name}\t{response_time:.1f}\t{ok}\t{time.time():.3f}\n")

    @environment.events.quit.add_listener  # after the last user has stopped ("quitting" comes before)
    def _close(**_kw: Any) -> None:
        log.close()
