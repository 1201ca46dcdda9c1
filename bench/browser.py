"""Browser line of the benchmark: Debian's Chromium (Playwright, nothing downloaded) on the seeded organisation.

Usage: `python -m bench.browser` in the Makefile's BENCH_ENV after `manage.py seed_bench`; `make bench` runs it
after bench.run. It starts gunicorn with the production settings on a free 127.0.0.1 port (loadtests.run's helpers,
2 workers × 4 threads), then, BROWSER_RUNS times (default 10) after one cold run, in a fresh browser context at phone
size (no cookies, empty HTTP cache), as a street worker who opens a bookmark of the organisation-wide list sorted by
name: the login page appears, they type their e-mail and password (a second's pause before each click), and

- `login_to_list`: from the click on « Se connecter » (POST, redirect to the list) to the first frame with its rows;
- `search`: from the click on « Chercher » with a surname typed (POST, redirect) to the first frame with results.

Both are measured in the page's clock (the click event's timestamp → the frame painted once a row exists), so
Playwright's own round trips are left out (they are printed apart, as `playwright_ms`). The page's Navigation Timing
and Chromium's counters (CDP Performance.getMetrics: tasks, script, style and layout time) split them into server and
browser time. `renderer_peak_mb` is the largest peak resident set (VmHWM in /proc) among the renderer processes of
the run's context, read before it closes: Chromium's own mapped code and data included, so an upper bound; the
renderer's private pages, its PSS (shared pages divided among the processes mapping them) and the JS heap are
printed beside it, and `blank_page_mb`, the same peak for a page holding one paragraph (no style, no script), read
after the same pause: Chromium's floor on this machine, which no page of ours can go under.

Prints `BROWSER <name> …` lines and adds a dated section to docs/benchmarks.md (newest first, like bench/run.py).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

from loadtests.run import HOST, bench_members, free_port, load_average, start_gunicorn, stop, wait_until_up, write_docs
from mano.testing_browser import CHROMIUM_ARGS, PHONE

RUNS = int(os.environ.get("BROWSER_RUNS", "10"))
LIST_URL = "/personnes/?tout=1&tri=name"  # bench.run's persons_list, whole organisation sorted by name
TYPING_MS = int(os.environ.get("BROWSER_TYPING_MS", "1000"))
SURNAME = "dupont"  # bench.run's search by surname
ROWS = "table.table tbody tr td a[href^='/personnes/']"
TARGETS = {"login_to_list": 500.0, "search": 250.0, "renderer_peak_mb": 150.0}  # issue 13, at large size
ROOT = Path(__file__).resolve().parent.parent
# In every document: the click's moment (kept in sessionStorage across the navigation it starts), and the first
# frame painted with rows (a task queued from requestAnimationFrame runs once that frame is out).
MARKS_JS = """
addEventListener("click", (e) => sessionStorage.setItem("benchClickAt", performance.timeOrigin + e.timeStamp), true);
new MutationObserver((_, observer) => {
  if (!document.querySelector("__ROWS__")) return;
  observer.disconnect();
  requestAnimationFrame(() => setTimeout(() => { window.benchRowsAt = performance.timeOrigin + performance.now(); }));
}).observe(document, {childList: true, subtree: true});
""".replace("__ROWS__", ROWS)
# Once the rows are visible: click → painted rows, the navigation's timings (their origin is the start of the
# click's navigation), the first contentful paint, and how much HTML came.
TIMINGS_JS = """async () => {
  const until = performance.now() + 10000;
  while (window.benchRowsAt === undefined && performance.now() < until) await new Promise((ok) => setTimeout(ok, 5));
  if (window.benchRowsAt === undefined) return null;
  const n = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const click = Number(sessionStorage.getItem("benchClickAt"));
  return {page: window.benchRowsAt - click, start: performance.timeOrigin - click,
          redirect: n.redirectEnd - n.redirectStart, ttfb: n.responseStart - n.requestStart,
          body: n.responseEnd - n.responseStart, dom: n.domContentLoadedEventEnd - n.responseEnd,
          fcp: paint ? paint.startTime + performance.timeOrigin - click : null, html_kb: n.decodedBodySize / 1024,
          rows: document.querySelectorAll("table.table tbody tr").length};
}"""
CDP_METRICS = ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "TaskDuration")


@dataclass
class Step:
    """One measured click per run: click → first frame with rows (ms), and the page's own split of that time."""

    ms: list[float] = field(default_factory=list)
    parts: list[dict[str, float]] = field(default_factory=list)

    def median_of(self, key: str) -> float:
        values = [p[key] for p in self.parts if p.get(key) is not None]
        return statistics.median(values) if values else float("nan")


@dataclass
class Memory:
    """Per run, the largest value among the renderer processes (MB)."""

    peak: list[float] = field(default_factory=list)  # VmHWM: peak resident set, shared pages included
    private: list[float] = field(default_factory=list)  # RssAnon + RssShmem at the end: the renderer's own pages
    pss: list[float] = field(default_factory=list)  # shared pages divided among the processes mapping them
    blank_page: list[float] = field(default_factory=list)  # VmHWM for one paragraph, no style or script: the floor
    js_heap: list[float] = field(default_factory=list)


