"""`vnplan report`: one document as HTML, facts highlighted, citations linked, text escaped."""

from __future__ import annotations

import importlib.util
import re
import sqlite3
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from vnplan.cli import main
from vnplan.models import Citation, Target
from vnplan.outputs.report import highlight, page_name, render_page, write_report

from .conftest import SEEDS
from .test_store import FILES, kb, result_of  # noqa: F401 - kb is a pytest fixture

ROOT = Path(__file__).resolve().parent.parent


class Balance(HTMLParser):
    """Counts unclosed tags, and any <script> element."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts += 1
        if tag not in ("meta", "br", "link", "input", "img"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()


def check_html(page: str) -> None:
    p = Balance()
    p.feed(page)
    assert p.stack == [] and p.scripts == 0


def qn205():
    name, text, build = FILES[0]
    return result_of(name, text, build)


def test_text_is_escaped_and_tags_balance():
    result = qn205()
    page = render_page(result, list(result.documents))
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;đậm&lt;/b&gt;" in page
    assert "<script>alert" not in page
    check_html(page)


def test_facts_are_highlighted_and_listed():
    result = qn205()
    plan = result.documents[1]
    page = render_page(result, [plan])
    quote = "40 dịch vụ hành chính công cấp tỉnh được cung cấp trực tuyến mức độ 4"
    assert f'<span class="f target">{quote}</span><a class="lbl target" href="#fact-' in page
    labels = set(re.findall(r'href="#(fact-\d+)"', page))
    ids = set(re.findall(r'<li id="(fact-\d+)"', page))
    n_facts = sum(1 for f in result.facts if f.doc_id == plan.doc_id)
    assert labels == ids and len(ids) == n_facts
    assert "online_services_level4: = 40 count · province · by 2020-12-31" in page


@pytest.mark.parametrize(("spans", "expected"), [
    # (start, end) of facts over "abcdef": nested and overlapping spans cut the text at every boundary.
    ([(1, 3)], 'a<span class="f citation">bc</span><a class="lbl citation" href="#fact-1" id="ref-1" '
               'title="Quyết định X">CIT</a>def'),
    ([(0, 6), (2, 4)], '<span class="f target">ab</span><span class="f target citation">cd</span>'
                       '<a class="lbl citation" href="#fact-2" id="ref-2" title="Quyết định X">CIT</a>'
                       '<span class="f target">ef</span><a class="lbl target"'),
])
def test_highlight_cuts_at_every_boundary(spans, expected):
    facts = []
    for n, (s, e) in enumerate(spans, 1):
        common = {"doc_id": "d", "section": "", "start": s, "end": e, "quote": "abcdef"[s:e], "rule": "t"}
        if n == 1 and len(spans) > 1:
            facts.append((n, Target(**common, value=1.0, unit="count")))
        else:
            facts.append((n, Citation(**common, type="Quyết định", symbol="X")))
    assert highlight("abcdef", 0, 6, facts).startswith(expected)


def test_citations_link_to_ingested_documents(kb, tmp_path):  # noqa: F811
    doc_id = sqlite3.connect(kb).execute("SELECT doc_id FROM documents WHERE symbol = '205/QĐ-UBND'").fetchone()[0]
    target = sqlite3.connect(kb).execute("SELECT doc_id FROM documents WHERE symbol = '172/QĐ-UBND'").fetchone()[0]
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["report", doc_id, "--db", str(kb), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert f'<a class="cited" href="{page_name(target)}">Quyết định số 172/QĐ-UBND ngày 04/4/2016</a>' in page
    assert "Quyết định 205/QĐ-UBND" in page
    # 172's own page says it was repealed, and by what.
    write_report(target, kb, tmp_path / "172.html")
    assert "repealed by Quyết định 205/QĐ-UBND" in (tmp_path / "172.html").read_text(encoding="utf-8")


def test_report_of_a_file_escapes_script_in_the_input(tmp_path):
    src = tmp_path / "doc.txt"
    src.write_text(SEEDS[0].read_text(encoding="utf-8") + "\n<script>alert('x')</script>\n", encoding="utf-8")
    out = tmp_path / "doc.html"
    result = CliRunner().invoke(main, ["report", str(src), "--db", str(tmp_path / "none.sqlite"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    check_html(page)
    assert "Quyết định 205/QĐ-UBND" in page and 'class="f citation"' in page


def test_report_unknown_target_is_one_error_line(kb, tmp_path):  # noqa: F811
    result = CliRunner().invoke(main, ["report", "nope:0", "--db", str(kb), "--out", str(tmp_path / "x.html")])
    assert result.output == "Error: no file or document 'nope:0'; document ids look like 871b281e39e39c91:0\n"


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs /usr/bin/chromium")
def test_chromium_renders_the_report(tmp_path):
    spec = importlib.util.spec_from_file_location("screenshot_report", ROOT / "bench" / "screenshot_report.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    page = tmp_path / "r.html"
    result = qn205()
    page.write_text(render_page(result, list(result.documents)), encoding="utf-8")
    png = mod.screenshot(page, tmp_path / "r.png", width=800, height=600)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_report_all_writes_every_page_and_links_resolve(kb, tmp_path):  # noqa: F811
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["report", "--all", "--db", str(kb), "--out", str(out)])
    assert result.exit_code == 0, result.output
    pages = {p.name for p in out.iterdir()}
    assert len(pages) == 5 + 1 + 2  # five documents, the index, two provinces
    assert {"index.html", "province-quang-ngai.html", "province-lang-son.html"} <= pages
    links = {h for p in out.iterdir() for h in re.findall(r'href="([^"#]+)"', p.read_text(encoding="utf-8"))}
    assert links and links <= pages
    # Every document page is linked from the index.
    index = (out / "index.html").read_text(encoding="utf-8")
    assert {p for p in pages if p.endswith("_0.html") or p.endswith("_1.html")} <= set(re.findall(r'href="([^"#]+)"', index))


def test_report_needs_a_target(kb, tmp_path):  # noqa: F811
    result = CliRunner().invoke(main, ["report", "--db", str(kb), "--out", str(tmp_path / "x.html")])
    assert result.output == "Error: give a FILE or DOC_ID, or --all\n"
