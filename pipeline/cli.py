"""The `vnplan` command: a thin click layer over the library functions."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .errors import VnplanError


class Group(click.Group):
    """Turn library errors into one `Error: ...` line and a non-zero exit."""

    def invoke(self, ctx: click.Context):  # noqa: D102 - click API
        try:
            return super().invoke(ctx)
        except VnplanError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="vnplan")
def main() -> None:
    """vnplan: Vietnamese legal and plan documents into a queryable SQLite knowledge base."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--db", "db_path", default="vnplan.sqlite", show_default=True, help="SQLite file to write.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Parallel workers (default: number of cores).")
@click.option("--max-mb", type=float, default=64, show_default=True, help="Reject files larger than this.")
@click.option("--timeout", type=float, default=600, show_default=True,
              help="Reject a file whose processing takes longer than this many seconds (0: no limit).")
@click.option("--force", is_flag=True, help="Re-process files even when their content hash is unchanged.")
@click.option("--silent", is_flag=True, help="No progress bar.")
@click.option("--executor", type=click.Choice(["process", "dask"]), default="process", show_default=True,
              help="Run the per-file pipeline in local processes or on a Dask cluster.")
@click.option("--scheduler", default=None,
              help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: a LocalCluster).")
def ingest(paths, db_path, jobs, max_mb, timeout, force, silent, executor, scheduler) -> None:
    """Ingest files and folders (.txt, .md, .html, .pdf) into the knowledge base."""
    from .ingest import ingest as run_ingest
    from .progress import Progress

    progress = Progress(enabled=not silent)
    try:
        summary = run_ingest(paths, db_path, jobs=jobs, max_bytes=int(max_mb * 1024 * 1024), force=force,
                             on_file=progress.update, on_start=progress.start, executor=executor,
                             scheduler=scheduler, timeout=timeout or None)
    finally:
        progress.close()
    mb = summary.bytes / 1e6
    rate = f", {mb / summary.seconds:.3g} MB/s" if summary.seconds else ""
    click.echo(f"database: {db_path}")
    click.echo(f"files: {summary.found} found, {summary.ingested} ingested, {summary.skipped} unchanged, "
               f"{len(summary.rejected)} rejected ({mb:.1f} MB in {summary.seconds:.1f} s{rate})")
    click.echo(f"documents: {summary.documents}")
    click.echo("facts: " + ", ".join(f"{k} {v}" for k, v in summary.facts.items()))
    for path, code, reason in summary.rejected:
        click.echo(f"rejected: {path}: {code} {reason}")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the facts as JSON (FORMAT.md shape).")
def extract(file, as_json) -> None:
    """Extract one file's facts and print them."""
    from vnplan.outputs.facts_json import facts_json

    from .run import process_file

    data = facts_json(process_file(file))
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    for d in data["documents"]:
        click.echo(f"document: {d['type']} {d['symbol'] or '(no number)'} {d['date']} — {d['title']}")
    for kind in ("citations", "relations", "targets", "tasks"):
        click.echo(f"{kind}: {len(data[kind])}")
    click.echo(f"agencies: {', '.join(data['agencies'])}")


@main.command("eval")
@click.option("--gold", "gold_dir", required=True, type=click.Path(), help="Folder of gold JSON files.")
@click.option("--docs", "docs_dir", required=True, type=click.Path(), help="Folder of the documents they annotate.")
@click.option("-v", "--verbose", is_flag=True, help="List every false positive and false negative.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def eval_cmd(gold_dir, docs_dir, verbose, as_json) -> None:
    """Score extraction against gold files: precision, recall and F1 per kind of fact."""
    from .evaluate import evaluate, format_report

    report = evaluate(gold_dir, docs_dir)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=1))
    else:
        click.echo(format_report(report, verbose))


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--show-removed", is_flag=True, help="Print what the cleaning steps dropped, not the text.")
def clean(file, show_removed) -> None:
    """Print the cleaned text of a file, as the extractors read it."""
    from .clean import clean as run_clean
    from .errors import Reject
    from .load import load

    try:
        cleaned = run_clean(load(file))
    except Reject as exc:
        raise VnplanError(f"{file}: {exc}") from None
    if show_removed:
        for r in cleaned.removed:
            click.echo(f"[{r.step}] {r.raw_start}-{r.raw_end}: {r.text!r}")
        for f in cleaned.flags:
            click.echo(f"[flag {f.kind}] {f.start}-{f.end}: {f.detail}")
        return
    sys.stdout.write(cleaned.text + "\n")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--depth", "max_depth", type=int, default=None, help="Show sections down to this depth only.")
