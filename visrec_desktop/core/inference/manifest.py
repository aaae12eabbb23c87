"""The model manifest: what an ONNX file is, how to feed it and how to check it is intact.

Any ONNX image model with a manifest of this form works without code changes (a CLIP image tower,
say): the manifest names its input, preprocessing constants and outputs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from visrec_desktop.core.config import resource_path
from visrec_desktop.core.errors import ModelError
from visrec_desktop.i18n import _

MANIFEST_FORMAT = 1
DEFAULT_MODEL = "efficientnet_lite0"


@dataclass(frozen=True)
class PreprocessSpec:
    """How pixels become the model's input tensor (applied by `ingest/preprocess.py`)."""

    resize_shorter: int
    crop: int
    interpolation: str
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    color: Literal["RGB", "BGR"] = "RGB"
    layout: Literal["NCHW", "NHWC"] = "NCHW"


@dataclass(frozen=True)
class ModelSpec:
    name: str
    version: str
    path: Path
    sha256: str
    size_bytes: int
    licence: str
    notice: Path | None
    input_name: str
    input_size: int
    preprocess: PreprocessSpec
    embedding_output: str
    embedding_dim: int
    logits_output: str | None
    num_classes: int | None
    labels: tuple[str, ...]

    @property
    def model_id(self) -> str:
        """Identifies the embedding space; embeddings from different ids never mix."""
        return f"{self.name}@{self.version}:{self.sha256[:12]}"


def _require(obj: dict[str, Any], key: str, where: str) -> Any:
    if key not in obj:
        raise ModelError(_("Model manifest {where} is missing '{key}'").format(
            where=where, key=key))
    return obj[key]


def find_manifest(name_or_path: str | Path) -> Path:
    """A manifest path, or a model name looked up in the bundled models folder."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".json" and candidate.exists():
        return candidate
    bundled = resource_path("models") / f"{name_or_path}.json"
    if bundled.exists():
        return bundled
    raise ModelError(_("No model manifest found for '{name_or_path}'").format(
        name_or_path=name_or_path))


def load_manifest(path: Path) -> ModelSpec:
    """Parse a manifest and check the model file beside it (presence, size, sha256)."""
    try:
        raw = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(_("Model manifest {path} is unreadable: {exc}").format(
            path=path, exc=exc)) from exc
    where = str(path)
    if raw.get("format") != MANIFEST_FORMAT:
        raise ModelError(_("Model manifest {where} has unsupported format {format!r}").format(
            where=where, format=raw.get('format')))
    folder = path.parent
    inp = _require(raw, "input", where)
    pre = _require(raw, "preprocess", where)
    outs = _require(raw, "outputs", where)
    emb = _require(outs, "embedding", where)
    logits = outs.get("logits")
    labels: tuple[str, ...] = ()
    if raw.get("labels"):
        label_path = folder / raw["labels"]
        try:
            labels = tuple(line.strip() for line in label_path.read_text("utf-8").splitlines())
        except OSError as exc:
            raise ModelError(_("Label file {label_path} is unreadable: {exc}").format(
                label_path=label_path, exc=exc)) from exc
    if logits and labels and len(labels) != int(logits["dim"]):
        raise ModelError(_("{n_labels} labels for {dim} classes in {where}").format(
            n_labels=len(labels), dim=logits['dim'], where=where))
    spec = ModelSpec(
        name=str(_require(raw, "name", where)),
        version=str(_require(raw, "version", where)),
        path=folder / str(_require(raw, "file", where)),
        sha256=str(_require(raw, "sha256", where)).lower(),
        size_bytes=int(raw.get("size_bytes", 0)),
        licence=str(raw.get("licence", "unknown")),
        notice=folder / raw["notice"] if raw.get("notice") else None,
        input_name=str(_require(inp, "name", where)),
        input_size=int(_require(inp, "size", where)),
        preprocess=PreprocessSpec(
            resize_shorter=int(_require(pre, "resize_shorter", where)),
            crop=int(_require(pre, "crop", where)),
            interpolation=str(pre.get("interpolation", "area")),
            mean=tuple(float(v) for v in _require(pre, "mean", where)),  # type: ignore[arg-type]
            std=tuple(float(v) for v in _require(pre, "std", where)),  # type: ignore[arg-type]
            color=inp.get("color", "RGB"),
            layout=inp.get("layout", "NCHW"),
        ),
        embedding_output=str(_require(emb, "name", where)),
        embedding_dim=int(_require(emb, "dim", where)),
        logits_output=str(logits["name"]) if logits else None,
        num_classes=int(logits["dim"]) if logits else None,
        labels=labels,
    )
    verify_file(spec)
    return spec


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_file(spec: ModelSpec) -> None:
    """Refuse a missing, truncated or altered model file before onnxruntime ever parses it."""
    if not spec.path.is_file():
        raise ModelError(_("Model file {path} is missing").format(path=spec.path))
    size = spec.path.stat().st_size
    if spec.size_bytes and size != spec.size_bytes:
        raise ModelError(
            _("Model file {name} has {size:,} bytes, the manifest says {size_bytes:,}: the file "
              "is damaged or not the one the manifest describes").format(
                  name=spec.path.name, size=size, size_bytes=spec.size_bytes)
        )
    actual = file_sha256(spec.path)
    if actual != spec.sha256:
        raise ModelError(
            _("Model file {name} fails its checksum (sha256 {actual}..., expected {sha256}...): "
              "the file is damaged or was replaced").format(
                  name=spec.path.name, actual=actual[:16], sha256=spec.sha256[:16])
        )


def load_model_spec(name_or_path: str | Path = DEFAULT_MODEL) -> ModelSpec:
    return load_manifest(find_manifest(name_or_path))
