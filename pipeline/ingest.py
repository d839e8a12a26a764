"""Batch ingestion: many files -> one knowledge base, never losing an input.

Workers run the pure per-file pipeline (`run.process_file`); the parent is the
single writer, committing each file in its own transaction as its result
streams back, so a big corpus is never held in memory and a killed run loses
at most the files still in flight. Any failure of one file (a `Reject`, an
unexpected exception, a worker that dies or hangs) becomes a reject row with a
code and reason; nothing stops the batch.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import sqlite3
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path

import sqlite_utils

from . import store
from .errors import (
    E_INTERNAL,
    E_TIMEOUT,
    E_UNREADABLE,
    E_UNSUPPORTED,
    E_WORKER_DIED,
    MESSAGES,
    Reject,
)
from .load import DEFAULT_MAX_BYTES, kind_of
from .models import FileResult
from .ocr import time_limit

# Reject codes of the batch driver itself: the worker never answered (OCR also rejects with E010).
REASONS = {code: MESSAGES[code] for code in (E_TIMEOUT, E_WORKER_DIED)}
DEFAULT_TIMEOUT = 600.0
# Files written between two updates of the full-text index (see store.index_pending); over the last
# files of a run, fewer, so that little is left to index after the last file (64 files: 0.09 s).
FTS_BATCH = 64
FTS_TAIL_BATCH = 8
# Files in flight per worker process, and their bytes: enough queued work that a worker never waits
# while the writer stores a burst of results (with 4, a `-j 1` worker sat idle for 0.2 s of 8 on
# tvpl-2025), few enough that results do not pile up in memory and that a broken pool (whose files
# in flight are all rerun alone) has few suspects.
WINDOW_FILES = 8
WINDOW_BYTES = 4 << 20
# Columns that differ between two runs over the same inputs; left out of checksums.
VOLATILE = {"run_id", "ingested_at", "rejected_at"}


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
    found: int = 0
    ingested: int = 0
    skipped: int = 0
    rejected: list[tuple[str, str, str]] = field(default_factory=list)
    documents: int = 0
    facts: dict[str, int] = field(default_factory=dict)
    bytes: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class Task:
    """One file to process: its path, content hash and size (known to the parent)."""

    path: str
    sha256: str
    size: int


def walk(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Every file under the given paths, recursively, in a stable order.

    Files of unsupported kinds are yielded too (README.md, .docx, ...), so that
    they are reported as rejected rather than silently skipped: every file found
    ends up in `files` or `rejects`. Only `.meta.json` sidecars (read with their
    PDF) and hidden files are not inputs.
    """
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for sub in sorted(p.rglob("*")):
                if sub.is_file() and not _hidden(sub.relative_to(p)) and not sub.name.endswith(".meta.json"):
                    yield sub
        else:
            yield p


def _hidden(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts)


