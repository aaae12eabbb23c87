"""Cleanup: a killed import leaves no staging folder past the next start (while a running one
in another process is left alone), and `visrec erase` removes every file the app wrote."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers_catalog import build, default_items, drop_embeddings
from helpers_cli import run

from visrec_desktop.core.catalog import install as catalog_store

HERE = Path(__file__).resolve().parent
IMPORT = r'''
import sys
from pathlib import Path
from visrec_desktop.core.catalog.install import import_catalog
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.inference.manifest import load_model_spec
import_catalog(Path(sys.argv[1]), Path(sys.argv[2]), Embedder(load_model_spec(), threads=1))
'''


def _staging(root: Path) -> list[Path]:
    return sorted(root.glob(".staging-*"))


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_killed_import_is_cleaned_at_the_next_start_a_live_one_is_not(tmp_path: Path) -> None:
    bundle = tmp_path / "shop"
    build(tmp_path / "src", default_items(40), bundle)
    drop_embeddings(bundle)  # so the import embeds every image: slow enough to catch
    data = tmp_path / "data"
    child = subprocess.Popen([sys.executable, "-c", IMPORT, str(data), str(bundle)],
                             cwd=HERE.parent, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    root = data / catalog_store.CATALOGS
    deadline = time.monotonic() + 120
    while not any((p / "index").exists() for p in _staging(root)):
        assert child.poll() is None, child.stderr.read() if child.stderr else ""
        assert time.monotonic() < deadline, "the import never started staging"
        time.sleep(0.05)
    catalog_store.installed(data)  # another process starts while the import runs
    assert len(_staging(root)) == 1, "the staging folder of a running import was removed"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(30)
    assert len(_staging(root)) == 1  # what a kill -9 leaves behind
    assert catalog_store.installed(data) == []  # the next start...
    assert _staging(root) == []  # ...removes it at once, not a day later


def test_erase_removes_every_file_the_app_wrote(tmp_path: Path, photo_folder: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    data = Path(os.environ["VISREC_DATA_DIR"])
    bundle = tmp_path / "shop.zip"
    build(tmp_path / "src", default_items(6), bundle)
    for args in (["index", str(photo_folder), "-q"], ["catalog", "import", str(bundle)],
                 ["feedback", "acme/item-01", "like"], ["privacy", "budget", "2"],
                 ["recommend", "--top", "3"]):
        code, _, err = run(capsys, *args)
        assert code == 0, (args, err)
    (data / catalog_store.CATALOGS / ".staging-0123456789ab").mkdir()  # a killed import
    (data / "damaged").mkdir()
    (data / "damaged" / "index-1.db").write_bytes(b"set aside by a repair")
    written = sorted(p.relative_to(data).as_posix() for p in data.rglob("*"))
    assert {"keys.json", "index.db", "catalogs"} <= set(written)
    code, _, err = run(capsys, "erase", "--yes")
    assert code == 0, err
    assert not data.exists(), sorted(p.relative_to(data).as_posix() for p in data.rglob("*"))
