"""Catalog builds on Ray Data (`visrec catalog build --engine ray`, the `publisher` extra).

The item table (CSV or Parquet) and the image folder are read with Ray Data; images are decoded
and embedded in `map_batches` by a pool of actors, each holding one onnxruntime session, with the
very functions of the local build (`ingest.pipeline.model_input`, `Embedder.run`), so both builds
give the same embeddings. Output is written by `build.build_bundle`, as for a local build.

Only this module imports Ray; the desktop app never imports this module.
Ray Data: https://docs.ray.io/en/latest/data/data.html
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import onnxruntime as ort

from visrec_desktop.core.catalog.build import rows_from_columns
from visrec_desktop.core.catalog.bundle import Limits
from visrec_desktop.core.catalog.pool_timing import pool_timing
from visrec_desktop.core.errors import CatalogFormatError, VisrecError
from visrec_desktop.core.inference import providers
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.inference.manifest import ModelSpec
from visrec_desktop.core.ingest.pipeline import failure_of, model_input, ordered_map
from visrec_desktop.core.progress import Progress
from visrec_desktop.i18n import gettext

log = logging.getLogger(__name__)

try:
    import ray
    import ray.data
except ImportError as exc:  # pragma: no cover - the error says how to install it
    raise VisrecError(gettext("The Ray engine needs the publisher extra: pip install "
                              "'visrec-desktop[publisher]'")) from exc


@dataclass(frozen=True)
class RayOptions:
    """How the build runs on Ray. `address=None` starts a local cluster of `num_cpus` CPUs
    (all of this machine's when None); an address ('ray://host:10001', 'auto') joins one."""

    address: str | None = None
    num_cpus: int | None = None
    concurrency: int = 2  # embedding actors, each with one onnxruntime session
    batch_size: int = 32  # images per model call
    threads: int = 1  # decode and onnxruntime intra-op threads (and CPUs reserved) per actor
    gpus_per_actor: float | None = None  # None: 1 when the cluster has GPUs and CUDA is here


class _EmbedActor:
    """One onnxruntime session; turns a batch of image files into embeddings.

    The actor uses the `threads` CPUs Ray reserved for it and no more: it decodes on that many
    threads, and onnxruntime's intra-op pool and OpenCV's pool (which would otherwise start
    one thread per core of the node, so that N actors on N cores ran N x N threads) are both
    set to it."""

    def __init__(self, spec: ModelSpec, provider: str, threads: int) -> None:
        cv2.setNumThreads(threads)
        self.spec = spec
        self.threads = threads
        self.embedder = Embedder(spec, provider=provider, threads=threads)
        self.embedder.load()  # now, so that the first batch's timing is the model's work only

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        began, cpu_began = time.time(), time.process_time()
        n = len(batch["path"])
        errors = np.full(n, "", dtype=object)

        def prepare(i: int) -> np.ndarray | None:
            path = str(batch["path"][i])
            try:
                return model_input(bytes(batch["bytes"][i]), os.path.splitext(path)[1],
                                   self.spec)[0]
            except Exception as exc:  # one image, never the build: the local policy
                errors[i] = failure_of(exc).detail
                return None

        prepared = map(prepare, range(n)) if self.threads == 1 else \
            ordered_map(prepare, range(n), workers=self.threads)
        tensors, rows = [], []
        for i, tensor in enumerate(prepared):
            if tensor is not None:
                tensors.append(tensor)
                rows.append(i)
        vectors = np.zeros((n, self.spec.embedding_dim), np.float32)
        if tensors:
            vectors[rows] = self.embedder.run(np.stack(tensors))[0]
        # How this batch ran, for `pool_timing`: this actor's process, wall clock at the start
        # and end, and the process's CPU seconds (all its threads, since it started) then.
        timing = np.array([[os.getpid(), began, time.time(), cpu_began,
                            time.process_time()]] * n)
        return {"path": batch["path"], "embedding": vectors, "error": errors, "timing": timing}


def _quiet_ray_data() -> None:
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)


