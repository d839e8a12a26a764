"""The report, the index, a province page and a chart, opened in a real browser (headless Chromium).

Debian's `chromium` driven by Playwright (`executable_path`, never `playwright install`); CI installs
it (`.ci/run`). Each test checks what a reader would meet: the page renders, a highlight clicks
through to its side-list entry and back, every link resolves, the console stays clean, nothing is
fetched from the network, and script inside a document's text stays inert text. A screenshot of
each page is kept: under `$VNPLAN_SCREENSHOTS` when set, else in the test's temporary folder
(printed at the end of the run with `-rA`, or found under pytest's basetemp).
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from click.testing import CliRunner
from vnplan.cli import main

from .progress_helpers import make_progress_kb

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install '.[test]')")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):  # CI installs chromium (.ci/run): there, a missing browser is a failure
        raise RuntimeError(f"CI without chromium at {CHROMIUM}: .ci/run should have installed it")
    pytest.skip("no chromium (Debian: apt-get install -y chromium; .ci/run installs it)", allow_module_level=True)
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Where screenshots go: $VNPLAN_SCREENSHOTS, or a temporary folder of this run."""
    env = os.environ.get("VNPLAN_SCREENSHOTS")
    path = Path(env) if env else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, Path]:
    """`vnplan report --all` and `vnplan chart` over the committed-vs-achieved test knowledge base."""
    base = tmp_path_factory.mktemp("browser")
    kb = make_progress_kb(base / "kb.sqlite")
    out = base / "site"
    for args in (["report", "--all", "--db", str(kb), "--out", str(out)],
                 ["chart", "PAR INDEX", "--province", "Quảng Ninh", "--db", str(kb), "--out", str(base / "par")]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
    return out, kb


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


class Visit:
    """A page opened from disk, with its console errors, uncaught errors and any network request."""

    def __init__(self, browser, url: str, width: int = 1280, height: int = 900) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}")
                     if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.goto(url)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def clean(self) -> None:
        assert self.errors == [] and self.requests == []

    def close(self) -> None:
        self.context.close()


def doc_page(site, symbol: str) -> Path:
    out, kb = site
    doc_id = sqlite3.connect(kb).execute("SELECT doc_id FROM documents WHERE symbol = ?", [symbol]).fetchone()[0]
    return out / (doc_id.replace(":", "_") + ".html")


def all_links_resolve(v: Visit) -> int:
    """Every link on the page points at a file that exists, and every fragment at an element of its page."""
    # HTML links and the citation graph's SVG links alike (an SVG link's `href` is not a string); the
    # fragments of links within the page are looked up in the page itself, in one round trip.
    hrefs, missing = v.page.evaluate("""() => {
        const hrefs = [...document.querySelectorAll('a[href]')].map(
            a => new URL(a.getAttribute('href'), document.baseURI).href);
        const here = location.href.split('#')[0];
        const missing = hrefs.filter(h => h.split('#')[0] === here && h.includes('#')
            && !document.getElementById(decodeURIComponent(h.split('#')[1])));
        return [hrefs, missing];
    }""")
    assert missing == []
    here = urlparse(v.page.url).path
    for href in set(hrefs):
        u = urlparse(href)
        assert u.scheme == "file", href
        path = Path(unquote(u.path))
        assert path.is_file(), href
        if u.fragment and u.path != here:
            assert f'id="{u.fragment}"' in path.read_text(encoding="utf-8"), href
    return len(hrefs)


def test_document_page_renders_clicks_through_and_back(browser, site, shots):
    v = Visit(browser, doc_page(site, "205/KH-UBND").as_uri())
    page = v.page
    assert page.locator("header h1").inner_text() == "Kế hoạch 205/KH-UBND"
    page.screenshot(path=shots / "document.png", full_page=True)
    label = page.locator("a.lbl.target").first
    n = label.get_attribute("href").removeprefix("#fact-")
    label.click()
    assert page.evaluate("location.hash") == f"#fact-{n}"
    entry = page.locator(f"li[id='fact-{n}']")
    assert entry.is_visible() and "93.157" in entry.inner_text()
    assert page.evaluate("document.querySelector(':target').id") == f"fact-{n}"
    entry.locator("a.num").click()
    assert page.evaluate("location.hash") == f"#ref-{n}"
    assert page.evaluate("document.querySelector(':target').textContent") == "TGT"
    assert page.locator(f"[id='ref-{n}']").is_visible()
    assert all_links_resolve(v) > 10
    v.clean()
    v.close()


def test_legend_switches_a_kind_off_and_on(browser, site):
    v = Visit(browser, doc_page(site, "205/KH-UBND").as_uri())
    page = v.page
    span = page.locator("span.f.target").first
    label = page.locator("a.lbl.target").first
    on = span.evaluate("e => getComputedStyle(e).backgroundColor")
    assert on == "rgb(200, 242, 194)" and label.is_visible()
    box = page.locator('.legend input[data-kind="target"]')
    box.click()
    assert span.evaluate("e => getComputedStyle(e).backgroundColor") == "rgba(0, 0, 0, 0)"
    assert not label.is_visible()
    # Other kinds keep theirs.
    assert page.locator("span.f.citation").first.evaluate("e => getComputedStyle(e).backgroundColor") == \
        "rgb(214, 228, 255)"
    box.click()
    assert span.evaluate("e => getComputedStyle(e).backgroundColor") == on and label.is_visible()
    v.clean()
    v.close()


