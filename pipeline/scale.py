"""Scale-out: run the per-file pipeline on a Dask cluster, write through the parent.

The per-file pipeline is a pure function (`run.process_file`: path -> FileResult),
so workers need only read access to the files and `vnplan` installed; they never
touch the database. Results stream back to the caller, which stays the single
writer, so the database is the same as with the local process pool.

    vnplan ingest corpus/ --executor dask                       # LocalCluster on this machine
    vnplan ingest /shared/corpus --executor dask --scheduler tcp://10.0.0.5:8786
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from .errors import VnplanError

if TYPE_CHECKING:
    from .ingest import Outcome, Task


def run_dask(todo: Sequence[Task], max_bytes: int, scheduler: str | None = None, workers: int = 2,
             window_per_worker: int = 4) -> Iterator[Outcome]:
    """Process files on a Dask cluster, yielding outcomes as they finish.

    With `scheduler` None a LocalCluster of `workers` single-threaded worker
    processes is started and closed again; otherwise the given scheduler's
    workers are used. At most `window_per_worker` tasks per worker are in
    flight, so results never pile up in the parent.
    """
    from .ingest import E_WORKER_DIED, REASONS, Outcome, _stamp, process_one

    if not todo:
        return
    try:
        from dask.distributed import Client, LocalCluster, as_completed
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
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or workers)
        window = max(2, n_workers * window_per_worker)
        pending = list(reversed(todo))
        tasks = {}

        def submit():
            t = pending.pop()
            # pure=False: a unique key per submission, never a cached result of an older file version.
            fut = client.submit(process_one, t.path, max_bytes, pure=False)
            tasks[fut.key] = t
            return fut

        first = [submit() for _ in range(min(window, len(pending)))]
        seq = as_completed(first)
        for fut in seq:
            t = tasks.pop(fut.key)
            try:
                outcome = fut.result()
            except Exception as exc:  # KilledWorker and the like: the worker died on this file
                outcome = Outcome(t.path, "rejected", None, E_WORKER_DIED,
                                  f"{REASONS[E_WORKER_DIED]} ({type(exc).__name__})")
            fut.release()
            yield _stamp(outcome, t)
            if pending:
                seq.add(submit())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
