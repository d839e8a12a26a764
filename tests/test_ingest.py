"""Batch ingest: parallel, incremental, idempotent, resumable after kill -9, every input accounted for."""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from vnplan import ingest as ingest_mod
from vnplan.cli import main
from vnplan.errors import Reject
from vnplan.ingest import Task, accounting, checksum, ingest, integrity_problems, run_processes
from vnplan.progress import Progress

from .conftest import SEEDS

VNPLAN = Path(sys.executable).with_name("vnplan")


def chunks_of_seeds(folder: Path, per_seed: int) -> list[Path]:
    """Cut each seed into `per_seed` pieces at line breaks: many small, distinct, real documents."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for seed in SEEDS:
        lines = seed.read_text(encoding="utf-8").splitlines(keepends=True)
        step = max(1, len(lines) // per_seed)
        for i in range(per_seed):
            piece = "".join(lines[i * step : (i + 1) * step if i < per_seed - 1 else None])
            p = folder / f"{seed.stem}_{i:02d}.txt"
            p.write_text(piece, encoding="utf-8")
            out.append(p)
    return out


def bad_inputs(folder: Path) -> dict[str, str]:
    """Files that must be rejected, by name, with the code each gets."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "notes.docx").write_bytes(b"PK\x03\x04 not a supported kind")
    (folder / "README").write_text("no suffix at all", encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\n")
    return {"empty.txt": "E001", "binary.txt": "E002", "notes.docx": "E007", "README": "E007"}


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """Seeds cut into 15 documents, plus five bad files and an ignored sidecar."""
    folder = tmp_path / "in"
    chunks_of_seeds(folder, 3)
    bad_inputs(folder / "bad")
    (folder / "bad" / "broken.pdf.meta.json").write_text("{}", encoding="utf-8")
    (folder / ".hidden.txt").write_text("editor swap file", encoding="utf-8")
    return folder


def test_every_file_found_is_ingested_or_rejected(small_corpus, tmp_path):
    db_path = tmp_path / "kb.sqlite"
    summary = ingest([small_corpus], db_path, jobs=2)
    db = sqlite_utils.Database(db_path)
    acc = accounting(db, [small_corpus])
    assert acc == {"found": 20, "ingested": summary.ingested, "rejected": 5, "missing": 0}
    assert summary.found == 20 and summary.ingested + len(summary.rejected) == 20
    codes = {Path(p).name: code for p, code, _ in db.execute("SELECT path, code, reason FROM rejects")}
    for name, code in bad_inputs(tmp_path / "again").items():
        assert codes[name] == code
    assert codes["broken.pdf"] in {"E004", "E005"}
    assert all(r for (r,) in db.execute("SELECT reason FROM rejects")), "every reject has a reason"
    assert integrity_problems(db) == []


def test_reingest_is_idempotent_and_skips_unchanged(small_corpus, tmp_path):
    db_path = tmp_path / "kb.sqlite"
    first = ingest([small_corpus], db_path, jobs=2)
    before = checksum(db_path)
    again = ingest([small_corpus], db_path, jobs=2)
    # Unsupported kinds are not hashed, just rejected again; the rest is unchanged.
    assert again.ingested == 0 and again.skipped == 18
    assert sorted(code for _p, code, _r in again.rejected) == ["E007", "E007"]
    assert checksum(db_path) == before
    forced = ingest([small_corpus], db_path, jobs=1, force=True)
    assert forced.ingested == first.ingested
    assert checksum(db_path) == before
    # A fresh database built in another order (serial) is the same database.
    assert checksum(ingest_fresh(small_corpus, tmp_path / "other.sqlite", jobs=1)) == before


def test_a_new_pipeline_version_reextracts_unchanged_files(small_corpus, tmp_path, monkeypatch):
    from vnplan import version

    db_path = tmp_path / "kb.sqlite"
    first = ingest([small_corpus], db_path, jobs=1)
    before = checksum(db_path)
    monkeypatch.setattr(version, "fingerprint", lambda: "another-version")
    monkeypatch.setattr("vnplan.store.fingerprint", version.fingerprint)
    upgraded = ingest([small_corpus], db_path, jobs=1)
    assert upgraded.skipped == 0 and upgraded.ingested == first.ingested
    db = sqlite_utils.Database(db_path)
    assert {r[0] for r in db.execute("SELECT pipeline FROM files")} == {"another-version"}
    assert checksum(db_path) != before  # the fingerprint is part of the database
    assert checksum(db_path) == checksum(ingest_fresh(small_corpus, tmp_path / "fresh.sqlite", jobs=1))
    assert ingest([small_corpus], db_path, jobs=1).ingested == 0


def ingest_fresh(folder: Path, db_path: Path, **kw) -> Path:
    ingest([folder], db_path, **kw)
    return db_path


def test_changed_file_replaces_its_facts(small_corpus, tmp_path):
    db_path = tmp_path / "kb.sqlite"
    ingest([small_corpus], db_path, jobs=1)
    target = sorted(small_corpus.glob("0*.txt"))[0]
    db = sqlite_utils.Database(db_path)
    old_sha = db.execute("SELECT sha256 FROM files WHERE path = ?", [str(target)]).fetchone()[0]
    target.write_text(target.read_text(encoding="utf-8")[: 3000], encoding="utf-8")
    summary = ingest([small_corpus], db_path, jobs=1)
    assert summary.ingested == 1 and summary.skipped == 17
    for table in ("documents", "citations", "sections", "texts"):
        assert db.execute(f"SELECT count(*) FROM {table} WHERE file_sha = ?", [old_sha]).fetchone()[0] == 0
    assert checksum(db_path) == checksum(ingest_fresh(small_corpus, tmp_path / "fresh.sqlite", jobs=1))
    assert integrity_problems(db) == []


def test_same_content_under_two_paths_shares_rows_safely(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(SEEDS[0].read_bytes())
    (folder / "b.txt").write_bytes(SEEDS[0].read_bytes())
    db_path = tmp_path / "kb.sqlite"
    ingest([folder], db_path, jobs=1)
    (folder / "a.txt").write_bytes(SEEDS[1].read_bytes())  # a changes; b still holds the old content
    ingest([folder], db_path, jobs=1)
    db = sqlite_utils.Database(db_path)
    assert integrity_problems(db) == []
    assert db["files"].count == 2 and db["documents"].count >= 2


def test_a_file_that_turns_bad_moves_to_rejects(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(SEEDS[0].read_bytes())
    db_path = tmp_path / "kb.sqlite"
    ingest([folder], db_path, jobs=1)
    (folder / "a.txt").write_bytes(b"")
    summary = ingest([folder], db_path, jobs=1)
    db = sqlite_utils.Database(db_path)
    assert [r[1] for r in summary.rejected] == ["E001"]
    assert db["files"].count == 0 and db["documents"].count == 0 and db["citations"].count == 0
    assert integrity_problems(db) == []


def _flaky_process_file(path, max_bytes=None):
    """Stands in for the pipeline in forked workers: dies on 'crash', hangs on 'hang', else rejects at once."""
    name = Path(path).name
    if name.startswith("crash"):
        os._exit(3)
    if name.startswith("hang"):
        time.sleep(60)
    raise Reject("E001", "stand-in")


@pytest.mark.skipif(sys.platform != "linux", reason="relies on fork to pass the stand-in to workers")
def test_a_crashing_or_hanging_worker_costs_only_its_own_file(tmp_path, monkeypatch):
    import vnplan.run

    monkeypatch.setattr(vnplan.run, "process_file", _flaky_process_file)
    names = ["a.txt", "crash.txt", "b.txt", "hang.txt", "c.txt"]
    tasks = [Task(str(tmp_path / n), f"sha{i}", 1) for i, n in enumerate(names)]
    outcomes = {Path(o.path).name: o for o in run_processes(tasks, jobs=2, max_bytes=1 << 26, timeout=2)}
    assert sorted(outcomes) == sorted(names)
    assert outcomes["crash.txt"].code == ingest_mod.E_WORKER_DIED
    assert outcomes["hang.txt"].code == ingest_mod.E_TIMEOUT
    assert [outcomes[n].code for n in ("a.txt", "b.txt", "c.txt")] == ["E001"] * 3
    assert all(o.sha256 == f"sha{names.index(n)}" for n, o in outcomes.items())


class _RecordingPool:
    """Stands in for a ProcessPoolExecutor: records what is submitted, runs nothing."""

    def __init__(self):
        self.submitted: list[str] = []

    def submit(self, fn, path, *args):
        from concurrent.futures import Future

        self.submitted.append(path)
        return Future()


@pytest.mark.parametrize("jobs", [1, 2])
def test_files_in_flight_are_capped_by_count_and_bytes(jobs):
    mb = 1 << 20
    # Small files: the count cap binds (WINDOW_FILES per worker).
    small = [Task(f"s{i}", "x", 1000) for i in range(50)]
    pool, inflight, pending = _RecordingPool(), {}, list(reversed(small))
    ingest_mod._submit(pool, pending, inflight, jobs, 0)
    assert pool.submitted == [f"s{i}" for i in range(jobs * ingest_mod.WINDOW_FILES)]  # in input order
    # Big files: the byte cap binds, but each worker always gets one, however big.
    big = [Task(f"b{i}", "x", ingest_mod.WINDOW_BYTES // 2 + mb) for i in range(10)]
    huge = [Task(f"h{i}", "x", 10 * ingest_mod.WINDOW_BYTES) for i in range(3)]
    pool, inflight, pending = _RecordingPool(), {}, list(reversed(big))
    ingest_mod._submit(pool, pending, inflight, jobs, 0)
    assert len(pool.submitted) == jobs
    pool, inflight, pending = _RecordingPool(), {}, list(reversed(huge))
    ingest_mod._submit(pool, pending, inflight, jobs, 0)
    assert pool.submitted == [f"h{i}" for i in range(jobs)]
    # A finished file makes room for the next.
    inflight.pop(next(iter(inflight)))
    ingest_mod._submit(pool, pending, inflight, jobs, 0)
    assert len(pool.submitted) == jobs + 1


def _count_files(db_path: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=0.05)
        try:
            return con.execute("SELECT count(*) FROM files").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def test_kill_9_midway_then_resume_equals_a_clean_run(tmp_path):
    folder = tmp_path / "in"
    files = chunks_of_seeds(folder, 6)  # 30 documents
    bad_inputs(folder)
    n_inputs = len(files) + 5
    killed_db = tmp_path / "killed.sqlite"
    cmd = [str(VNPLAN), "ingest", str(folder), "--db", str(killed_db), "--silent", "-j", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while _count_files(killed_db) < 4 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        # Kill the whole process group, workers included, as a power cut would.
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()[-2000:]
    db = sqlite_utils.Database(killed_db)
    committed = db["files"].count
    assert 0 < committed < len(files), "the kill landed midway"
    # Hashed rejects (empty, binary, ...) committed before the kill are unchanged inputs too.
    unchanged = committed + db.execute("SELECT count(*) FROM rejects WHERE sha256 IS NOT NULL").fetchone()[0]
    assert integrity_problems(db) == []
    db.close()

    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"{unchanged} unchanged" in result.stdout
    clean_db = tmp_path / "clean.sqlite"
    subprocess.run([str(VNPLAN), "ingest", str(folder), "--db", str(clean_db), "--silent"], check=True,
                   capture_output=True, timeout=120)
    assert integrity_problems(killed_db) == []
    assert accounting(sqlite_utils.Database(killed_db), [folder])["missing"] == 0
    assert sqlite_utils.Database(killed_db)["files"].count + sqlite_utils.Database(killed_db)["rejects"].count == n_inputs
    assert checksum(killed_db) == checksum(clean_db)


def test_dask_executor_writes_the_same_database(small_corpus, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        dask_db = tmp_path / "dask.sqlite"
        summary = ingest([small_corpus], dask_db, executor="dask", scheduler=cluster.scheduler_address)
    local_db = ingest_fresh(small_corpus, tmp_path / "local.sqlite", jobs=2)
    assert summary.ingested == 15 and len(summary.rejected) == 5
    assert checksum(dask_db) == checksum(local_db)


def _hangs_on_marked_files(path: str, max_bytes: int):
    """`process_one`, except that a file whose name holds `hang` never finishes (on a Dask worker)."""
    if "hang" in Path(path).name:
        time.sleep(3600)
    return ingest_mod.process_one(path, max_bytes)


def test_dask_executor_rejects_a_hung_file_and_restarts_its_worker(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    from vnplan.scale import run_dask

    paths = []
    for name in ("a.txt", "hang.txt", "b.txt", "c.txt", "d.txt"):
        (tmp_path / name).write_text(SEEDS[0].read_text(encoding="utf-8")[:3000], encoding="utf-8")
        paths.append(tmp_path / name)
    tasks = [Task(str(p), "sha-" + p.stem, p.stat().st_size) for p in paths]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        t0 = time.monotonic()
        outcomes = list(run_dask(tasks, 10_000_000, scheduler=cluster.scheduler_address, timeout=3,
                                 fn=_hangs_on_marked_files))
        elapsed = time.monotonic() - t0
    by_name = {Path(o.path).name: o for o in outcomes}
    assert sorted(by_name) == ["a.txt", "b.txt", "c.txt", "d.txt", "hang.txt"]
    assert by_name["hang.txt"].status == "rejected" and by_name["hang.txt"].code == ingest_mod.E_TIMEOUT
    assert by_name["hang.txt"].sha256 == "sha-hang"
    assert all(by_name[n].status == "ingested" for n in ("a.txt", "b.txt", "c.txt", "d.txt"))
    assert elapsed < 60


def test_status_reports_rejects_checksum_and_integrity(small_corpus, tmp_path):
    db_path = tmp_path / "kb.sqlite"
    runner = CliRunner()
    out = runner.invoke(main, ["ingest", str(small_corpus), "--db", str(db_path), "--silent", "-j", "1"])
    assert out.exit_code == 0, out.output
    assert "files: 20 found, 15 ingested, 0 unchanged, 5 rejected" in out.output
    out = runner.invoke(main, ["status", "--db", str(db_path), "--checksum", "--check"])
    assert out.exit_code == 0, out.output
    assert "rejected: 5 files (E001 1, E002 1, " in out.output
    assert f"checksum: {checksum(db_path)}\n" in out.output
    assert "integrity: ok" in out.output
    sqlite_utils.Database(db_path).execute("DELETE FROM documents WHERE rowid IN (SELECT rowid FROM documents LIMIT 1)")
    out = runner.invoke(main, ["status", "--db", str(db_path), "--check"])
    assert out.exit_code == 1
    assert out.output.endswith("Error: 1 integrity problems in " + str(db_path) + "\n")


def test_status_without_a_database_is_one_error_line(tmp_path):
    out = CliRunner().invoke(main, ["status", "--db", str(tmp_path / "none.sqlite")])
    assert out.exit_code == 1
    assert out.output == f"Error: no database at {tmp_path / 'none.sqlite'}; run `vnplan ingest` first\n"


@pytest.mark.parametrize(
    ("done_files", "done_bytes", "expected"),
    [
        (0, 0, "0/4 files 0.0/4.0 MB"),
        (2, 1_000_000, "2/4 files 1.0/4.0 MB"),
        (4, 4_000_000, "4/4 files 4.0/4.0 MB"),
    ],
)
def test_progress_line_shows_files_mb_rate_and_eta(done_files, done_bytes, expected):
    class Done:
        size = done_bytes // max(done_files, 1)
        status = "ingested"

    buf = io.StringIO()
    p = Progress(stream=buf, log_every=0)
    p.start(4, 4_000_000)
    for _ in range(done_files):
        p.update(Done())
    line = p.line()
    assert expected in line and "MB/s" in line and "files/s" in line and "ETA" in line
    assert bool(buf.getvalue()) == (done_files > 0)


def test_silent_progress_writes_nothing():
    buf = io.StringIO()
    p = Progress(enabled=False, stream=buf)
    p.start(1, 10)
    p.update(type("O", (), {"size": 10, "status": "ingested"})())
    p.close()
    assert buf.getvalue() == ""


def test_a_file_the_store_refuses_is_rejected_not_fatal(tmp_path, monkeypatch):
    from vnplan import store

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.txt").write_bytes(SEEDS[i].read_bytes())
    real = store.write_result

    def refuse_second(db, path, result, run_id):
        if path.endswith("1.txt"):
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        return real(db, path, result, run_id)

    monkeypatch.setattr(store, "write_result", refuse_second)
    summary = ingest([folder], tmp_path / "kb.sqlite", jobs=1)
    assert summary.ingested == 2
    assert [(Path(p).name, c) for p, c, _r in summary.rejected] == [("1.txt", "E099")]
    assert "cannot store the results: OverflowError" in summary.rejected[0][2]
    assert integrity_problems(tmp_path / "kb.sqlite") == []


def test_pipeline_gives_the_same_facts_in_threads():
    # A Dask worker may run several threads: no state shared across files may mix them up.
    # Forced task switches make a race likely where there is one.
    from concurrent.futures import ThreadPoolExecutor

    from vnplan.outputs.facts_json import facts_json
    from vnplan.run import process_file

    def facts(path):
        return facts_json(process_file(path))

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with ThreadPoolExecutor(4) as pool:  # first, while the threads still meet new words
            got = list(pool.map(facts, SEEDS * 3))
    finally:
        sys.setswitchinterval(old)
    assert got == [facts(p) for p in SEEDS] * 3