@click.option("--no-rows", is_flag=True, help="Hide table rows.")
@click.option("--width", type=int, default=100, show_default=True, help="Cut headings to this many characters.")
def outline(file, max_depth, no_rows, width) -> None:
    """Print each document's metadata and section tree, indented, with paths and scopes."""
    from .errors import Reject
    from .run import process_file
    from .segment import format_outline

    try:
        result = process_file(file)
    except Reject as exc:
        raise VnplanError(f"{file}: {exc}") from None
    click.echo(format_outline(result.documents, max_depth=max_depth, rows=not no_rows, width=width))


@main.command()
@click.option("--db", "db_path", default="vnplan.sqlite", show_default=True)
@click.option("--files", "list_files", is_flag=True, help="List every ingested file too, not only rejects.")
@click.option("--checksum", is_flag=True,
              help="Print a checksum of all file, reject and fact rows (no timestamps or run ids).")
@click.option("--check", is_flag=True, help="Check integrity: SQLite, partial files, orphan facts.")
def status(db_path, list_files, checksum, check) -> None:
    """List the files ingested and the files rejected, with reasons."""
    from . import store
    from .ingest import checksum as kb_checksum
    from .ingest import integrity_problems

    if not Path(db_path).exists():
        raise VnplanError(f"no database at {db_path}; run `vnplan ingest` first")
    db = store.open_db(db_path)
    n_files = db["files"].count
    rejects = list(db.query("SELECT path, code, reason FROM rejects ORDER BY path"))
    click.echo(f"ingested: {n_files} files, {db['documents'].count} documents")
    if list_files:
        for r in db.query("SELECT path, n_documents, n_facts FROM files ORDER BY path"):
            click.echo(f"  {r['path']}: {r['n_documents']} documents, {r['n_facts']} facts")
    by_code = ", ".join(f"{r['code']} {r['n']}" for r in db.query(
        "SELECT code, count(*) AS n FROM rejects GROUP BY code ORDER BY code"))
    click.echo(f"rejected: {len(rejects)} files" + (f" ({by_code})" if by_code else ""))
    for r in rejects:
        click.echo(f"  {r['path']}: {r['code']} {r['reason']}")
    if checksum:
        click.echo(f"checksum: {kb_checksum(db)}")
    if check:
        problems = integrity_problems(db)
        for p in problems:
            click.echo(f"problem: {p}")
        if problems:
            raise VnplanError(f"{len(problems)} integrity problems in {db_path}")
        click.echo("integrity: ok")


def _print_answer(ans, as_json: bool, as_csv: bool, bom: bool = False) -> None:
    from vnplan.outputs.query import format_table, to_csv, to_json

    if as_json:
        click.echo(to_json(ans))
    elif as_csv:
        click.echo(to_csv(ans, bom=bom), nl=False)
    else:
        click.echo(format_table(ans))


def answer_options(fn):
    """Options every answering command shares: the database, the page, the format, --explain."""
    for opt in reversed((
        click.option("--db", "db_path", default="vnplan.sqlite", show_default=True, help="Knowledge base to read."),
        click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True,
                     help="Rows to show; the total is always counted and printed."),
        click.option("--all", "all_rows", is_flag=True, help="Show every row."),
        click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many rows first."),
        click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON (with `total`)."),
        click.option("--csv", "as_csv", is_flag=True, help="Print the answer as CSV."),
        click.option("--bom", is_flag=True, help="With --csv: start with a UTF-8 BOM and end lines in CRLF (Excel)."),
        click.option("--explain", is_flag=True, help="Print the filters the command became, and the count."),
    )):
        fn = opt(fn)
    return fn


def _answer(filters, db_path, limit, all_rows, offset, as_json, as_csv, bom, explain, question=None) -> None:
    from vnplan.outputs.query import ask
    from vnplan.outputs.query import explain as explain_filters

    if explain:
        for line in explain_filters(db_path, filters):
            click.echo(line)
        return
    ans = ask(db_path, filters, limit=None if all_rows else limit, offset=offset)
    if question:
        ans.extra["question"] = question
    _print_answer(ans, as_json, as_csv, bom)


