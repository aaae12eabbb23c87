"""Runs the ONNX model: batches of tensors in, L2-normalised embeddings and class scores out."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass

import numpy as np
import onnxruntime as ort

from visrec_desktop.core.errors import Cancelled, ModelError
from visrec_desktop.core.inference import providers as prov
from visrec_desktop.core.inference.manifest import ModelSpec
from visrec_desktop.core.offline import disable_onnxruntime_events
from visrec_desktop.core.progress import Progress
from visrec_desktop.i18n import gettext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tag:
    label: str
    probability: float


def _session_options(threads: int) -> ort.SessionOptions:
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    # Spinning threads would steal the cores that decode the next batch.
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.log_severity_level = 3
    return opts


class Embedder:
    """One verified model and the onnxruntime session that runs it.

    The session is created on the first `run` (or `session` access), under a lock, and
    `unload()` frees it; commands that never embed never pay for it. The pattern follows
    immich's `InferenceModel.load()`.
    """

    def __init__(
        self, spec: ModelSpec, provider: str | None = None, setting: str | None = None,
        threads: int = 0,
    ) -> None:
        self.spec = spec
        self.notes: list[str] = []
        self._wanted, self.notes = prov.choose(provider, setting)
        self.threads = threads or os.cpu_count() or 1
        self._session: ort.InferenceSession | None = None
        self._provider: str | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._session is not None

    @property
    def session(self) -> ort.InferenceSession:
        """The onnxruntime session, created now if it is not yet. Raises ModelError."""
        return self._session or self.load()

    def load(self) -> ort.InferenceSession:
        """Create the session (once; later calls return it) and check the graph against the
        manifest. Raises ModelError when it cannot start or the manifest does not match."""
        with self._lock:
            if self._session is None:
                created = self._create(self._wanted)
                self._check_signature(created)
                self._provider = created.get_providers()[0]
                if self._wanted and self._provider != self._wanted[0]:
                    self._note(gettext("{wanted} could not start; running on {provider}"
                                       ).format(wanted=self._wanted[0], provider=self._provider))
                self._session = created
            return self._session

    @property
    def provider(self) -> str:
        """The execution provider running the model, or, before the first embedding, the one
        that will be tried first."""
        if self._provider is not None:
            return self._provider
        return self._wanted[0] if self._wanted else prov.CPU

    def unload(self) -> None:
        """Free the session (and its memory); the next embedding creates it again."""
        with self._lock:
            self._session = None
            self._provider = None

    def _note(self, text: str) -> None:
        self.notes.append(text)
        log.warning(text)

    def _create(self, wanted: list[str]) -> ort.InferenceSession:
        disable_onnxruntime_events()  # Windows (ETW); elsewhere ORT_DISABLE_TELEMETRY did it
        opts = _session_options(self.threads)
        for i, name in enumerate(wanted):
            chain = [name] if name == prov.CPU else [name, prov.CPU]
            try:
                return ort.InferenceSession(str(self.spec.path), opts, providers=chain)
            except Exception as exc:  # onnxruntime raises bare RuntimeError/Fail types
                if name == prov.CPU or i == len(wanted) - 1:
                    raise ModelError(gettext("The model could not be loaded: {exc}").format(
                        exc=exc)) from exc
                self._note(gettext("{name} failed to create a session ({exc}); trying the next "
                                   "provider").format(name=name, exc=exc))
        raise ModelError(gettext("No execution provider is available"))

    def _check_signature(self, session: ort.InferenceSession) -> None:
        spec = self.spec
        inputs = {i.name: i for i in session.get_inputs()}
        outputs = {o.name: o for o in session.get_outputs()}
        if spec.input_name not in inputs:
            raise ModelError(gettext("Model has no input '{input_name}' (has {value})").format(
                input_name=spec.input_name, value=sorted(inputs)))
        shape = list(inputs[spec.input_name].shape)
        size = spec.input_size
        expected = [3, size, size] if spec.preprocess.layout == "NCHW" else [size, size, 3]
        if len(shape) != 4 or shape[1:] != expected:
            raise ModelError(gettext("Model input shape {shape} does not match manifest "
                                     "{expected}").format(shape=shape, expected=expected))
        checks = [(spec.embedding_output, spec.embedding_dim)]
        if spec.logits_output:
            checks.append((spec.logits_output, spec.num_classes or 0))
        for name, dim in checks:
            if name not in outputs:
                raise ModelError(gettext("Model has no output '{name}' (has {value})").format(
                    name=name, value=sorted(outputs)))
            if outputs[name].shape[-1] != dim:
                raise ModelError(gettext("Model output '{name}' has {shape} values, manifest "
                                         "says {dim}").format(
                                             name=name, shape=outputs[name].shape[-1], dim=dim))
        self._output_names = [name for name, _ in checks]

    def run(self, batch: np.ndarray, progress: Progress | None = None
            ) -> tuple[np.ndarray, np.ndarray | None]:
        """Embed a batch: (N, dim) unit-length float32 embeddings and (N, classes) probabilities.

        With `progress`, a cancel stops the run between two graph nodes (onnxruntime's
        `RunOptions.terminate`) and raises `Cancelled`: a batch can take seconds on a busy
        machine, and quitting must not wait for it."""
        session = self.session
        if progress is None:
            outs = session.run(self._output_names, {self.spec.input_name: batch})
        else:
            outs = self._run_cancellable(session, batch, progress)
        emb = np.asarray(outs[0], np.float32).reshape(len(batch), -1)
        emb /= np.maximum(np.linalg.norm(emb, axis=1, keepdims=True), 1e-12)
        probs = None
        if len(outs) > 1:
            logits = np.asarray(outs[1], np.float32)
            logits = logits - logits.max(axis=1, keepdims=True)
            exp = np.exp(logits)
            probs = exp / exp.sum(axis=1, keepdims=True)
        return emb, probs

    def _run_cancellable(self, session: ort.InferenceSession, batch: np.ndarray,
                         progress: Progress) -> list[np.ndarray]:
        options = ort.RunOptions()
        options.log_severity_level = 4  # the terminate "error" is ours: not worth a log line

        def stop() -> None:
            options.terminate = True

        forget = progress.on_cancel(stop)
        try:
            progress.checkpoint()
            outs: list[np.ndarray] = session.run(self._output_names,
                                                 {self.spec.input_name: batch}, options)
        except Exception:
            if progress.cancelled:
                raise Cancelled("Cancelled") from None
            raise
        finally:
            forget()
        return outs

    def top_tags(self, probs: np.ndarray, k: int = 5) -> list[list[Tag]]:
        """The k most probable labels of each row of `probs`."""
        labels = self.spec.labels
        order = np.argsort(-probs, axis=1)[:, :k]
        return [
            [Tag(labels[j] if j < len(labels) else str(j), float(row[j])) for j in idx]
            for row, idx in zip(probs, order, strict=True)
        ]