def file_sha(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def process_one(path: str, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float | None = None) -> Outcome:
    """Run the pipeline on one path and catch every failure as a reject (runs in a worker).
    OCR keeps within `timeout` seconds (the per-file limit) or rejects the file (E010)."""
    try:
        # Imported here, inside the guard: a broken module must reject files, not kill the batch.
        from .run import process_file

        with time_limit(timeout):
            result = process_file(path, max_bytes)
        return Outcome(path, "ingested", result.source.sha256, result=_for_writer(result), size=result.source.size)
    except Reject as exc:
        return Outcome(path, "rejected", None, exc.code, exc.reason)
    except RecursionError:
        return Outcome(path, "rejected", None, E_INTERNAL, "recursion too deep")
    except MemoryError:
        return Outcome(path, "rejected", None, E_INTERNAL, "out of memory")
    except Exception as exc:  # one bad file must never kill the batch
        tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return Outcome(path, "rejected", None, E_INTERNAL, f"internal error: {tb}")


def _for_writer(result: FileResult) -> FileResult:
    """The result without what the writer never stores (raw text, offset map, removed spans): a
    sixth of the bytes to pickle between processes."""
    return replace(result, source=replace(result.source, text="", tables=()),
                   cleaned=replace(result.cleaned, offsets=(), removed=(), flags=()))


def ingest(
    paths: Iterable[str | Path],
    db_path: str | Path,
    jobs: int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    force: bool = False,
    on_file: Callable[[Outcome], None] | None = None,
    executor: str = "process",
    scheduler: str | None = None,
    on_start: Callable[[int, int], None] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> Summary:
    """Ingest files and folders into the knowledge base at `db_path`.

    `on_start(n_files, n_bytes)` is called once the inputs are listed and
    `on_file(outcome)` after each file is committed (for progress bars).
    """
    t0 = time.monotonic()
    jobs = jobs or os.cpu_count() or 1
    # Workers start now and warm up while this process lists and hashes the inputs.
    pool = _start_pool(jobs) if executor == "process" and (jobs > 1 or timeout) else None
    try:
        return _ingest(paths, db_path, jobs, max_bytes, force, on_file, executor, scheduler, on_start, timeout,
                       pool, t0)
    finally:
        if pool is not None:  # unused (nothing to do, or an error before the run): no need to wait for it
            _shutdown(pool, kill=True)


def _ingest(paths: Iterable[str | Path], db_path: str | Path, jobs: int, max_bytes: int, force: bool,
            on_file: Callable[[Outcome], None] | None, executor: str, scheduler: str | None,
            on_start: Callable[[int, int], None] | None, timeout: float | None,
            pool: ProcessPoolExecutor | None, t0: float) -> Summary:
    paths = list(paths)
    db = store.open_db(db_path)
    store.index_pending(db)  # what a crashed run left unindexed
    files = list(walk(paths))
    sizes = [_size(f) for f in files]
    if on_start is not None:
        on_start(len(files), sum(sizes))
    run_id = db["ingest_runs"].insert({
        "started_at": store.now(),
        "args": json.dumps({"paths": [str(p) for p in paths], "jobs": jobs, "executor": executor}),
        "n_files": len(files),
    }).last_pk
    summary = Summary(run_id=run_id, found=len(files))
    current = set() if force else store.current_versions(db)
    todo: list[Task] = []
    for f, size in zip(files, sizes, strict=True):
        key = str(f)
        if kind_of(f) is None:
            _record(db, summary, Outcome(key, "rejected", None, E_UNSUPPORTED,
                                         Reject(E_UNSUPPORTED, f.suffix or "no suffix").reason, size=size),
                    run_id, on_file)
            continue
        try:
            sha = file_sha(f)
        except OSError as exc:
            _record(db, summary, Outcome(key, "rejected", None, E_UNREADABLE,
                                         Reject(E_UNREADABLE, exc.strerror or str(exc)).reason, size=size),
                    run_id, on_file)
            continue
        if (key, sha) in current:
            _record(db, summary, Outcome(key, "skipped", sha, size=size), run_id, on_file)
            continue
        todo.append(Task(key, sha, size))
    if executor == "dask":
        from .scale import run_dask

        outcomes = run_dask(todo, max_bytes, scheduler=scheduler, workers=jobs, timeout=timeout)
    elif executor == "process":
        outcomes = run_processes(todo, jobs, max_bytes, timeout, pool=pool)
    else:
        raise ValueError(f"unknown executor {executor!r}; choose one of: process, dask")
    for n, outcome in enumerate(outcomes, 1):
        _record(db, summary, outcome, run_id, on_file)
        if n % (FTS_BATCH if len(todo) - n > 2 * FTS_BATCH else FTS_TAIL_BATCH) == 0:
            store.index_pending(db)
    store.index_pending(db)
    db["ingest_runs"].update(run_id, {
        "finished_at": store.now(), "n_ingested": summary.ingested, "n_skipped": summary.skipped,
        "n_rejected": len(summary.rejected),
    })
    summary.facts = store.counts(db)
    summary.documents = summary.facts.pop("documents")
    summary.seconds = time.monotonic() - t0
    return summary


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def run_serial(todo: Iterable[Task], max_bytes: int) -> Iterator[Outcome]:
    """Process files one by one in this process (jobs=1): no isolation, no time limit."""
    for t in todo:
        yield _stamp(process_one(t.path, max_bytes), t)


def run_processes(todo: list[Task], jobs: int, max_bytes: int, timeout: float | None = DEFAULT_TIMEOUT,
                  pool: ProcessPoolExecutor | None = None) -> Iterator[Outcome]:
    """Process files in a pool of worker processes, yielding outcomes as they finish.

    At most a few tasks per worker are in flight, so results stream to the
    writer instead of piling up. A worker that dies (segfault, OOM kill) or a
    file that exceeds `timeout` seconds breaks the pool; the files that were in
    flight are then retried one at a time in a fresh process, so only the
    culprit is rejected. `pool`, from `_start_pool`, is used for the first round
    (the caller shuts it down if no round runs).
    """
    if jobs <= 1 and not timeout:
        yield from run_serial(todo, max_bytes)
        return
    pending = list(reversed(todo))  # pop() from the end keeps input order
    suspects: list[Task] = []
    while pending:
        if pool is None:
            pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init)
        # future -> (task, when it was first seen running, or None while queued)
        inflight: dict[Future, tuple[Task, float | None]] = {}
        broken = False
        try:
            while pending or inflight:
                _submit(pool, pending, inflight, jobs, max_bytes, timeout)
                done, _ = wait(inflight, timeout=_tick(timeout), return_when=FIRST_COMPLETED)
                ready: list[Outcome] = []
                for fut in done:
                    t, _started = inflight.pop(fut)
                    try:
                        outcome = fut.result()
                    except BrokenProcessPool:
                        suspects.append(t)
                        broken = True
                        continue
                    except Exception as exc:  # e.g. a result that cannot be pickled back
                        outcome = _internal(t, exc)
                    ready.append(_stamp(outcome, t))
                if not broken:  # before the writer takes its turn, so no worker waits on it
                    _submit(pool, pending, inflight, jobs, max_bytes, timeout)
                yield from ready
                if not broken and timeout and _overdue(inflight, timeout):
                    broken = True
                if broken:
                    suspects.extend(t for t, _ in inflight.values())
                    inflight.clear()
                    break
        except BaseException:
            # Ctrl-C or the consumer gave up: do not wait for workers that may hang.
            broken = True
            raise
        finally:
            _shutdown(pool, kill=broken)
            pool = None
        # A broken pool names no culprit: rerun each file that was in flight alone.
        for t in sorted(suspects, key=lambda t: t.path):
            yield _isolated(t, max_bytes, timeout)
        suspects.clear()


def _submit(pool: ProcessPoolExecutor, pending: list[Task], inflight: dict[Future, tuple[Task, float | None]],
            jobs: int, max_bytes: int, timeout: float | None = None) -> None:
    """Move tasks from the end of `pending` into the pool: up to `WINDOW_FILES` files per worker in
    flight, and past one per worker only while their bytes stay within `WINDOW_BYTES` per worker."""
    held = sum(t.size for t, _ in inflight.values())
    while pending and len(inflight) < jobs * WINDOW_FILES:
        t = pending[-1]
        if len(inflight) >= jobs and held + t.size > jobs * WINDOW_BYTES:
            break
        pending.pop()
        held += t.size
        inflight[pool.submit(process_one, t.path, max_bytes, timeout)] = (t, None)


# Run once by each worker of an ingest, so its imports and lazily compiled patterns are ready
# before the first real file (not domain data: any short plan-like text does).
_WARM_UP_TEXT = """ỦY BAN NHÂN DÂN TỈNH A
Số: 1/KH-UBND
KẾ HOẠCH
Thực hiện chuyển đổi số năm 2025
Căn cứ Nghị định số 42/2022/NĐ-CP ngày 24/6/2022 của Chính phủ;
I. MỤC TIÊU
1. Đến năm 2025, 100% hồ sơ được số hóa; đạt 40 dịch vụ công trực tuyến mức độ 4.
| STT | Chỉ tiêu | Năm 2025 |
| 1 | Tỷ lệ hồ sơ trực tuyến | 80% |
II. NHIỆM VỤ
- Sở Nội vụ chủ trì, phối hợp với các sở, ngành hoàn thành trước ngày 31/12/2025.
Nơi nhận:
- Như trên;
"""


def _start_pool(jobs: int) -> ProcessPoolExecutor:
    """A worker pool whose workers start at once and warm up (the pool would start each only on demand)."""
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_warm_worker_init)
    for _ in range(jobs):
        pool.submit(int)
    return pool


