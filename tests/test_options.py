"""Saved exclude patterns and the optional clean-up steps, through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import rgb
from helpers_store import data_dir, open_test_store

from visrec_desktop.cli import main
from visrec_desktop.core.inference.manifest import PreprocessSpec
from visrec_desktop.core.ingest.preprocess import Enhancements, to_tensor


def _index(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    capsys.readouterr()
    assert main(["index", *args, "--json", "-q"]) == 0
    return dict(json.loads(capsys.readouterr().out))


def test_exclude_patterns_are_saved_sealed_and_resettable(
    capsys: pytest.CaptureFixture[str], photo_folder: Path
) -> None:
    """--exclude applies now and on later rescans, is stored only encrypted, and can be reset."""
    pattern = "album_a_zebra_marker*"
    (photo_folder / "album_a").rename(photo_folder / "album_a_zebra_marker")
    first = _index(capsys, str(photo_folder), "--exclude", pattern)
    assert first["scanned"] == 3  # album_b only

    again = _index(capsys)  # no arguments: every known folder, saved patterns
    assert again["scanned"] == 3 and again["embedded"] == 0

    assert main(["status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["exclude"] == [pattern]
    for f in data_dir().iterdir():
        assert b"zebra_marker" not in f.read_bytes(), f"exclude pattern in plaintext in {f.name}"

    reset = _index(capsys, "--reset-excludes")
    assert reset["scanned"] == 6 and reset["embedded"] == 3


def test_clahe_changes_the_tensor_and_triggers_reembedding(
    capsys: pytest.CaptureFixture[str], photo_folder: Path
) -> None:
    """Turning on an enhancement step is a different embedding space: every photo is re-embedded
    and stored under a model id that names the step; turning it off again re-embeds too."""
    spec = PreprocessSpec(256, 224, "area", (127.0,) * 3, (128.0,) * 3)
    bgr = np.ascontiguousarray(rgb("coffee")[:, :, ::-1])
    plain = to_tensor(bgr, spec)
    clahe = to_tensor(bgr, spec, Enhancements(enhance="clahe"))
    denoised = to_tensor(bgr, spec, Enhancements(denoise="median"))
    assert np.abs(plain - clahe).mean() > 0.01 and np.abs(plain - denoised).mean() > 0.001

    assert _index(capsys, str(photo_folder))["embedded"] == 6
    assert _index(capsys, "--enhance", "clahe")["embedded"] == 6
    store = open_test_store(data_dir())
    try:
        models = {m for (m,) in store.db.execute("SELECT DISTINCT model FROM photos")}
    finally:
        store.close()
    assert len(models) == 1 and next(iter(models)).endswith("+enhance=clahe")
    assert _index(capsys)["embedded"] == 6
