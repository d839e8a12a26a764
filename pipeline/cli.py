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


def _print_answer(ans, as_json: bool, as_csv: bool) -> None:
    from vnplan.outputs.query import format_table, to_csv, to_json

    if as_json:
        click.echo(to_json(ans))
    elif as_csv:
        click.echo(to_csv(ans), nl=False)
    else:
        click.echo(format_table(ans))


@main.command()
@click.argument("question", nargs=-1, required=True)
@click.option("--db", "db_path", default="vnplan.sqlite", show_default=True, help="Knowledge base to read.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the answer as CSV.")
def query(question, db_path, as_json, as_csv) -> None:
    """Answer a question from a small grammar; every row carries its document, section and quote.

    \b
    Examples:
      vnplan query "which provinces target 40 DVC level 4"
      vnplan query "tỉnh nào đặt chỉ tiêu 40 DVC mức độ 4 đến năm 2020"
      vnplan query "what repealed 172/QĐ-UBND"
      vnplan query "what does 205/QĐ-UBND repeal"
      vnplan query "who cites 05-NQ/TU in Quảng Ngãi 2016"
      vnplan query "stale citations"
      vnplan query "what is Sở Nội vụ responsible for"
      vnplan query search một cửa hiện đại
    The whole grammar is written in vnplan/outputs/query.py (module docstring).
    """
    from vnplan.outputs.query import answer

    _print_answer(answer(db_path, " ".join(question)), as_json, as_csv)


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
def export(db_path, out_dir) -> None:
    """Write facts.jsonl (one FORMAT.md record per document) and one CSV per table."""
    from vnplan.outputs.export import export as run_export

    written = run_export(db_path, out_dir)
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
