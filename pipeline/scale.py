"""Scale-out: run the per-file pipeline on a Dask cluster, write through the parent.

The per-file pipeline is a pure function (`run.process_file`: path -> FileResult),
so workers need only read access to the files and `vnplan` installed; they never
touch the database. Results stream back to the caller, which stays the single
writer, so the database is the same as with the local process pool.

    vnplan ingest corpus/ --executor dask                       # LocalCluster on this machine
    vnplan ingest /shared/corpus --executor dask --scheduler tcp://10.0.0.5:8786
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .errors import VnplanError

if TYPE_CHECKING:
    from .ingest import Outcome, Task


def run_dask(todo: Sequence[Task], max_bytes: int, scheduler: str | None = None, workers: int = 2,
             window_per_worker: int = 4, timeout: float | None = None,
             fn: Callable[[str, int], Outcome] | None = None) -> Iterator[Outcome]:
    """Process files on a Dask cluster, yielding outcomes as they finish.

    With `scheduler` None a LocalCluster of `workers` single-threaded worker
    processes is started and closed again; otherwise the given scheduler's
    workers are used. At most `window_per_worker` tasks per worker are in
    flight, so results never pile up in the parent.

    A file still running after `timeout` seconds is rejected (E010) and the
    worker holding it is restarted through its nanny, so a hang costs one
    file, not the batch. The cluster runs tasks oldest first, so a task counts
    as running once it is among the oldest unfinished ones, one per worker
    thread. `fn` stands in for `process_one` (tests).
    """
    from .ingest import E_WORKER_DIED, REASONS, Outcome, _stamp, _tick, process_one

    if not todo:
        return
    try:
        from dask.distributed import Client, LocalCluster, TimeoutError, wait
    except ImportError:
        raise VnplanError("the dask executor needs dask.distributed: pip install 'vnplan[scale]'") from None
    cluster = None
    if scheduler is None:
        # Python code holds the GIL: one thread per worker process.
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout="30s")
        except OSError as exc:
            raise VnplanError(f"cannot reach Dask scheduler {scheduler}: {exc}") from None
    try:
        info = client.scheduler_info().get("workers", {})
        n_workers = max(1, len(info) or workers)
        threads = max(1, sum(w.get("nthreads", 1) for w in info.values()) or workers)
        window = max(2, n_workers * window_per_worker)
        pending = list(reversed(todo))
        # future -> (task, when it was first counted as running, or None); in submission order
        inflight: dict[Any, tuple[Task, float | None]] = {}
        while pending or inflight:
            while pending and len(inflight) < window:
                t = pending.pop()
                # pure=False: a unique key per submission, never a cached result of an older file version.
                # process_one keeps OCR within the time limit too (a stand-in `fn` takes no limit).
                args = (t.path, max_bytes) if fn else (t.path, max_bytes, timeout)
                inflight[client.submit(fn or process_one, *args, pure=False)] = (t, None)
            try:
                done = wait(list(inflight), timeout=_tick(timeout), return_when="FIRST_COMPLETED").done
            except TimeoutError:
                done = set()
            for fut in [f for f in inflight if f in done]:  # in submission order
                t, _ = inflight.pop(fut)
                try:
                    outcome = fut.result()
                except Exception as exc:  # KilledWorker and the like: the worker died on this file
                    outcome = Outcome(t.path, "rejected", None, E_WORKER_DIED,
                                      f"{REASONS[E_WORKER_DIED]} ({type(exc).__name__})")
                fut.release()
                yield _stamp(outcome, t)
            if timeout:
                yield from _expire(client, inflight, threads, timeout)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _expire(client: Any, inflight: dict[Any, tuple[Task, float | None]], threads: int,
            timeout: float) -> Iterator[Outcome]:
    """Reject the in-flight files that have run longer than `timeout` and restart their workers."""
    from .ingest import E_TIMEOUT, REASONS, Outcome, _stamp

    now = time.monotonic()
    for fut in list(inflight)[:threads]:
        t, started = inflight[fut]
        if started is None:
            inflight[fut] = (t, now)
    hung = [fut for fut, (_, started) in inflight.items() if started is not None and now - started > timeout]
    if not hung:
        return
    keys = {fut.key for fut in hung}
    holders = [w for w, ks in client.processing().items() if keys & set(ks)]
    for fut in hung:
        t, _ = inflight.pop(fut)
        fut.cancel()
        yield _stamp(Outcome(t.path, "rejected", None, E_TIMEOUT, f"{REASONS[E_TIMEOUT]} ({timeout:.0f} s)"), t)
    if holders:
        # Only a worker under a nanny can be restarted; one without keeps its stuck thread.
        client.restart_workers(holders, raise_for_error=False)
        # The restarted workers' other tasks run again from the start: their clocks start again too.
        for fut, (t, _) in list(inflight.items()):
            inflight[fut] = (t, None)