def _warm_worker_init() -> None:
    """`_worker_init`, then the pipeline once over a short text: ~0.5 s of imports and pattern
    compiles that would otherwise hold up each worker's first file. Never fails: a broken
    pipeline must reject files one by one, not break the pool."""
    _worker_init()
    try:
        from .run import process_bytes

        process_bytes(_WARM_UP_TEXT.encode(), "txt")
    except Exception:
        pass


def _worker_init() -> None:
    """Worker processes collect cyclic garbage less often: the pipeline makes many short-lived
    acyclic objects (tokens, matches) that reference counting frees anyway (~4% less CPU on
    congbao-txt than the default threshold of 700 allocations)."""
    gc.set_threshold(50_000, 20, 20)


def _tick(timeout: float | None) -> float | None:
    return None if not timeout else min(1.0, timeout)


def _overdue(inflight: dict[Future, tuple[Task, float | None]], timeout: float) -> bool:
    """Note when queued tasks start running; true when one has run longer than `timeout`.

    "Running" includes the one extra task the pool pre-loads per worker, so an
    innocent task can be caught behind a hung one; isolation clears it.
    """
    now = time.monotonic()
    hung = False
    for fut, (t, started) in list(inflight.items()):
        if started is None:
            if fut.running():
                inflight[fut] = (t, now)
        elif now - started > timeout:
            hung = True
    return hung


