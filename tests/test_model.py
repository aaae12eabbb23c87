"""The bundled model: loads, verifies, embeds real photos sensibly; damaged or inconsistent models
are refused; other ONNX models plug in through a manifest alone; providers are chosen safely."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from imaging import encode, oriented_bytes

from visrec_desktop.core.config import resource_path
from visrec_desktop.core.errors import ModelError
from visrec_desktop.core.inference import providers as prov
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.inference.manifest import (
    DEFAULT_MODEL,
    ModelSpec,
    file_sha256,
    load_manifest,
    load_model_spec,
)
from visrec_desktop.core.ingest.decode import decode
from visrec_desktop.core.ingest.preprocess import to_tensor

CAT_CLASSES = {"tabby", "tiger cat", "Egyptian cat"}
MANIFEST = f"{DEFAULT_MODEL}.json"


@pytest.fixture(scope="module")
def spec() -> ModelSpec:
    return load_model_spec()


@pytest.fixture(scope="module")
def embedder(spec: ModelSpec) -> Embedder:
    return Embedder(spec, threads=2)


def embed_rgb(embedder: Embedder, images: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Embed RGB photos the way the indexer does (BGR pixels -> manifest preprocessing)."""
    batch = np.stack([to_tensor(np.ascontiguousarray(img[:, :, ::-1]), embedder.spec.preprocess)
                      for img in images])
    emb, probs = embedder.run(batch)
    assert probs is not None
    return emb, probs


def embed_bgr(embedder: Embedder, images: list[np.ndarray]) -> np.ndarray:
    batch = np.stack([to_tensor(img, embedder.spec.preprocess) for img in images])
    return embedder.run(batch)[0]


# --------------------------------------------------------------------------- the bundled model
def test_bundled_model_loads_and_verifies(spec: ModelSpec) -> None:
    """The manifest parses, the file passes size and sha256, labels match the classes."""
    assert spec.path.is_file()
    assert spec.path.stat().st_size == spec.size_bytes
    assert file_sha256(spec.path) == spec.sha256
    assert spec.embedding_dim == 1280
    assert spec.num_classes == len(spec.labels) == 1000
    assert spec.model_id.startswith("efficientnet-lite0@1.0.0:")
    assert spec.notice is not None and spec.notice.is_file()


def test_embedder_tags_and_embeddings(
    embedder: Embedder, photo_arrays: dict[str, np.ndarray]
) -> None:
    """Chelsea is tagged as a cat and the coffee as espresso/cup; embeddings are unit 1280-d."""
    emb, probs = embed_rgb(embedder, [photo_arrays["chelsea"], photo_arrays["coffee"]])
    assert emb.shape == (2, 1280) and emb.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-4)
    cat_tags, coffee_tags = ([t.label for t in row] for row in embedder.top_tags(probs, k=5))
    assert CAT_CLASSES & set(cat_tags), cat_tags
    assert {"espresso", "cup"} & set(coffee_tags), coffee_tags
    # Not a constant output: the two photos' top tags have nothing in common.
    assert not set(cat_tags) & set(coffee_tags)