class RayEngine:
    """`build.EmbedEngine` on a Ray cluster. Use as a context manager: a local cluster started
    here is shut down on exit; a joined cluster is only disconnected from."""

    def __init__(self, spec: ModelSpec, options: RayOptions | None = None,
                 provider: str | None = None) -> None:
        self.spec = spec
        self.options = options or RayOptions()
        self.provider = provider
        self._started = False
        self.last_run: dict[str, Any] = {}  # what the last embed used, for reports and benches

    def __enter__(self) -> RayEngine:
        # Ray's usage statistics would be sent over the network; this tool sends nothing.
        os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
        if not ray.is_initialized():
            opts = self.options
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                      "configure_logging": True, "logging_level": logging.WARNING}
            if opts.address is None:
                kwargs["num_cpus"] = opts.num_cpus
                # Ray starts its workers 15 nice steps below the raylet, so that on a busy
                # machine the actors doing the build would yield to every other process
                # (measured here: a second actor then added no throughput). A local build
                # runs at the priority of the command that started it, as the local engine
                # does; `nice visrec catalog build ...` still lowers the whole of it.
                os.environ.setdefault("RAY_worker_niceness", "0")
            else:
                kwargs["address"] = opts.address
            try:
                ray.init(**kwargs)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise VisrecError(gettext(
                    "Cannot start or join the Ray cluster ({value}): {exc}").format(
                    value=opts.address or 'local', exc=exc)) from exc
            self._started = True
        _quiet_ray_data()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._started:
            ray.shutdown()
            self._started = False

    # -- the EmbedEngine protocol -----------------------------------------------------------
    def read_rows(self, table: Path) -> list[dict[str, str]]:
        """The item table read with Ray Data; CSV values all as text, as the local reader."""
        table = Path(table)
        path = str(table.resolve())
        try:
            if table.suffix.lower() == ".parquet":
                ds = ray.data.read_parquet(path)
            else:
                ds = ray.data.read_csv(path, convert_options=_csv_as_text(table))
            arrow = ds.to_arrow_refs()
            import pyarrow as pa

            columns = pa.concat_tables(ray.get(arrow)).to_pydict()
        except (OSError, ValueError, ray.exceptions.RayError) as exc:
            raise CatalogFormatError(gettext("Cannot read {name}: {exc}").format(
                name=table.name, exc=exc)) from exc
        return rows_from_columns(columns, table.name)

    def embed(self, names: list[str], images_dir: Path, limits: Limits,
              progress: Progress) -> tuple[dict[str, np.ndarray], dict[str, str]]:
        """Decode and embed every image on the cluster's actor pool; results by file name."""
        opts = self.options
        gpus = self._gpus_per_actor()
        provider = "cuda" if gpus else (self.provider or "cpu")
        paths = [str((Path(images_dir) / n).resolve()) for n in names]
        by_path = dict(zip(paths, names, strict=True))
        # Reading is I/O: its tasks reserve no CPU, so that `concurrency` actors fit on as
        # many CPUs (a read waiting for a CPU held by an actor would wait for ever).
        ds = ray.data.read_binary_files(paths, include_paths=True, num_cpus=0,
                                        override_num_blocks=read_blocks(len(paths), opts))
        out = ds.map_batches(
            _EmbedActor, fn_constructor_kwargs={"spec": self.spec, "provider": provider,
                                                "threads": opts.threads},
            batch_size=opts.batch_size, batch_format="numpy",
            # One batch running and one queued per actor: enough to hide the hand-over, few
            # enough that an actor that started late is not left without work at the end.
            compute=ray.data.ActorPoolStrategy(size=opts.concurrency,
                                               max_tasks_in_flight_per_actor=2),
            num_cpus=opts.threads, num_gpus=gpus or None)
        vectors: dict[str, np.ndarray] = {}
        errors: dict[str, str] = {}
        progress.start(len(names), "embedding")
        started, submitted = time.perf_counter(), time.time()
        timing = []
        for batch in out.iter_batches(batch_size=opts.batch_size, batch_format="numpy"):
            progress.checkpoint()
            for path, vec, err in zip(batch["path"], batch["embedding"], batch["error"],
                                      strict=True):
                name = by_path.get(str(path)) or by_path.get(_local(str(path)), str(path))
                if err:
                    errors[name] = str(err)
                else:
                    vectors[name] = np.asarray(vec, np.float32)
            progress.advance(len(batch["path"]))
            timing.append(np.asarray(batch["timing"], np.float64))
        rows = np.concatenate(timing) if timing else np.zeros((0, 5))
        self.last_run = {"actors": opts.concurrency, "batch_size": opts.batch_size,
                         "seconds": time.perf_counter() - started,
                         "pool": pool_timing(rows, submitted),
                         "provider": provider, "gpus_per_actor": gpus,
                         "cluster": ray.cluster_resources()}  # type: ignore[no-untyped-call]
        return vectors, errors

    def _gpus_per_actor(self) -> float:
        if self.options.gpus_per_actor is not None:
            return self.options.gpus_per_actor
        has_cuda = providers.canonical("cuda") in ort.get_available_providers()
        wants = self.provider is None or providers.canonical(self.provider) == \
            providers.canonical("cuda")
        return 1.0 if has_cuda and wants and ray.cluster_resources().get("GPU", 0) >= 1 else 0.0  # type: ignore[no-untyped-call]


def read_blocks(items: int, options: RayOptions) -> int:
    """Blocks (read tasks) for `items` files: about one batch each, so that the actors share
    the work evenly to the last batch, but at most 64 per actor, so that a catalog of
    millions is not millions of tasks."""
    per_batch = -(-items // options.batch_size)
    return max(1, min(per_batch, 64 * options.concurrency))


def _local(path: str) -> str:
    """A path as Ray may report it ('local://' or 'file://' prefixes) as a plain path."""
    for prefix in ("local://", "file://"):
        if path.startswith(prefix):
            return path[len(prefix):]
    return path


def _csv_as_text(table: Path) -> Any:
    """pyarrow CSV options that keep every column as text, as the local reader does (an id
    '007' stays '007', a price stays as written)."""
    import csv

    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        with table.open(encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh))
    except (OSError, UnicodeDecodeError, StopIteration, csv.Error) as exc:
        raise CatalogFormatError(gettext("Cannot read the header of {name} ({exc})").format(
            name=table.name, exc=exc)) from exc
    return pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string()),
                                strings_can_be_null=False)