@main.command()
@click.argument("question", nargs=-1, required=True)
@answer_options
def query(question, **opts) -> None:
    """Answer a question in English or Vietnamese (with or without accents).

    Each form, with one example (the guide: docs/QUESTIONS.md):

    \b
      targets       vnplan query "which provinces target at least 90% satisfaction by 2020"
                    vnplan query "tỉnh nào đặt chỉ tiêu 40 DVC mức độ 4"
                    vnplan query "targets for sipas in Quảng Ninh for 2025"
      table         vnplan query "targets by province and year for satisfaction"
      progress      vnplan query "committed vs achieved PAR INDEX in Quảng Ninh"
                    vnplan query "cam kết và kết quả chỉ số CCHC ở Quảng Ninh"
      documents     vnplan query "documents issued by Hà Tĩnh in 2025"
      relations     vnplan query "what amends 62/2022/NĐ-CP"   (to a document)
                    vnplan query "what does 205/QĐ-UBND repeal"   (from it)
                    vnplan query "văn bản nào bãi bỏ 172/QĐ-UBND"
      citations     vnplan query "who cites Luật Ban hành văn bản quy phạm pháp luật"
      stale         vnplan query "stale citations in Quảng Ngãi"
      tasks         vnplan query "what is Sở Nội vụ responsible for in Hà Tĩnh"
                    vnplan query "so noi vu lam gi o Ha Tinh"
      search        vnplan query search một cửa hiện đại
    Filters compose: a province (old or new name), a year or period (2016-2020), a
    deadline (by 2020), a type (plans, quyết định), `issued by` a body, a value
    with a comparator (at least 90%). --explain prints what a question became.
    """
    from vnplan.outputs.questions import parse

    text = " ".join(question)
    _answer(parse(text), question=text, **opts)


def _filters(ask: str, **kw):
    from vnplan.outputs.questions import Filters, canonical, doctype_name, province_name

    if kw.get("province"):
        kw["province"] = province_name(kw["province"])
    if kw.get("doctype"):
        kw["doctype"] = doctype_name(kw["doctype"])
    return canonical(Filters(ask, **{k: v for k, v in kw.items() if v not in (None, ())}))


def _years(text: str | None) -> tuple[int, int] | None:
    import re

    if not text:
        return None
    m = re.fullmatch(r"\s*((?:19|20)\d\d)\s*(?:-\s*((?:19|20)\d\d))?\s*", text)
    if not m:
        raise VnplanError(f"--issued takes a year or a period like 2016-2020, not {text!r}")
    lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
    if lo > hi:
        raise VnplanError(f"the period {lo}-{hi} ends before it starts")
    return lo, hi


def _value(text: str | None) -> tuple[str, float] | None:
    import re

    if not text:
        return None
    m = re.fullmatch(r"\s*(>=|<=|>|<|=)?\s*(\d+(?:[.,]\d+)?)\s*%?\s*", text)
    if not m:
        raise VnplanError(f"--value takes a number with an optional comparator (>=90, <3, =40, 40), not {text!r}")
    return m.group(1) or "", float(m.group(2).replace(",", "."))


def doc_options(fn):
    """The document-side filters every explicit command shares."""
    for opt in reversed((
        click.option("--province", help="Province, old or new name (Hà Giang, Tuyên Quang); accents optional."),
        click.option("--issued", help="Issue year or period of the answering documents: 2017 or 2016-2020."),
        click.option("--type", "doctype", help="Document type: plan, decision, kế hoạch, quyết định, ..."),
        click.option("--issuer", help="Issuing body or province: Bộ Nội vụ, UBND tỉnh Hà Tĩnh, Hà Tĩnh."),
    )):
        fn = opt(fn)
    return fn


@main.command()
@click.option("--indicator", required=True, help="Code (par_index), any alias (Chỉ số CCHC) or plain name.")
@click.option("--province", help="Province, old or new name; accents optional (default: every province).")
@answer_options
def progress(indicator, province, **opts):
    """Committed vs achieved, year by year: each target beside the result reported for its year.

    \b
    Example: vnplan progress --indicator "PAR INDEX" --province "Quảng Ninh"
    Same as: vnplan query "committed vs achieved PAR INDEX in Quảng Ninh"
    """
    _answer(_filters("progress", indicator=indicator, province=province), **opts)


