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

import numpy as np
import onnxruntime as ort

from visrec_desktop.core.catalog.build import rows_from_columns
from visrec_desktop.core.catalog.bundle import Limits
from visrec_desktop.core.errors import CatalogFormatError, VisrecError
from visrec_desktop.core.inference import providers
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.inference.manifest import ModelSpec
from visrec_desktop.core.ingest.pipeline import failure_of, model_input
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
    threads: int = 1  # onnxruntime intra-op threads (and CPUs reserved) per actor
    gpus_per_actor: float | None = None  # None: 1 when the cluster has GPUs and CUDA is here


class _EmbedActor:
    """One onnxruntime session; turns a batch of image files into embeddings."""

    def __init__(self, spec: ModelSpec, provider: str, threads: int) -> None:
        self.spec = spec
        self.embedder = Embedder(spec, provider=provider, threads=threads)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        began = time.time()
        n = len(batch["path"])
        errors = np.full(n, "", dtype=object)
        tensors, rows = [], []
        for i, (path, data) in enumerate(zip(batch["path"], batch["bytes"], strict=True)):
            try:
                tensor, _ = model_input(bytes(data), os.path.splitext(str(path))[1], self.spec)
            except Exception as exc:  # one image, never the build: the local policy
                errors[i] = failure_of(exc).detail
                continue
            tensors.append(tensor)
            rows.append(i)
        vectors = np.zeros((n, self.spec.embedding_dim), np.float32)
        if tensors:
            vectors[rows] = self.embedder.run(np.stack(tensors))[0]
        # When this batch ran (wall clock), for the throughput of the pool once it runs.
        span = np.array([[began, time.time()]] * n)
        return {"path": batch["path"], "embedding": vectors, "error": errors, "span": span}


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
                                        override_num_blocks=max(1, min(len(paths),
                                                                       4 * opts.concurrency)))
        out = ds.map_batches(
            _EmbedActor, fn_constructor_kwargs={"spec": self.spec, "provider": provider,
                                                "threads": opts.threads},
            batch_size=opts.batch_size, batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=opts.concurrency),
            num_cpus=opts.threads, num_gpus=gpus or None)
        vectors: dict[str, np.ndarray] = {}
        errors: dict[str, str] = {}
        progress.start(len(names), "embedding")
        started = time.perf_counter()
        spans = []
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
            spans.append(np.asarray(batch["span"], np.float64))
        ended = time.perf_counter()
        # Throughput of the pool once it runs: images over the time from the first batch an
        # actor began to the last it finished, leaving out the start of the actors and the
        # model loads (a fixed cost per build that a large catalog amortises).
        steady = None
        if spans:
            when = np.concatenate(spans)
            if when[:, 1].max() > when[:, 0].min():
                steady = len(names) / float(when[:, 1].max() - when[:, 0].min())
        self.last_run = {"actors": opts.concurrency, "batch_size": opts.batch_size,
                         "seconds": ended - started, "steady_items_per_s": steady,
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
