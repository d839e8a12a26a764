"""OCR of scanned PDFs, measured against their text layer and their publisher's metadata.

Usage:
    .venv/bin/python bench/bench_ocr.py [--pdfs ../shared/corpus/pdf] [--dpi 200] [--multi 4] [--out DIR]

Each PDF with a `.meta.json` beside it gives two one-page PDFs of its first page: the page as
published (text layer) and the page rasterised at --dpi into an image-only PDF (a scan, as
`scan_pdf` makes them). First pages of gazette texts hold no targets, and a page out of its
document loses the headings its targets hang on, so a PDF on whose pages 2 to MAX_PAGES vnplan
finds targets in the text layer gives its pages up to the last of them instead. Both sides go
through vnplan. Reported:

- the character error rate (CER) of the scan's cleaned text against the text page's, whitespace
  collapsed: edit distance over the text page's length, over all pages and per file; also with
  accents dropped from both, to show how much of it is diacritics;
- symbol, type and year of the first document against the `.meta.json` (`so_hieu`, `loai`, `nam`;
  `vnplan.evaluate.publisher_agreement`), for the scans and, as the ceiling, the text pages;
- the facts of each scan against the facts of its text page (the reference), matched as
  `vnplan eval` matches gold: precision, recall and F1 per kind, citations and targets first;
- seconds per page: `vnplan ingest` of the scans at -j 1 and at -j 2 (wall time over pages), and with
  --multi N, one N-page scan read by `vnplan.ocr.read_pages` with 1 and with 2 threads; beside each,
  the CPU seconds per page of this process's children (workers and tesseract processes) and the
  load average, as the machine may be shared.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PDFS = ROOT.parent / "shared" / "corpus" / "pdf"
MAX_PAGES = 4  # pages of a scan that runs up to its targets


def text_pdf(src: Path, pages: Sequence[int] = (0,)) -> bytes:
    """The given pages of a PDF as a PDF of their own, text layer and all."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(src))
    out = pypdfium2.PdfDocument.new()
    out.import_pages(doc, list(pages))
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def scan_pdf(src: Path, pages: Sequence[int] = (0,), dpi: int = 200) -> bytes:
    """The given pages of a PDF rasterised at `dpi`, in grey, into an image-only PDF: a scan of them
    (no text layer; Pillow writes each page as one JPEG)."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(src))
    images = [doc[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in pages]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return buf.getvalue()


def flat(text: str) -> str:
    """Whitespace collapsed, for the character error rate."""
    return " ".join(text.split())


def main() -> int:
    """Command line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pdfs", type=Path, default=DEFAULT_PDFS, help="folder of PDFs with .meta.json")
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--multi", type=int, default=4, help="pages of the multi-page scan (0: skip)")
    ap.add_argument("--out", type=Path, default=None, help="keep the PDFs, databases and figures here")
    args = ap.parse_args()

    from vnplan import ocr, ocr_engine
    from vnplan.errors import Reject
    from vnplan.evaluate import Report, publisher_agreement, score_kind
    from vnplan.ingest import ingest
    from vnplan.kinds import SCORED
    from vnplan.outputs.facts_json import facts_json
    from vnplan.run import process_file
    from vnplan.text.normalize import strip_accents

    if ocr_engine.unavailable():
        print(f"Error: {ocr_engine.unavailable()}", file=sys.stderr)
        return 1
    work = args.out or Path(tempfile.mkdtemp(prefix="bench-ocr-"))
    (work / "text").mkdir(parents=True, exist_ok=True)
    (work / "scan").mkdir(parents=True, exist_ok=True)
    pdfs = sorted(p for p in args.pdfs.glob("*.pdf") if p.with_suffix(".meta.json").is_file())
    if not pdfs:
        print(f"Error: no PDF with a .meta.json in {args.pdfs}", file=sys.stderr)
        return 1
    items: list[tuple[Path, int, str]] = []  # (source PDF, pages taken, name of its PDFs)
    for p in pdfs:
        full = process_file(p)
        on = {full.source.text.count("\f", 0, full.cleaned.to_raw(t.start))
              for t in full.facts if type(t).__name__ == "Target"}
        last = max((i for i in on if i < MAX_PAGES), default=0)
        items.append((p, last + 1, p.name))
    for p, n, name in items:
        (work / "text" / name).write_bytes(text_pdf(p, range(n)))
        (work / "scan" / name).write_bytes(scan_pdf(p, range(n), dpi=args.dpi))

    rows = []
    edits = edits_plain = ref_chars = 0
    # scan_on_page: the scan's agreement on the fields that its text page gets right (the page carries them)
    agree = {side: {"symbol": [], "type": [], "year": []} for side in ("scan", "text", "scan_on_page")}
    report = Report()
    for p, n_pages, name in items:
        meta = json.loads(p.with_suffix(".meta.json").read_text(encoding="utf-8"))
        ref = process_file(work / "text" / name)
        try:
            got = process_file(work / "scan" / name)
        except Reject as exc:
            rows.append({"file": name, "rejected": str(exc)})
            print(f"{name}: scan rejected: {exc}", file=sys.stderr)
            continue
        a, b = flat(ref.cleaned.text), flat(got.cleaned.text)
        d = Levenshtein.distance(a, b)
        d_plain = Levenshtein.distance(strip_accents(a), strip_accents(b))
        edits, edits_plain, ref_chars = edits + d, edits_plain + d_plain, ref_chars + len(a)
        ref_json, got_json = facts_json(ref), facts_json(got)
        row = {"file": name, "pages": n_pages, "chars": len(a), "cer": round(d / max(1, len(a)), 4),
               "confidence": [pg.confidence for pg in got.ocr_pages]}
        for side, res in (("scan", got_json), ("text", ref_json)):
            docs = res["documents"]
            ok = publisher_agreement(docs[0], meta) if docs else {"symbol": False, "type": False,
                                                                  "year": False if meta.get("nam") else None}
            for field, v in ok.items():
                if v is not None:
                    agree[side][field].append(v)
            row[side] = {"doc": {k: docs[0].get(k) for k in ("type", "symbol", "date")} if docs else None, **ok}
        for field, v in row["text"].items():
            if v is True:
                agree["scan_on_page"][field].append(row["scan"][field])
        for kind in SCORED:
            report.scored_files[kind] += 1
            score_kind(kind, ref_json.get(kind, []), got_json.get(kind, []), name, report)
        rows.append(row)

    def share(side: str) -> dict:
        vals = [v for f in agree[side].values() for v in f]
        out = {f: f"{sum(v)}/{len(v)}" for f, v in agree[side].items()}
        out["all"] = round(sum(vals) / len(vals), 3) if vals else None
        return out

    speed = {}
    n_scans = sum(n for _, n, _ in items)
    for jobs in (1, 2):
        db = work / f"scan-j{jobs}.sqlite"
        db.unlink(missing_ok=True)
        t0, c0 = time.perf_counter(), _children_cpu()
        summary = ingest([work / "scan"], db, jobs=jobs)
        wall, cpu = time.perf_counter() - t0, _children_cpu() - c0
        speed[f"j{jobs}"] = {"seconds": round(wall, 1), "pages": n_scans, "s_per_page": round(wall / n_scans, 2),
                             "cpu_s_per_page": round(cpu / n_scans, 2), "load": os.getloadavg()[0],
                             "ingested": summary.ingested, "rejected": len(summary.rejected)}
    if args.multi:
        src = next((p for p in pdfs if _pages(p) >= args.multi), None)
        if src is not None:
            data = scan_pdf(src, range(args.multi), args.dpi)
            (work / f"multi-{args.multi}-{src.name}").write_bytes(data)
            for threads in (1, 2):
                t0, c0 = time.perf_counter(), _children_cpu()
                ocr.read_pages(data, {i: args.dpi for i in range(args.multi)}, threads=threads)
                wall, cpu = time.perf_counter() - t0, _children_cpu() - c0
                speed[f"multi_threads{threads}"] = {"file": src.name, "pages": args.multi,
                                                    "seconds": round(wall, 1), "s_per_page": round(wall / args.multi, 2),
                                                    "cpu_s_per_page": round(cpu / args.multi, 2),
                                                    "load": os.getloadavg()[0]}

    figures = {
        "engine": ocr_engine.engine(), "dpi": args.dpi, "files": len(pdfs), "pages": len(items),
        "cer": round(edits / max(1, ref_chars), 4), "cer_without_accents": round(edits_plain / max(1, ref_chars), 4),
        "metadata_scan": share("scan"), "metadata_text": share("text"), "metadata_scan_on_page": share("scan_on_page"),
        "facts": report.as_dict(), "speed": speed, "per_file": rows,
    }
    (work / "figures.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"engine {figures['engine']}, {len(pdfs)} scans of {n_scans} pages (first pages, and up to the targets) "
          f"at {args.dpi} dpi (work: {work})")
    print(f"CER {figures['cer']:.2%} (accents dropped: {figures['cer_without_accents']:.2%}) over {ref_chars} chars")
    for r in rows:
        if "cer" in r:
            meta_ok = "".join(k[0] if r["scan"][k] else "-" for k in ("symbol", "type", "year"))
            print(f"  {r['file']:<48} CER {r['cer']:6.2%}  conf {r['confidence']}  scan {r['scan']['doc']}  {meta_ok}")
    print(f"metadata vs .meta.json, scans: {figures['metadata_scan']}; text pages: {figures['metadata_text']}; "
          f"scans, fields their page carries: {figures['metadata_scan_on_page']}")
    for kind, s in report.scores.items():
        if report.scored_files.get(kind):
            print(f"  {kind:<10} scan vs text  P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}  "
                  f"(tp {s.tp}, fp {s.fp}, fn {s.fn})")
    for k, v in speed.items():
        print(f"  {k}: {v}")
    if args.out is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _children_cpu() -> float:
    """CPU seconds of this process's finished children (workers, and the tesseract processes they waited for)."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _pages(p: Path) -> int:
    import pypdfium2

    return len(pypdfium2.PdfDocument(str(p)))


if __name__ == "__main__":
    sys.exit(main())