@main.command()
@click.option("--indicator", help="Code (sipas), any alias (mức độ hài lòng) or plain name (satisfaction).")
@click.option("--year", type=int, help="Deadline year.")
@click.option("--by", "by_year", type=int, help="Deadline in or before this year.")
@click.option("--value", help="Committed value, optionally with a comparator: 40, >=90, <3.")
@click.option("--unit", type=click.Choice(["percent", "count", "days", "rank", "points", "times"]))
@click.option("--comparator", type=click.Choice(["=", ">=", ">", "<=", "<"]), help="The target's own comparator.")
@click.option("--pivot", is_flag=True, help="A province x deadline-year table of the values.")
@doc_options
@answer_options
def targets(indicator, year, by_year, value, unit, comparator, pivot, province, issued, doctype, issuer, **opts):
    """Targets by indicator, value, deadline, province, type and issuer.

    \b
    Example: vnplan targets --indicator sipas --province "Quảng Ninh" --year 2025
    Same as: vnplan query "targets for sipas in Quảng Ninh for 2025"
    """
    if year and by_year:
        raise VnplanError("give --year or --by, not both")
    deadline = ("=", year) if year else ("<=", by_year) if by_year else None
    val = _value(value)
    if value and "%" in value and not unit:
        unit = "percent"
    f = _filters("pivot" if pivot else "targets", indicator=indicator, deadline=deadline, value=val, unit=unit,
                 comparator=comparator, province=province, years=_years(issued), doctype=doctype, issuer=issuer)
    if pivot and not indicator:
        raise VnplanError("--pivot needs --indicator")
    _answer(f, **opts)


RELATION_KINDS = ["cites", "based_on", "implements", "promulgates", "amends", "replaces", "repeals", "guides"]


@main.command()
@click.option("--to", "to_doc", help="Relations to this document: what acts on it (symbol, law name or title).")
@click.option("--from", "from_doc", help="Relations from this document: what it acts on.")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(RELATION_KINDS),
              help="Relation kind (repeatable); `repeals` also asks `replaces`; `cites` asks citations.")
@click.option("--modality", type=click.Choice(["in_force", "planned", "reported"]))
@doc_options
@answer_options
def relations(to_doc, from_doc, kinds, modality, province, issued, doctype, issuer, **opts):
    """Relations to or from a document, any kind, with the acting documents' filters.

    \b
    Example: vnplan relations --to 62/2022/NĐ-CP --kind replaces
    Same as: vnplan query "what replaces 62/2022/NĐ-CP"
    """
    if bool(to_doc) == bool(from_doc):
        raise VnplanError("give --to DOCUMENT or --from DOCUMENT")
    if "cites" in kinds and len(kinds) > 1:
        raise VnplanError("--kind cites asks citations; ask it apart from the other kinds")
    f = _filters("relations", direction="to" if to_doc else "from", doc=to_doc or from_doc, relations=tuple(kinds),
                 modality=modality, province=province, years=_years(issued), doctype=doctype, issuer=issuer)
    _answer(f, **opts)


@main.command()
@doc_options
@answer_options
def documents(province, issued, doctype, issuer, **opts):
    """Documents by province, issue year or period, type and issuer, once each with all their files.

    \b
    Example: vnplan documents --issuer "Hà Tĩnh" --issued 2025
    Same as: vnplan query "documents issued by Hà Tĩnh in 2025"
    """
    _answer(_filters("documents", province=province, years=_years(issued), doctype=doctype, issuer=issuer), **opts)


@main.command()
@doc_options
@answer_options
def stale(province, issued, doctype, issuer, **opts):
    """Citations of repealed or replaced documents, with both dates, by citing document.

    \b
    Example: vnplan stale --province "Quảng Ngãi"
    Same as: vnplan query "stale citations in Quảng Ngãi"
    """
    _answer(_filters("stale", province=province, years=_years(issued), doctype=doctype, issuer=issuer), **opts)


@main.command()
@click.option("--agency", required=True, help="Agency name or alias: Sở Nội vụ, so noi vu, Sở TT&TT.")
@click.option("--role", type=click.Choice(["lead", "support"]))
@doc_options
@answer_options
def tasks(agency, role, province, issued, doctype, issuer, **opts):
    """An agency's tasks, as lead or support, with deadlines; scope them to a province.

    \b
    Example: vnplan tasks --agency "Sở Nội vụ" --province "Hà Tĩnh"
    Same as: vnplan query "what is Sở Nội vụ responsible for in Hà Tĩnh"
    """
    _answer(_filters("tasks", agency=agency, role=role, province=province, years=_years(issued), doctype=doctype,
                     issuer=issuer), **opts)


@main.command()
@click.argument("words", nargs=-1, required=True)
@doc_options
@answer_options
def search(words, province, issued, doctype, issuer, **opts):
    """Full-text search of section text: the phrase, else every word; one row per document and section.

    \b
    Example: vnplan search chuyển đổi số --province "Đồng Nai"
    Same as: vnplan query "search chuyển đổi số in Đồng Nai"
    """
    _answer(_filters("search", words=" ".join(words), province=province, years=_years(issued), doctype=doctype,
                     issuer=issuer), **opts)