@contextmanager
def gunicorn() -> Iterator[str]:
    """gunicorn as in loadtests.run, with this port trusted for CSRF: Chromium sends `Origin: http://…`
    while every request carries `X-Forwarded-Proto: https`, as behind the TLS proxy."""
    port = free_port()
    os.environ["CSRF_TRUSTED_ORIGINS"] = f"http://{HOST}:{port}"
    log = ROOT / "var" / "browser-gunicorn.log"
    log.parent.mkdir(exist_ok=True)
    server: subprocess.Popen[bytes] = start_gunicorn(port, log)
    try:
        wait_until_up(port, server)
        yield f"http://{HOST}:{port}"
    finally:
        stop(server)


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found += children.get(pid, [])
        todo += children.get(pid, [])
    return found


def _renderers() -> list[int]:
    """Chromium's renderer processes under this Python process (Playwright's driver → chromium → renderers)."""
    pids = []
    for pid in _descendants(os.getpid()):
        try:
            if b"--type=renderer" in Path(f"/proc/{pid}/cmdline").read_bytes():
                pids.append(pid)
        except OSError:
            continue
    return pids


def _kb(path: str, key: str) -> float:
    for line in Path(path).read_text().splitlines():
        if line.startswith(key + ":"):
            return float(line.split()[1])
    return 0.0


def _renderer_memory(older: set[int]) -> dict[str, float]:
    """The largest figures among the renderers started since `older` was taken (this run's context only)."""
    largest = {"peak": 0.0, "private": 0.0, "pss": 0.0}
    for pid in set(_renderers()) - older:
        try:
            status = f"/proc/{pid}/status"
            values = {
                "peak": _kb(status, "VmHWM"),
                "private": _kb(status, "RssAnon") + _kb(status, "RssShmem"),
                "pss": _kb(f"/proc/{pid}/smaps_rollup", "Pss"),
            }
        except OSError:  # a spare renderer that just ended
            continue
        largest = {key: max(largest[key], values[key] / 1024) for key in largest}
    return largest


def _read_memory(cdp: Any, memory: Memory, older: set[int]) -> None:
    largest = _renderer_memory(older)
    memory.peak.append(largest["peak"])
    memory.private.append(largest["private"])
    memory.pss.append(largest["pss"])
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    memory.js_heap.append(metrics.get("JSHeapUsedSize", 0.0) / 2**20)


def _click_to_rows(page: Page, cdp: Any, button: str, step: Step) -> None:
    """Click, wait for the new document (after the POST's redirect) and its first row; keep the timings."""
    # A person takes seconds to type: Chromium has finished its own work on the last page (it shares the two
    # cores with the server here) before the click.
    page.wait_for_timeout(TYPING_MS)
    started = time.perf_counter()
    with page.expect_navigation(wait_until="commit"):
        page.click(button)
    page.locator(ROWS).first.wait_for(state="visible")
    wall = (time.perf_counter() - started) * 1000
    parts: dict[str, float] | None = page.evaluate(TIMINGS_JS)
    if parts is None:
        raise RuntimeError(f"no frame with rows painted within 10 s on {page.url}")
    # Chromium's counters start again with each document: these are the new page's, from its commit on.
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    parts.update({name: metrics.get(name, 0.0) * 1000 for name in CDP_METRICS}, wall=wall)
    step.ms.append(parts["page"])
    step.parts.append(parts)


def one_run(browser: Browser, base: str, login: Step, search: Step, memory: Memory) -> None:
    from bench.seed import ADMIN_EMAIL, PASSWORD

    older = set(_renderers())  # a closed context's renderers may take a while to end
    context = browser.new_context(viewport=PHONE, locale="fr-FR", extra_http_headers={"X-Forwarded-Proto": "https"})
    try:
        context.add_init_script(MARKS_JS)
        page = context.new_page()
        page.set_default_timeout(60_000)
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        page.goto(base + LIST_URL)  # not logged in: the login page, with the list as `next`
        page.fill("input[name=email]", ADMIN_EMAIL)
        page.fill("input[name=password]", PASSWORD)
        _click_to_rows(page, cdp, "button:has-text('Se connecter')", login)
        if "/personnes/" not in page.url:
            raise RuntimeError(f"login did not lead to the list: {page.url}")
        page.fill("#q", SURNAME)
        _click_to_rows(page, cdp, "form.search button[type=submit]", search)
        _read_memory(cdp, memory, older)
    finally:
        context.close()


def blank_page_peak(browser: Browser) -> float:
    """The renderer's peak for a page of one paragraph, no style or script, after a person's pause: the part of
    `renderer_peak_mb` that is Chromium's own (its code mapped in, its heaps), whatever the page."""
    older = set(_renderers())
    context = browser.new_context(viewport=PHONE, locale="fr-FR")
    try:
        page = context.new_page()
        page.set_content('<!doctype html><html lang="fr"><title>Mano</title><p>Mano</p>')
        page.wait_for_timeout(TYPING_MS + 1000)
        return _renderer_memory(older)["peak"]
    finally:
        context.close()