def _shutdown(pool: ProcessPoolExecutor, kill: bool) -> None:
    if kill:
        # A hung worker would block shutdown forever; end the pool's own processes.
        for proc in list((getattr(pool, "_processes", None) or {}).values()):  # None once shut down
            try:
                proc.kill()
            except Exception:  # already gone
                pass
    pool.shutdown(wait=True, cancel_futures=True)


def _isolated(t: Task, max_bytes: int, timeout: float | None) -> Outcome:
    """Run one suspect file alone in a fresh process, so a crash or hang names it."""
    pool = ProcessPoolExecutor(max_workers=1, initializer=_worker_init)
    kill = False
    try:
        fut = pool.submit(process_one, t.path, max_bytes, timeout)
        try:
            return _stamp(fut.result(timeout=timeout), t)
        except TimeoutError:
            kill = True
            return _stamp(Outcome(t.path, "rejected", None, E_TIMEOUT,
                                  f"{REASONS[E_TIMEOUT]} ({timeout:.0f} s)"), t)
        except BrokenProcessPool:
            return _stamp(Outcome(t.path, "rejected", None, E_WORKER_DIED, REASONS[E_WORKER_DIED]), t)
        except Exception as exc:
            return _stamp(_internal(t, exc), t)
    finally:
        _shutdown(pool, kill=kill)


def _internal(t: Task, exc: BaseException) -> Outcome:
    tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return Outcome(t.path, "rejected", None, E_INTERNAL, f"internal error: {tb}")


def _stamp(o: Outcome, t: Task) -> Outcome:
    """Give an outcome the hash and size the parent measured (rejects lack them)."""
    if o.sha256 is None:
        o.sha256 = t.sha256
    o.size = o.size or t.size
    return o