def test_side_list_numbers_are_not_clipped(browser, site, shots):
    # The seed plan has more than a hundred facts: three-digit numbers at a narrow width.
    out, _ = site
    src = Path(__file__).resolve().parent.parent / "corpus" / "000_086db076c625b478.txt"
    page_path = out.parent / "seed000.html"
    result = CliRunner().invoke(main, ["report", str(src), "--db", str(out.parent / "none.sqlite"),
                                       "--out", str(page_path)])
    assert result.exit_code == 0, result.output
    v = Visit(browser, page_path.as_uri(), width=1000)
    bad = v.page.evaluate("""() => {
        const nums = [...document.querySelectorAll('ol.facts .num')];
        return [nums.length, Math.max(...nums.map(e => +e.textContent)), nums.filter(e => {
            const r = e.getBoundingClientRect(), aside = e.closest('aside').getBoundingClientRect();
            return e.scrollWidth > e.clientWidth || r.left < aside.left || r.right > aside.right;
        }).map(e => e.textContent)];
    }""")
    count, biggest, clipped = bad
    assert count > 100 and biggest >= 100 and clipped == []
    v.page.locator("aside").last.screenshot(path=shots / "side-list.png")
    assert all_links_resolve(v) > 100
    v.clean()
    v.close()


def test_script_in_document_text_stays_text(browser, site):
    v = Visit(browser, doc_page(site, "205/KH-UBND").as_uri())
    page = v.page
    assert page.title() == "Kế hoạch 205/KH-UBND"  # the document's <script> would have renamed it
    text = page.locator("article.doc").inner_text()
    assert '<script>document.title="pwned"</script><img src=x onerror="document.title=\'pwned\'">' in text
    assert page.locator("article.doc script, article.doc img").count() == 0
    v.clean()
    v.close()


def test_index_renders_and_every_link_resolves(browser, site, shots):
    out, kb = site
    v = Visit(browser, (out / "index.html").as_uri())
    page = v.page
    page.screenshot(path=shots / "index.png", full_page=True)
    n_docs = sqlite3.connect(kb).execute("SELECT count(*) FROM documents").fetchone()[0]
    assert page.locator("table.docs tbody tr").count() == n_docs
    assert all_links_resolve(v) >= n_docs + 3
    page.locator("a", has_text="Quảng Ninh").first.click()
    assert page.url.endswith("index.html#p-quang-ninh")
    page.locator("section#p-quang-ninh h2 a").click()
    assert page.url.endswith("province-quang-ninh.html")
    v.clean()
    v.close()


def test_province_page_shows_its_charts(browser, site, shots):
    out, _ = site
    v = Visit(browser, (out / "province-quang-ninh.html").as_uri())
    page = v.page
    sizes = page.eval_on_selector_all("figure.chart img", "els => els.map(i => [i.complete, i.naturalWidth])")
    assert len(sizes) == 2 and all(done and w > 500 for done, w in sizes)
    page.screenshot(path=shots / "province.png", full_page=True)
    assert all_links_resolve(v) >= 3
    v.clean()
    v.close()


def test_chart_svg_opens_on_its_own(browser, site, shots):
    out, _ = site
    svg = out.parent / "par.svg"
    v = Visit(browser, svg.as_uri(), width=1300, height=1000)
    box = v.page.locator("svg").first.bounding_box()
    assert box["width"] > 500 and box["height"] > 400
    v.page.screenshot(path=shots / "chart.png")
    v.clean()
    v.close()


# ---------------------------------------------------------------- Datasette, with the dashboards plugin


@pytest.fixture(scope="module")
def datasette_url(tmp_path_factory):
    """`datasette serve` on a free loopback port, over the test knowledge base, with outputs/datasette.json."""
    pytest.importorskip("datasette_dashboards", reason="datasette-dashboards is not installed (pip install '.[test]')")
    base = tmp_path_factory.mktemp("datasette")
    kb = make_progress_kb(base / "vnplan.sqlite")  # the metadata's database name
    meta = Path(__file__).resolve().parent.parent / "outputs" / "datasette.json"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "datasette", "serve", str(kb), "-m", str(meta), "--host",
                             "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):  # at most 30 s
            try:
                with urllib.request.urlopen(f"{url}/-/versions.json", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"datasette did not start: {proc.stderr.read().decode()[-2000:]}")
                time.sleep(0.2)
        else:
            pytest.fail("datasette did not answer within 30 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_datasette_dashboard_draws_the_chart_offline(browser, datasette_url, shots):
    v = Visit(browser, "about:blank")
    allowed = datasette_url
    v.context.unroute("**/*")
    v.context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(allowed)
                    else (v.requests.append(route.request.url), route.abort()))
    page = v.page
    page.goto(f"{datasette_url}/-/dashboards/committed-vs-achieved?indicator=par_index&unit=points"
              f"&province=Qu%E1%BA%A3ng+Ninh")
    page.wait_for_selector("#chart-chart canvas, #chart-chart svg", timeout=20_000)
    size = page.locator("#chart-chart canvas, #chart-chart svg").first.bounding_box()
    assert size["width"] > 200 and size["height"] > 100
    assert "committed_vs_achieved" in page.locator("#chart-about").inner_text()
    page.screenshot(path=shots / "datasette-dashboard.png", full_page=True)
    v.clean()
    v.close()