def test_similar_photo_is_much_closer_than_different_photo(
    embedder: Embedder, photo_arrays: dict[str, np.ndarray]
) -> None:
    """cos(cat, cropped+mirrored cat) beats cos(cat, coffee) by a wide margin.

    Measured (onnxruntime 1.32, CPU): 0.941 vs 0.086, a margin of 0.855. Embeddings are
    post-ReLU averages, so unrelated photos still sit around 0.1-0.25 (rocket vs astronaut 0.24);
    we require 0.85 absolute and a 0.5 margin: far from both measured numbers, so provider or
    version drift cannot flip it, yet a degenerate pipeline (constant or near-constant output,
    a crop that misses the subject, embeddings not normalised) fails it.
    """
    cat = photo_arrays["chelsea"]
    h, w = cat.shape[:2]
    variant = np.ascontiguousarray(cat[h // 10 : h - h // 10, w // 10 : w - w // 10][:, ::-1])
    emb, _ = embed_rgb(embedder, [cat, variant, photo_arrays["coffee"]])
    same = float(emb[0] @ emb[1])
    different = float(emb[0] @ emb[2])
    assert same > 0.85, same
    assert same > different + 0.5, (same, different)


def test_exif_rotated_jpeg_embeds_like_upright(
    embedder: Embedder, photo_arrays: dict[str, np.ndarray]
) -> None:
    """An orientation-6 JPEG (pixels stored rotated) embeds like the upright JPEG.

    Measured: 0.9985 with orientation handling (only JPEG re-encoding differs), 0.868 when the
    stored sideways pixels are embedded as they are. Threshold 0.98 leaves room for codec
    differences; the sideways embedding must lose at least 0.05.
    """
    cat = photo_arrays["chelsea"]
    upright = decode(encode(cat, "JPEG", quality=92), ".jpg").pixels
    rotated_file = oriented_bytes(cat, 6, "JPEG", quality=92)
    rotated = decode(rotated_file, ".jpg").pixels
    sideways = cv2.imdecode(np.frombuffer(rotated_file, np.uint8),
                            cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    assert sideways.shape[:2] == (451, 300)
    emb = embed_bgr(embedder, [upright, rotated, sideways])
    handled = float(emb[0] @ emb[1])
    ignored = float(emb[0] @ emb[2])
    assert handled > 0.98, handled
    assert handled > ignored + 0.05, (handled, ignored)


def test_run_is_deterministic_and_batch_independent(
    embedder: Embedder, photo_arrays: dict[str, np.ndarray]
) -> None:
    """A photo's embedding does not depend on its batch mates."""
    alone, _ = embed_rgb(embedder, [photo_arrays["rocket"]])
    together, _ = embed_rgb(embedder, [photo_arrays["astronaut"], photo_arrays["rocket"]])
    assert float(alone[0] @ together[1]) > 0.9999


# --------------------------------------------------------------------------- refusals
@pytest.fixture(scope="module")
def model_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the bundled models folder (each test adds its own variants)."""
    dest = tmp_path_factory.mktemp("models") / "models"
    shutil.copytree(resource_path("models"), dest)
    return dest


def _manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / MANIFEST).read_text("utf-8"))


def _write(folder: Path, name: str, manifest: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(json.dumps(manifest), "utf-8")
    return path


def test_unchanged_copy_loads(model_copy: Path) -> None:
    """Control: the copied manifest loads, so the refusals below are caused by the damage."""
    spec = load_manifest(model_copy / MANIFEST)
    assert spec.path.parent == model_copy


def test_flipped_byte_fails_checksum(model_copy: Path) -> None:
    """One flipped byte in the middle of the .onnx: same size, wrong sha256 -> refused."""
    manifest = _manifest(model_copy)
    damaged = model_copy / "flipped.onnx"
    data = bytearray((model_copy / manifest["file"]).read_bytes())
    data[len(data) // 2] ^= 0x01
    damaged.write_bytes(bytes(data))
    manifest["file"] = damaged.name
    with pytest.raises(ModelError, match="checksum"):
        load_manifest(_write(model_copy, "flipped.json", manifest))


def test_truncated_model_fails_size_check(model_copy: Path) -> None:
    """A truncated .onnx is refused for its size, before hashing or parsing."""
    manifest = _manifest(model_copy)
    truncated = model_copy / "truncated.onnx"
    truncated.write_bytes((model_copy / manifest["file"]).read_bytes()[:1_000_000])
    manifest["file"] = truncated.name
    with pytest.raises(ModelError, match=r"1,000,000 bytes.*manifest says"):
        load_manifest(_write(model_copy, "truncated.json", manifest))


def test_missing_model_file(model_copy: Path) -> None:
    manifest = _manifest(model_copy)
    manifest["file"] = "not-there.onnx"
    with pytest.raises(ModelError, match="missing"):
        load_manifest(_write(model_copy, "nofile.json", manifest))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda m: m["outputs"]["embedding"].update(name="features"), "no output 'features'"),
        (lambda m: m["outputs"]["embedding"].update(dim=512), "1280 values, manifest says 512"),
        (lambda m: m["outputs"]["logits"].update(name="scores"), "no output 'scores'"),
        (lambda m: m["input"].update(name="pixels"), "no input 'pixels'"),
        (lambda m: m["input"].update(size=256), "input shape"),
        (lambda m: m["input"].update(layout="NHWC"), "input shape"),
    ],
    ids=["embedding-name", "embedding-dim", "logits-name", "input-name", "input-size", "layout"],
)
def test_manifest_inconsistent_with_graph_is_refused_by_embedder(
    model_copy: Path, edit: Any, message: str
) -> None:
    """The file is intact but the manifest lies about the graph: Embedder refuses it."""
    manifest = _manifest(model_copy)
    edit(manifest)
    spec = load_manifest(_write(model_copy, "inconsistent.json", manifest))
    with pytest.raises(ModelError, match=message):
        Embedder(spec, threads=1).load()  # the session (and its check) comes on first use


@pytest.mark.parametrize(
    ("path", "key"),
    [((), "input"), ((), "sha256"), ((), "file"), (("outputs",), "embedding"),
     (("preprocess",), "mean"), (("input",), "size")],
)
def test_manifest_missing_key(model_copy: Path, path: tuple[str, ...], key: str) -> None:
    """A manifest missing a required key is refused, naming the key."""
    manifest = _manifest(model_copy)
    node = manifest
    for part in path:
        node = node[part]
    del node[key]
    with pytest.raises(ModelError, match=f"missing '{key}'"):
        load_manifest(_write(model_copy, "missing.json", manifest))


@pytest.mark.parametrize("fmt", [2, "1", None])
def test_manifest_wrong_format(model_copy: Path, fmt: object) -> None:
    """Only manifest format 1 is understood."""
    manifest = _manifest(model_copy)
    manifest["format"] = fmt
    with pytest.raises(ModelError, match="unsupported format"):
        load_manifest(_write(model_copy, "format.json", manifest))


def test_label_count_mismatch(model_copy: Path) -> None:
    """A labels file whose length disagrees with the logits is refused."""
    (model_copy / "short_labels.txt").write_text("cat\ndog\n", "utf-8")
    manifest = _manifest(model_copy)
    manifest["labels"] = "short_labels.txt"
    with pytest.raises(ModelError, match="2 labels for 1000 classes"):
        load_manifest(_write(model_copy, "labels.json", manifest))


def test_unreadable_manifest(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", "utf-8")
    with pytest.raises(ModelError, match="unreadable"):
        load_manifest(bad)


def test_unknown_model_name() -> None:
    with pytest.raises(ModelError, match="No model manifest"):
        load_model_spec("no-such-model")


# --------------------------------------------------------------------------- pluggability
def _mean_colour_model(path: Path) -> None:
    """A different ONNX image model: NHWC uint8-range pixels -> per-channel mean (3-d), no
    logits. Built with onnx's helper API, which is a test-only dependency."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("ReduceMean", ["pixels"], ["colour"], axes=[1, 2], keepdims=0)],
        "mean_colour",
        [helper.make_tensor_value_info("pixels", TensorProto.FLOAT, ["N", 64, 64, 3])],
        [helper.make_tensor_value_info("colour", TensorProto.FLOAT, ["N", 3])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="visrec-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def test_other_onnx_model_plugs_in_via_manifest(
    tmp_path: Path, photo_arrays: dict[str, np.ndarray]
) -> None:
    """A manifest for a different model (NHWC input 'pixels', 3-d output, no logits) works with
    load_manifest + Embedder unchanged: (N, 3) unit embeddings equal to each photo's normalised
    mean centre colour, and no class probabilities."""
    onnx_path = tmp_path / "mean_colour.onnx"
    _mean_colour_model(onnx_path)
    manifest = {
        "format": 1,
        "name": "mean-colour",
        "version": "0.1",
        "file": onnx_path.name,
        "sha256": file_sha256(onnx_path),
        "size_bytes": onnx_path.stat().st_size,
        "input": {"name": "pixels", "layout": "NHWC", "size": 64, "color": "RGB"},
        "preprocess": {"resize_shorter": 64, "crop": 64, "interpolation": "area",
                       "mean": [0, 0, 0], "std": [1, 1, 1]},
        "outputs": {"embedding": {"name": "colour", "dim": 3}},
    }
    spec = load_manifest(_write(tmp_path, "mean_colour.json", manifest))
    assert spec.logits_output is None and spec.labels == ()
    embedder = Embedder(spec, threads=1)
    names = ["chelsea", "coffee", "hubble_deep_field", "retina"]
    batch = np.stack([to_tensor(np.ascontiguousarray(photo_arrays[n][:, :, ::-1]),
                                spec.preprocess) for n in names])
    assert batch.shape == (4, 64, 64, 3)
    emb, probs = embedder.run(batch)
    assert probs is None
    assert emb.shape == (4, 3)
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-6)
    for row, name in zip(emb, names, strict=True):
        img = photo_arrays[name]
        h, w = img.shape[:2]
        side = min(h, w)
        y0, x0 = (h - side) // 2, (w - side) // 2
        mean_rgb = img[y0 : y0 + side, x0 : x0 + side].reshape(-1, 3).mean(axis=0)
        np.testing.assert_allclose(row, mean_rgb / np.linalg.norm(mean_rgb), atol=0.01)
    assert spec.model_id != load_model_spec().model_id


# --------------------------------------------------------------------------- providers
def test_choose_returns_available_in_preference_order_cpu_last() -> None:
    """On this machine: only providers that exist, CPU present and last, no remote provider."""
    chosen, notes = prov.choose()
    assert notes == []
    assert set(chosen) <= set(prov.ort.get_available_providers())
    assert chosen[-1] == prov.CPU
    assert "AzureExecutionProvider" not in chosen
    assert chosen == [p for p in prov.PREFERENCE if p in chosen]


def test_choose_orders_a_richer_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a (simulated) GPU build listing providers in any order, ours is imposed and the
    remote Azure provider is dropped."""
    monkeypatch.setattr(prov.ort, "get_available_providers", lambda: [
        "AzureExecutionProvider", "CPUExecutionProvider", "CoreMLExecutionProvider",
        "CUDAExecutionProvider",
    ])
    assert prov.choose() == (
        ["CUDAExecutionProvider", "CoreMLExecutionProvider", prov.CPU], [])
    assert prov.choose("coreml")[0] == [
        "CoreMLExecutionProvider", "CUDAExecutionProvider", prov.CPU]


def test_unavailable_provider_falls_back_to_cpu_with_note() -> None:
    """'cuda' on a CPU-only build: CPU, and a note saying why."""
    assert "CUDAExecutionProvider" not in prov.ort.get_available_providers()
    chosen, notes = prov.choose("cuda")
    assert chosen == [prov.CPU]
    assert len(notes) == 1 and "cuda" in notes[0] and "CPU" in notes[0]


def test_azure_is_never_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    """Even asked for by name, in the flag or the environment, the remote provider is refused."""
    assert prov.choose("AzureExecutionProvider")[0] == [prov.CPU]
    monkeypatch.setenv(prov.PROVIDER_ENV, "azure")
    assert prov.choose()[0] == [prov.CPU]


def test_env_is_honoured_and_flag_beats_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Precedence: flag > $VISREC_PROVIDER > setting > auto (simulated CUDA build)."""
    monkeypatch.setattr(prov.ort, "get_available_providers",
                        lambda: ["CUDAExecutionProvider", "CPUExecutionProvider"])
    assert prov.choose()[0][0] == "CUDAExecutionProvider"  # auto
    assert prov.choose(setting="cpu")[0][0] == prov.CPU
    monkeypatch.setenv(prov.PROVIDER_ENV, "cpu")
    assert prov.choose()[0][0] == prov.CPU
    assert prov.choose(setting="cuda")[0][0] == prov.CPU  # env beats setting
    assert prov.choose("cuda")[0][0] == "CUDAExecutionProvider"  # flag beats env
    monkeypatch.setenv(prov.PROVIDER_ENV, "cuda")
    assert prov.choose("cpu")[0][0] == prov.CPU


def test_env_request_on_cpu_only_build_notes_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(prov.PROVIDER_ENV, "cuda")
    chosen, notes = prov.choose()
    assert chosen == [prov.CPU] and notes


def test_embedder_runs_on_cpu(embedder: Embedder, spec: ModelSpec) -> None:
    """The session runs on CPU here, and an unavailable request is noted, not fatal."""
    assert embedder.provider == "CPUExecutionProvider"
    assert embedder.notes == []
    fallback = Embedder(spec, provider="cuda", threads=1)
    assert fallback.provider == "CPUExecutionProvider"
    assert any("cuda" in note for note in fallback.notes)
