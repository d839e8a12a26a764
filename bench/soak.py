"""Soak test: thousands of broken inputs through the batch ingest path; count crashes.

Each input is a mutation of a real file (truncation, random bytes, bit flips,
encoding swaps, huge lines, NUL bytes, markup bombs, PDF corruption). They are
written to disk in batches and ingested with `vnplan.ingest.ingest`, exactly as
`vnplan ingest` would. A *batch crash* is an exception escaping `ingest()`;
an *internal error* is a file rejected with E099/E010/E011 (the batch survived,
but a stage raised something other than `Reject`, hung, or killed its worker).

    .venv/bin/python bench/soak.py --n 10000 --jobs 2 --out /tmp/soak
"""

from __future__ import annotations

import argparse
import collections
import json
import logging
import random
import shutil
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path("/work/shared/corpus")

# ---------------------------------------------------------------- base samples


def tiny_pdf(lines: list[str]) -> bytes:
    """A minimal valid one-page PDF with a text layer (Helvetica, Latin-1 text)."""
    ops = ["BT", "/F1 11 Tf", "50 800 Td", "14 TL"]
    for line in lines:
        safe = line.encode("latin-1", "replace").decode("latin-1")
        safe = safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"({safe}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    body = zlib.compress(stream)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def ascii_fold(text: str) -> str:
    """Vietnamese text without accents (what a Latin-1 PDF font can show)."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).replace(
        "đ", "d").replace("Đ", "D")


def base_samples(max_chars: int = 3000, per_folder: int = 40, seed: int = 0) -> list[tuple[str, bytes]]:
    """(kind, bytes) of real text: slices of seeds and corpus files, HTML pages, tiny PDFs."""
    rng = random.Random(seed)
    texts: list[tuple[str, str]] = []
    for p in sorted((ROOT / "corpus").glob("*.txt")):
        texts.append(("txt", p.read_text(encoding="utf-8")))
    for folder, kind in (("tvpl-2025", "md"), ("congbao-txt", "txt")):
        files = sorted((CORPUS / folder).glob(f"*.{kind}"))
        for p in rng.sample(files, min(per_folder, len(files))):
            texts.append((kind, p.read_text(encoding="utf-8", errors="replace")))
    out: list[tuple[str, bytes]] = []
    for kind, text in texts:
        start = rng.randrange(0, max(1, len(text) - max_chars)) if rng.random() < 0.5 else 0
        piece = text[start : start + max_chars]
        out.append((kind, piece.encode("utf-8")))
        out.append(("html", (f"<html><head><title>t</title><script>var a=1;</script></head><body>"
                             f"<nav>menu</nav><div class='content'>{_html_escape(piece)}</div></body></html>"
                             ).encode()))
        out.append(("pdf", tiny_pdf(ascii_fold(piece).splitlines()[:60])))
    for p in sorted((CORPUS / "html").glob("*.html")):
        out.append(("html", p.read_bytes()[: max_chars * 20]))
    return out


def _html_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>\n")


# ---------------------------------------------------------------- mutators

Mutator = Callable[[bytes, random.Random], bytes]


def truncate(data: bytes, rng: random.Random) -> bytes:
    """Cut at a random byte, often mid-character."""
    return data[: rng.randrange(0, len(data) + 1)]


def random_bytes(data: bytes, rng: random.Random) -> bytes:
    """Replace everything with random bytes of a random length."""
    return rng.randbytes(rng.choice([1, 7, 100, 4096, 30000]))


def bit_flips(data: bytes, rng: random.Random) -> bytes:
    """Flip a few random bits."""
    b = bytearray(data)
    for _ in range(rng.choice([1, 3, 20, 200])):
        if b:
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
    return bytes(b)


ENCODINGS = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1258", "latin-1", "cp1252", "windows-1251",
             "utf-8-sig", "mojibake", "utf-7")


def encoding_swap(data: bytes, rng: random.Random) -> bytes:
    """Re-encode the text in another (often wrong) encoding."""
    text = data.decode("utf-8", "replace")
    enc = rng.choice(ENCODINGS)
    if enc == "mojibake":  # UTF-8 read as Latin-1 then saved as UTF-8
        return data.decode("latin-1").encode("utf-8")
    return text.encode(enc, "replace")


def huge_line(data: bytes, rng: random.Random) -> bytes:
    """Insert one very long line: letters, digits, spaces, Vietnamese words or punctuation."""
    unit = rng.choice([b"a", b"9", b" ", b"\xc4\x91i\xe1\xbb\x81u ", b"1.", b"-", b"|", b"s\xe1\xbb\x91 ", "/QĐ-".encode(),
                       b"\t", b"("])
    line = unit * (rng.choice([2_000, 10_000, 40_000]) // len(unit))
    i = rng.randrange(len(data) + 1)
    return data[:i] + b"\n" + line + b"\n" + data[i:]


def nul_bytes(data: bytes, rng: random.Random) -> bytes:
    """Sprinkle NUL and other control bytes, or pad with NULs."""
    b = bytearray(data)
    if rng.random() < 0.3:
        return bytes(b) + b"\x00" * rng.choice([1, 1000, 20000])
    for _ in range(rng.choice([1, 10, 100])):
        b.insert(rng.randrange(len(b) + 1), rng.choice([0, 0, 1, 8, 11, 27, 127]))
    return bytes(b)


def repeat_structure(data: bytes, rng: random.Random) -> bytes:
    """Thousands of headings, citations or table rows: stresses segmenters and extractors."""
    unit = rng.choice([
        "Điều 1. Phạm vi\n", "I. MỤC TIÊU\n", "1.1. Nội dung\n", "a) \n", "- \n",
        "Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ;\n",
        "| 1 | 2 | 3 | 4 |\n", "đạt 100% đến năm 2025\n", "Số: /QĐ-UBND\n", "PHỤ LỤC I\n",
        "(((((((((((\n", "****\n",
    ]).encode("utf-8")
    return data + unit * rng.choice([30, 150, 600])


def markup_bomb(data: bytes, rng: random.Random) -> bytes:
    """Deeply nested or unclosed tags, entity floods, broken comments."""
    kind = rng.randrange(4)
    n = rng.choice([100, 1000, 5000])
    if kind == 0:
        bomb = b"<div>" * n + b"x" + b"</div>" * (n // 2)
    elif kind == 1:
        bomb = b"&amp;&#x110;&#999999999;&bogus;" * (n // 10)
    elif kind == 2:
        bomb = b"<!--" + b"-" * n
    else:
        bomb = b"<table>" + b"<tr><td>" * n
    i = rng.randrange(len(data) + 1)
    return data[:i] + bomb + data[i:]


def pdf_corrupt(data: bytes, rng: random.Random) -> bytes:
    """Damage PDF structure: xref, stream lengths, object tokens, compressed bytes, header."""
    b = bytearray(data)
    kind = rng.randrange(7)
    if kind == 0:
        return bytes(b.replace(b"xref", b"xrfe"))
    if kind == 1:
        return bytes(b.replace(b"/Length", b"/Length 99999999 /X", 1))
    if kind == 2:
        return bytes(b.replace(b"endobj", b"", rng.randrange(1, 4)))
    if kind == 3:
        i = b.find(b"stream\n")
        if i >= 0:
            for j in range(i + 7, min(len(b), i + 7 + rng.randrange(1, 40))):
                b[j] = rng.randrange(256)
        return bytes(b)
    if kind == 4:
        return bytes(b[:8]) + rng.randbytes(200) + bytes(b[8:])
    if kind == 5:
        return b"%PDF-1.7\n" + bytes(b[rng.randrange(len(b)) :])
    return bytes(b).replace(b"/FlateDecode", rng.choice([b"/LZWDecode", b"/DCTDecode", b"/Nonsense"]))


def splice(data: bytes, rng: random.Random) -> bytes:
    """Glue the start of the input to a shuffled copy of itself."""
    i = rng.randrange(len(data) + 1)
    tail = bytearray(data[i:])
    rng.shuffle(tail)
    return data[:i] + bytes(tail[: rng.randrange(len(tail) + 1)])


MUTATORS: dict[str, Mutator] = {
    "truncate": truncate, "random_bytes": random_bytes, "bit_flips": bit_flips,
    "encoding_swap": encoding_swap, "huge_line": huge_line, "nul_bytes": nul_bytes,
    "repeat_structure": repeat_structure, "markup_bomb": markup_bomb, "pdf_corrupt": pdf_corrupt,
    "splice": splice,
}
# Which mutators make sense per kind (PDF bytes are not text to re-encode or pad).
FOR_KIND = {
    "pdf": ("truncate", "random_bytes", "bit_flips", "pdf_corrupt", "pdf_corrupt", "splice", "nul_bytes"),
    "html": tuple(m for m in MUTATORS if m != "pdf_corrupt"),
    "txt": tuple(m for m in MUTATORS if m not in ("pdf_corrupt", "markup_bomb")),
    "md": tuple(m for m in MUTATORS if m not in ("pdf_corrupt",)),
}
SUFFIX = {"txt": ".txt", "md": ".md", "html": ".html", "pdf": ".pdf"}


def mutate(kind: str, data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One to three stacked mutations of `data`; returns their names and the result."""
    names = [rng.choice(FOR_KIND[kind]) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
    for n in names:
        data = MUTATORS[n](data, rng)
    return "+".join(names), data


# ---------------------------------------------------------------- driver


def soak(n: int, jobs: int, out: Path, batch: int = 1000, seed: int = 1, timeout: float = 60) -> dict:
    """Generate `n` bad inputs, ingest them batch by batch, and return the figures."""
    from vnplan.ingest import ingest

    rng = random.Random(seed)
    samples = base_samples(seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    db_path = out / "soak.sqlite"
    if db_path.exists():
        db_path.unlink()
    figures: dict = {"inputs": 0, "bytes": 0, "batches": 0, "batch_crashes": 0, "ingested": 0,
                     "rejects_by_code": collections.Counter(), "internal_errors": [],
                     "mutators": collections.Counter()}
    t0 = time.monotonic()
    done = 0
    while done < n:
        folder = Path(tempfile.mkdtemp(prefix="batch", dir=out))
        names: dict[str, str] = {}
        for i in range(min(batch, n - done)):
            kind, data = rng.choice(samples)
            how, bad = mutate(kind, data, rng)
            p = folder / f"{done + i:05d}{SUFFIX[kind]}"
            p.write_bytes(bad)
            names[str(p)] = how
            figures["mutators"].update(how.split("+"))
            figures["bytes"] += len(bad)
        try:
            s = ingest([folder], db_path, jobs=jobs, timeout=timeout)
            figures["ingested"] += s.ingested
            for path, code, reason in s.rejected:
                figures["rejects_by_code"][code] += 1
                if code in ("E099", "E010", "E011"):
                    keep = out / "internal" / Path(path).name
                    keep.parent.mkdir(exist_ok=True)
                    shutil.copy(path, keep)
                    figures["internal_errors"].append({"file": str(keep), "mutation": names[path],
                                                       "code": code, "reason": reason[:300]})
        except Exception as exc:  # the one thing that must never happen
            figures["batch_crashes"] += 1
            print(f"BATCH CRASH: {type(exc).__name__}: {exc}", file=sys.stderr)
        figures["batches"] += 1
        figures["inputs"] += len(names)
        done += len(names)
        shutil.rmtree(folder, ignore_errors=True)
        el = time.monotonic() - t0
        (out / "partial.json").write_text(json.dumps(figures, default=dict, ensure_ascii=False, indent=1),
                                          encoding="utf-8")
        print(f"{done}/{n} inputs, {el:.0f} s, rejects {dict(figures['rejects_by_code'])}, "
              f"internal {len(figures['internal_errors'])}, crashes {figures['batch_crashes']}", file=sys.stderr)
    figures["seconds"] = round(time.monotonic() - t0, 1)
    figures["rejects_by_code"] = dict(sorted(figures["rejects_by_code"].items()))
    figures["mutators"] = dict(figures["mutators"].most_common())
    return figures


def main() -> None:
    """Command line: run the soak and print its figures as JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="number of bad inputs")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--batch", type=int, default=1000, help="inputs per ingest() call")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=60, help="per-file time limit (s)")
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "vnplan-soak")
    args = ap.parse_args()
    # pdfminer logs every repair it attempts on a broken PDF; the rejects say enough.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    figures = soak(args.n, args.jobs, args.out, args.batch, args.seed, args.timeout)
    text = json.dumps(figures, ensure_ascii=False, indent=1)
    (args.out / "figures.json").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