def _record(db: sqlite_utils.Database, summary: Summary, o: Outcome, run_id: int,
            on_file: Callable[[Outcome], None] | None) -> None:
    if o.status == "ingested" and o.result is not None:
        try:
            store.write_result(db, o.path, o.result, run_id)
        except Exception as exc:  # rows SQLite refuses: reject this file; if even that fails, stop
            tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
            o.status, o.code, o.reason = "rejected", E_INTERNAL, f"cannot store the results: {tb}"
        o.result = None  # written; let it go before the next one arrives
    if o.status == "ingested":
        summary.ingested += 1
    elif o.status == "skipped":
        summary.skipped += 1
    else:
        store.write_reject(db, o.path, o.sha256, o.code or E_INTERNAL, o.reason or "", run_id)
        summary.rejected.append((o.path, o.code or E_INTERNAL, o.reason or ""))
    summary.bytes += o.size
    if on_file is not None:
        on_file(o)


# ---------------------------------------------------------------- checks


def checksum(db: sqlite_utils.Database | str | Path) -> str:
    """SHA-256 over every file, reject and fact row in primary-key order, without timestamps or run ids.

    Two databases built from the same inputs by the same pipeline have the same
    checksum, whatever the order files were processed in or how often a run was
    interrupted and resumed.
    """
    if not isinstance(db, sqlite_utils.Database):
        db = sqlite_utils.Database(db)
    h = hashlib.sha256()
    for table in ("files", "rejects", "texts", *store.ROW_TABLES):
        if not db[table].exists():
            continue
        cols = [c for c in db[table].columns_dict if c not in VOLATILE]
        pks = db[table].pks
        h.update(f"#{table}:{','.join(cols)}\n".encode())
        sql = (f"SELECT {', '.join(f'[{c}]' for c in cols)} FROM [{table}] "
               f"ORDER BY {', '.join(f'[{c}]' for c in pks)}")
        for row in db.execute(sql):
            h.update(json.dumps(row, ensure_ascii=False, default=str).encode())
            h.update(b"\n")
    return h.hexdigest()


def integrity_problems(db: sqlite_utils.Database | str | Path) -> list[str]:
    """What is wrong with a knowledge base: SQLite corruption, partial files, orphan facts."""
    if not isinstance(db, sqlite_utils.Database):
        db = sqlite_utils.Database(db)
    problems: list[str] = []
    ok = db.execute("PRAGMA integrity_check").fetchone()[0]
    if ok != "ok":
        problems.append(f"integrity_check: {ok}")
    for path, want, got in db.execute(
        "SELECT f.path, f.n_documents, (SELECT count(*) FROM documents d WHERE d.file_sha = f.sha256) "
        "FROM files f"
    ):
        if want != got:
            problems.append(f"{path}: {got} documents stored, {want} expected")
    for table in ("texts", *store.ROW_TABLES):
        if not db[table].exists():  # a table of a later migration than the database's
            continue
        n = db.execute(
            f"SELECT count(*) FROM [{table}] t WHERE NOT EXISTS "
            f"(SELECT 1 FROM files f WHERE f.sha256 = t.file_sha)"
        ).fetchone()[0]
        if n:
            problems.append(f"{table}: {n} rows without a files row")
    n = db.execute("SELECT count(*) FROM files f JOIN rejects r ON r.path = f.path").fetchone()[0]
    if n:
        problems.append(f"{n} paths are both ingested and rejected")
    try:
        # FTS5 checks its index against the sections table; sections still pending are left out of it.
        if not db.execute("SELECT 1 FROM sections_fts_pending LIMIT 1").fetchone():
            db.execute("INSERT INTO sections_fts (sections_fts, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError as exc:
        problems.append(f"sections_fts: the full-text index does not match the sections table ({exc}); rebuild it "
                        "with INSERT INTO sections_fts (sections_fts) VALUES ('rebuild')")
    return problems


def accounting(db: sqlite_utils.Database, paths: Iterable[str | Path]) -> dict[str, int]:
    """How the files found under `paths` are accounted for: found, ingested, rejected, missing."""
    found = [str(p) for p in walk(paths)]
    ingested = {r[0] for r in db.execute("SELECT path FROM files")}
    rejected = {r[0] for r in db.execute("SELECT path FROM rejects")}
    return {
        "found": len(found),
        "ingested": sum(p in ingested for p in found),
        "rejected": sum(p in rejected for p in found),
        "missing": sum(p not in ingested and p not in rejected for p in found),
    }