@main.command()
@click.option("--db", "db_path", default="vnplan.sqlite", show_default=True, help="Knowledge base to browse.")
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True)
@click.option("--show-paths", is_flag=True, help="Show the files, rejects and runs tables (server paths).")
@click.option("--show-texts", is_flag=True, help="Show the texts table (every file's full cleaned text).")
@click.option("--allow-sql", is_flag=True, help="Allow arbitrary SQL (it can read hidden tables too).")
def browse(db_path, port, show_paths, show_texts, allow_sql) -> None:
    """Browse the knowledge base in Datasette on 127.0.0.1, with facets and canned queries."""
    from vnplan.outputs.browse import serve

    click.echo(f"serving {Path(db_path).name} on http://127.0.0.1:{port}/ (Ctrl-C stops)")
    serve(db_path, port=port, show_paths=show_paths, show_texts=show_texts, allow_sql=allow_sql)


@main.command()
@click.argument("statement")
@click.option("--db", "db_path", default="vnplan.sqlite", show_default=True, help="Knowledge base to read.")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the rows as CSV.")
def sql(statement, db_path, as_json, as_csv) -> None:
    """Run one read-only SQL statement against the knowledge base."""
    from vnplan.outputs.query import run_sql

    _print_answer(run_sql(db_path, statement), as_json, as_csv)


@main.command()
@click.option("--db", "db_path", default="vnplan.sqlite", show_default=True, help="Knowledge base to read.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder to write.")
@click.option("--bom", is_flag=True, help="CSV files start with a UTF-8 BOM and end lines in CRLF (Excel).")
def export(db_path, out_dir, bom) -> None:
    """Write facts.jsonl (one FORMAT.md record per document) and one CSV per table."""
    from vnplan.outputs.export import export as run_export

    written = run_export(db_path, out_dir, bom=bom)
    for name, n in written.items():
        click.echo(f"{name}: {n} rows")


@main.command()
@click.argument("indicator")
@click.option("--province", default=None, help="One province (default: every province with data, a line each).")
@click.option("--db", "db_path", default="vnplan.sqlite", show_default=True, help="Knowledge base to read.")
@click.option("--out", "out_path", default=None, type=click.Path(dir_okay=False),
              help="Where to write: OUT.svg and OUT.png (default: chart-INDICATOR[-PROVINCE]).")
def chart(indicator, province, db_path, out_path) -> None:
    """Chart an indicator's targets against its results over the years (SVG and PNG, made offline).

    \b
    INDICATOR is a code or any name or alias of it (PAR INDEX, Chỉ số CCHC, par_index).
    Examples:
      vnplan chart "PAR INDEX" --province "Quảng Ninh"
      vnplan chart sipas --out charts/sipas
    """
    from vnplan.outputs.charts import write_chart
    from vnplan.outputs.query import connect_ro
    from vnplan.outputs.timeline import resolve_indicator, resolve_province, timeline

    from .resolve import slug

    conn = connect_ro(db_path)
    try:
        code = resolve_indicator(conn, indicator)
        prov = resolve_province(conn, province) if province else None
        tl = timeline(conn, code, prov)
    finally:
        conn.close()
    out = out_path or f"chart-{code}" + (f"-{slug(prov)}" if prov else "")
    paths = write_chart(tl, out)
    provinces = {p.province for p in tl.points}
    click.echo(f"wrote {', '.join(map(str, paths))}: {len(tl.points)} points, "
               f"{len(provinces)} province{'s' if len(provinces) != 1 else ''}")
    for note in tl.notes:
        click.echo(f"note: {note}")


@main.command()
@click.argument("target", required=False)
@click.option("--db", "db_path", default="vnplan.sqlite", show_default=True,
              help="Knowledge base: source of a DOC_ID, and of links to cited documents.")
@click.option("--out", "out_path", required=True, type=click.Path(),
              help="HTML file to write (with --all: a folder, one <doc_id>.html per document).")
@click.option("--all", "all_docs", is_flag=True,
              help="Write every document of --db, a page per province and index.html, so every link resolves.")
def report(target, db_path, out_path, all_docs) -> None:
    """Write an HTML page of one document (FILE or DOC_ID) with its facts highlighted.

    With --all, a folder: every document's page, a page per province (its documents and charts of
    committed vs achieved) and index.html linking them all.
    """
    from vnplan.outputs.report import write_report
    from vnplan.outputs.site import write_all

    if all_docs:
        n = write_all(db_path, out_path)
    elif target:
        n = write_report(target, db_path, out_path)
    else:
        raise VnplanError("give a FILE or DOC_ID, or --all")
    click.echo(f"wrote {out_path} ({n} document{'s' if n != 1 else ''})")
