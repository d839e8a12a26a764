"""Batch ingestion: many files -> one knowledge base, never losing an input.

Workers run the pure per-file pipeline (`run.process_file`); the parent is the
single writer, committing each file in its own transaction. Any failure of one
file becomes a reject row with a code and reason; nothing stops the batch.
"""

from __future__ import annotations

import hashlib
import json
import os
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import store
from .errors import E_INTERNAL, E_UNREADABLE, E_UNSUPPORTED, Reject
from .load import DEFAULT_MAX_BYTES, kind_of
from .models import FileResult


@dataclass
class Outcome:
    """What became of one input file."""

    path: str
    status: str  # ingested, skipped, rejected
    sha256: str | None = None
    code: str | None = None
    reason: str | None = None
    result: FileResult | None = None
    size: int = 0


@dataclass
class Summary:
    """Counts for one ingest run."""

    run_id: int = 0
    ingested: int = 0
    skipped: int = 0
    rejected: list[tuple[str, str, str]] = field(default_factory=list)
    documents: int = 0
    facts: dict[str, int] = field(default_factory=dict)
    bytes: int = 0


def walk(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Every file under the given paths, recursively, in a stable order.

    Files of unsupported kinds are yielded too, so that they are reported as
    rejected rather than silently skipped; `.meta.json` sidecars are not inputs.
    """
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for sub in sorted(p.rglob("*")):
                if sub.is_file() and not sub.name.startswith(".") and not sub.name.endswith(".meta.json"):
                    yield sub
        else:
            yield p


def file_sha(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def process_one(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Outcome:
    """Run the pipeline on one path and catch every failure as a reject (runs in a worker)."""
    from .run import process_file

    try:
        result = process_file(path, max_bytes)
        return Outcome(path, "ingested", result.source.sha256, result=result, size=result.source.size)
    except Reject as exc:
        return Outcome(path, "rejected", None, exc.code, exc.reason)
    except RecursionError:
        return Outcome(path, "rejected", None, E_INTERNAL, "recursion too deep")
    except Exception as exc:  # one bad file must never kill the batch
        tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return Outcome(path, "rejected", None, E_INTERNAL, f"internal error: {tb}")


def ingest(
    paths: Iterable[str | Path],
    db_path: str | Path,
    jobs: int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    force: bool = False,
    on_file: Callable[[Outcome], None] | None = None,
    executor: str = "process",
    scheduler: str | None = None,
) -> Summary:
    """Ingest files and folders into the knowledge base at `db_path`."""
    db = store.open_db(db_path)
    files = list(walk(paths))
    run_id = db["ingest_runs"].insert({
        "started_at": store.now(), "args": json.dumps({"paths": [str(p) for p in paths], "jobs": jobs}),
        "n_files": len(files),
    }).last_pk
    summary = Summary(run_id=run_id)
    todo: list[str] = []
    for f in files:
        key = str(f)
        if kind_of(f) is None:
            _record(db, summary, Outcome(key, "rejected", None, E_UNSUPPORTED,
                                         Reject(E_UNSUPPORTED, f.suffix or "no suffix").reason), run_id, on_file)
            continue
        try:
            sha = file_sha(f)
        except OSError as exc:
            _record(db, summary, Outcome(key, "rejected", None, E_UNREADABLE, exc.strerror or str(exc)), run_id,
                    on_file)
            continue
        if not force and store.known_sha(db, key) == sha:
            _record(db, summary, Outcome(key, "skipped", sha, size=f.stat().st_size), run_id, on_file)
            continue
        todo.append(key)
    for outcome in _run(todo, jobs, max_bytes, executor, scheduler):
        _record(db, summary, outcome, run_id, on_file)
    db["ingest_runs"].update(run_id, {
        "finished_at": store.now(), "n_ingested": summary.ingested, "n_skipped": summary.skipped,
        "n_rejected": len(summary.rejected),
    })
    summary.facts = store.counts(db)
    summary.documents = summary.facts.pop("documents")
    return summary


def _run(todo: list[str], jobs: int | None, max_bytes: int, executor: str, scheduler: str | None
         ) -> Iterator[Outcome]:
    jobs = jobs or os.cpu_count() or 1
    if executor == "dask":
        from .scale import run_dask

        yield from run_dask(todo, max_bytes, scheduler=scheduler, workers=jobs)
    elif jobs <= 1 or len(todo) <= 1:
        for p in todo:
            yield process_one(p, max_bytes)
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            yield from pool.map(process_one, todo, [max_bytes] * len(todo), chunksize=1)


def _record(db, summary: Summary, o: Outcome, run_id: int, on_file: Callable[[Outcome], None] | None) -> None:
    if o.status == "ingested" and o.result is not None:
        store.write_result(db, o.path, o.result, run_id)
        summary.ingested += 1
        summary.bytes += o.size
    elif o.status == "skipped":
        summary.skipped += 1
        summary.bytes += o.size
    else:
        store.write_reject(db, o.path, o.sha256, o.code or E_INTERNAL, o.reason or "", run_id)
        summary.rejected.append((o.path, o.code or E_INTERNAL, o.reason or ""))
    if on_file is not None:
        on_file(o)