def measure(base: str) -> tuple[Step, Step, Memory, tuple[float, float]]:
    """One cold run (fresh gunicorn workers), then RUNS runs; returns the steps of the RUNS and the cold times."""
    executable = shutil.which("chromium")
    if executable is None:
        sys.exit("Chromium absent: apt-get install chromium (never `playwright install`)")
    login, search, memory = Step(), Step(), Memory()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            cold_login, cold_search = Step(), Step()
            one_run(browser, base, cold_login, cold_search, memory)
            for _ in range(RUNS):
                one_run(browser, base, login, search, memory)
            memory.blank_page += [blank_page_peak(browser) for _ in range(3)]
        finally:
            browser.close()
    return login, search, memory, (cold_login.ms[0], cold_search.ms[0])


def _verdict(value: float, target: float) -> str:
    return "ok" if value <= target else "over"


def lines(login: Step, search: Step, memory: Memory, cold: tuple[float, float]) -> list[str]:
    out = []
    for name, step, first in (("login_to_list", login, cold[0]), ("search", search, cold[1])):
        median, target = statistics.median(step.ms), TARGETS[name]
        out.append(
            f"BROWSER {name} median_ms={median:.0f} max_ms={max(step.ms):.0f} cold_ms={first:.0f} "
            f"playwright_ms={step.median_of('wall'):.0f} runs={len(step.ms)} target_ms={target:.0f} "
            f"{_verdict(median, target)}"
        )
    peak, target = max(memory.peak), TARGETS["renderer_peak_mb"]
    out.append(
        f"BROWSER renderer_peak_mb={peak:.0f} private_mb={max(memory.private):.0f} pss_mb={max(memory.pss):.0f} "
        f"blank_page_mb={statistics.median(memory.blank_page):.0f} js_heap_mb={max(memory.js_heap):.1f} "
        f"target_mb={target:.0f} {_verdict(peak, target)}"
    )
    return out


def section(printed: list[str], login: Step, search: Step, database: str, loads: tuple[str, str]) -> str:
    size = os.environ.get("BENCH_SIZE", "small")
    rows = [
        ("**click → first frame with rows** (in the page)", lambda s: statistics.median(s.ms)),
        ("click → rows visible, as Playwright saw it", lambda s: s.median_of("wall")),
        ("click → the navigation starts", lambda s: s.median_of("start")),
        ("POST and its redirect (server: login or search token)", lambda s: s.median_of("redirect")),
        ("GET of the page: request → first byte (server)", lambda s: s.median_of("ttfb")),
        ("GET of the page: first → last byte", lambda s: s.median_of("body")),
        ("last byte → DOMContentLoaded (parse, CSS, JS)", lambda s: s.median_of("dom")),
        ("first contentful paint (from the click)", lambda s: s.median_of("fcp")),
        ("new page, main thread busy (CDP TaskDuration)", lambda s: s.median_of("TaskDuration")),
        ("… of which script (CDP)", lambda s: s.median_of("ScriptDuration")),
        (
            "… of which style + layout (CDP)",
            lambda s: s.median_of("RecalcStyleDuration") + s.median_of("LayoutDuration"),
        ),
    ]
    table = ["| median ms | login_to_list | search |", "|---|---|---|"]
    table += [f"| {label} | {get(login):.0f} | {get(search):.0f} |" for label, get in rows]
    table.append(
        f"| rows shown, HTML KB | {login.median_of('rows'):.0f}, {login.median_of('html_kb'):.0f} | "
        f"{search.median_of('rows'):.0f}, {search.median_of('html_kb'):.0f} |"
    )
    text = [
        f"## {date.today().isoformat()} — browser line, {size} size, database {database}",
        "",
        f"`python -m bench.browser` (in `make bench`): Debian's Chromium (headless, Playwright, {PHONE['width']}×"
        f"{PHONE['height']}) against gunicorn (production settings, 2 workers × 4 threads) on {HOST}; "
        f"{RUNS} runs after one cold run, each in a fresh browser context (no cookies, empty cache): open "
        f"{LIST_URL} → login page → « Se connecter » → list → « Chercher » « {SURNAME} ». "
        f"{os.cpu_count()} cores, load average {loads[0]} before and {loads[1]} after.",
        "",
        *[f"    {line}" for line in printed],
        "",
        *table,
    ]
    return "\n".join(text) + "\n"


def main() -> int:
    _, database = bench_members()
    before = load_average()
    with gunicorn() as base:
        login, search, memory, cold = measure(base)
    after = load_average()
    printed = lines(login, search, memory, cold) + [f"BROWSER load_average before={before} after={after}"]
    text = section(printed, login, search, database, (before, after))
    print("\n".join(printed) + "\n\n" + text)
    if os.environ.get("BROWSER_DOCS", "1") == "1":  # 0: print only (trial runs)
        write_docs(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
