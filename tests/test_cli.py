"""The `visrec` command line, in-process through `cli.main` (capsys) and as a real subprocess
where the exact stderr and exit code of a fresh interpreter matter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import write_jpeg
from helpers_cli import run
from helpers_store import CAT_LABELS, data_dir, open_test_store

from visrec_desktop.cli import main
from visrec_desktop.core.inference.manifest import load_model_spec

REPORT_FIELDS = {"scanned", "unchanged", "indexed", "embedded", "linked", "hashed", "removed",
                 "skipped", "videos", "missing_folders", "cancelled", "seconds", "provider",
                 "photos_per_second", "not_seen"}



def run_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m visrec_desktop ARGS` in a fresh interpreter, with this test's environment."""
    return subprocess.run([sys.executable, "-m", "visrec_desktop", *args], env=dict(os.environ),
                          capture_output=True, text=True, timeout=120, cwd=cwd)


def index_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    code, out, err = run(capsys, "index", *args, "--json")
    assert code == 0, err
    return json.loads(out)


def assert_clean_failure(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert stderr.strip(), "a failure must say why"


# -- index -----------------------------------------------------------------------------------

def test_index_json_report(capsys: pytest.CaptureFixture[str], photo_folder: Path) -> None:
    """`index --json` prints only a JSON object with every report field, counting correctly,
    even with the progress bar on (it goes to stderr); a rerun reports everything unchanged."""
    report = index_json(capsys, str(photo_folder))
    assert set(report) == REPORT_FIELDS
    assert (report["scanned"], report["indexed"], report["embedded"]) == (6, 6, 6)
    assert (report["unchanged"], report["linked"], report["removed"], report["skipped"]) == (
        0, 0, 0, 0)
    assert report["missing_folders"] == [] and report["cancelled"] is False
    assert isinstance(report["seconds"], float) and report["seconds"] > 0
    assert isinstance(report["provider"], str) and report["provider"].endswith("ExecutionProvider")
    again = index_json(capsys, str(photo_folder), "-q")
    assert (again["unchanged"], again["embedded"], again["hashed"]) == (6, 0, 0)


def test_index_reports_missing_folder(capsys: pytest.CaptureFixture[str],
                                      photo_folder: Path) -> None:
    """`index` with no path rescans known folders and lists a vanished one, keeping its photos."""
    index_json(capsys, str(photo_folder), "-q")
    photo_folder.rename(photo_folder.with_name("elsewhere"))
    report = index_json(capsys, "-q")
    assert report["missing_folders"] == [str(photo_folder)]
    assert report["removed"] == 0


# -- status ----------------------------------------------------------------------------------

def test_status_json_is_a_stable_object(capsys: pytest.CaptureFixture[str], photo_folder: Path,
                                        photo_arrays: dict[str, np.ndarray]) -> None:
    """`status --json` has indexed, skipped [{path, reason}], model and provider, with values
    that match the index."""
    broken = photo_folder / "album_a" / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 this is not the rest of a JPEG")
    index_json(capsys, str(photo_folder), "-q")
    code, out, err = run(capsys, "status", "--json")
    assert code == 0, err
    status = json.loads(out)
    assert {"indexed", "skipped", "model", "provider"} <= set(status)
    assert status["indexed"] == 6
    assert status["skipped"] == [
        {"path": str(broken), "reason": "corrupt", "detail": status["skipped"][0]["detail"]}]
    assert status["skipped"][0]["detail"]
    assert status["model"] == load_model_spec().model_id
    assert isinstance(status["provider"], str) and status["provider"]
    assert status["folders"] == [str(photo_folder)]
    # Stable: the same index gives the same object (but for nothing).
    code, out2, _ = run(capsys, "status", "--json")
    assert code == 0 and json.loads(out2) == status


def test_status_on_empty_profile(capsys: pytest.CaptureFixture[str]) -> None:
    """`status --json` before anything was indexed: zero counts, empty lists, exit 0. (`status`
    only reads, so the profile is created first by `index` with no folder.)"""
    assert run(capsys, "index", "-q")[0] == 0
    code, out, err = run(capsys, "status", "--json")
    assert code == 0, err
    status = json.loads(out)
    assert (status["indexed"], status["skipped"]) == (0, [])


def test_data_dir_flag_overrides_environment(capsys: pytest.CaptureFixture[str],
                                             photo_folder: Path, tmp_path: Path) -> None:
    """--data-dir puts the index where it says, not in $VISREC_DATA_DIR."""
    other = tmp_path / "elsewhere"
    index_json(capsys, str(photo_folder), "-q", "--data-dir", str(other))
    assert (other / "index.db").is_file()
    assert not (data_dir() / "index.db").exists()
    code, out, _ = run(capsys, "status", "--json", "--data-dir", str(other))
    assert code == 0 and json.loads(out)["indexed"] == 6
    assert json.loads(out)["data_dir"] == str(other)
    store = open_test_store(other)
    try:
        assert store.summary().photos == 6
    finally:
        store.close()


# -- tags ------------------------------------------------------------------------------------

def test_tags_names_the_cat(capsys: pytest.CaptureFixture[str], photo_folder: Path) -> None:
    """`tags chelsea.jpg` prints a cat label, first, with a percentage."""
    chelsea = next(photo_folder.rglob("chelsea.jpg"))
    code, out, err = run(capsys, "tags", str(chelsea))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == str(chelsea)
    assert len(lines) == 6
    assert any(label in lines[1] for label in CAT_LABELS), out
    assert "%" in lines[1]
    code, out, _ = run(capsys, "tags", str(chelsea), "--json", "-k", "3")
    (item,) = json.loads(out)
    assert len(item["tags"]) == 3 and item["tags"][0]["label"] in CAT_LABELS


def test_tags_on_corrupt_file_fails_cleanly(photo_folder: Path, tmp_path: Path) -> None:
    """`tags` on a truncated photo (next to a good one) exits non-zero, names the file and the
    reason, prints no traceback, and still tags the good photo."""
    chelsea = next(photo_folder.rglob("chelsea.jpg"))
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(chelsea.read_bytes()[:2000])
    proc = run_process("tags", str(broken), str(chelsea))
    assert proc.returncode == 1
    assert_clean_failure(proc.stderr)
    assert str(broken) in proc.stderr and "corrupt" in proc.stderr.lower()
    assert str(chelsea) in proc.stdout


def test_tags_on_missing_file_fails_cleanly(tmp_path: Path) -> None:
    """`tags` on a path that does not exist exits 1 with the OS reason, no traceback."""
    proc = run_process("tags", str(tmp_path / "nope.jpg"))
    assert proc.returncode == 1
    assert_clean_failure(proc.stderr)
    assert "No such file" in proc.stderr


# -- similar ---------------------------------------------------------------------------------

def _similar(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    code, out, err = run(capsys, "similar", *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_similar_ranks_the_original_of_a_crop_first(capsys: pytest.CaptureFixture[str],
                                                    photo_folder: Path, tmp_path: Path,
                                                    photo_arrays: dict[str, np.ndarray]
                                                    ) -> None:
    """A crop of an indexed photo (not itself indexed) finds that photo first, scores sorted."""
    index_json(capsys, str(photo_folder), "-q")
    for name, crop in (("chelsea", photo_arrays["chelsea"][30:280, 60:400]),
                       ("rocket", photo_arrays["rocket"][20:400, 100:520])):
        query = write_jpeg(tmp_path / "queries" / f"{name}_crop.jpg", crop)
        rows = _similar(capsys, str(query))
        assert len(rows) == 6  # nothing is excluded: the crop is not in the index
        assert Path(str(rows[0]["path"])).name == f"{name}.jpg", rows
        scores = [float(r["score"]) for r in rows]  # type: ignore[arg-type]
        assert scores == sorted(scores, reverse=True)
        assert scores[0] > scores[1]


def test_similar_excludes_the_indexed_query_itself(capsys: pytest.CaptureFixture[str],
                                                   photo_folder: Path) -> None:
    """Querying with an indexed photo never returns that photo; -k limits the rows."""
    index_json(capsys, str(photo_folder), "-q")
    chelsea = next(photo_folder.rglob("chelsea.jpg"))
    rows = _similar(capsys, str(chelsea))
    assert len(rows) == 5
    assert str(chelsea) not in [r["path"] for r in rows]
    assert len(_similar(capsys, str(chelsea), "-k", "2")) == 2


@pytest.mark.parametrize("dotdot", [False, True], ids=["relative", "relative-with-dotdot"])
def test_similar_excludes_the_query_given_by_a_relative_path(
        capsys: pytest.CaptureFixture[str], photo_folder: Path,
        monkeypatch: pytest.MonkeyPatch, dotdot: bool) -> None:
    """The indexed query photo is recognised however its path is spelt: relative to the working
    folder, or through '..' (as `visrec similar ../album_b/chelsea.jpg` from a sibling folder)."""
    index_json(capsys, str(photo_folder), "-q")
    chelsea = next(photo_folder.rglob("chelsea.jpg"))
    monkeypatch.chdir(photo_folder)
    album = chelsea.parent.name
    spelling = f"album_a/../{album}/chelsea.jpg" if dotdot else f"{album}/chelsea.jpg"
    rows = _similar(capsys, spelling)
    assert str(chelsea) not in [r["path"] for r in rows], f"{spelling} returned itself"
    assert len(rows) == 5


def test_similar_on_missing_file_fails_cleanly(capsys: pytest.CaptureFixture[str],
                                               photo_folder: Path, tmp_path: Path) -> None:
    """`similar` on a query that does not exist exits non-zero without a traceback."""
    index_json(capsys, str(photo_folder), "-q")
    proc = run_process("similar", str(tmp_path / "nope.jpg"))
    assert proc.returncode == 1
    assert_clean_failure(proc.stderr)


def test_similar_on_empty_index_says_so(capsys: pytest.CaptureFixture[str],
                                        photo_folder: Path) -> None:
    """`similar` before any indexing exits 1 with a hint to run `visrec index`. (The profile
    is created first by `index` with no folder: `similar` only reads.)"""
    assert run(capsys, "index", "-q")[0] == 0
    code, _out, err = run(capsys, "similar", str(next(photo_folder.rglob("chelsea.jpg"))))
    assert code == 1
    assert "visrec index" in err


# -- usage and exit codes ----------------------------------------------------------------------

def test_missing_model_manifest_exits_3_with_one_line(photo_folder: Path) -> None:
    """A model manifest that does not exist: exit 3, one line on stderr, no traceback."""
    proc = run_process("status", "--model", "/nonexistent.json")
    assert proc.returncode == 3
    assert_clean_failure(proc.stderr)
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "nonexistent" in proc.stderr
    proc = run_process("index", str(photo_folder), "--model", "/nonexistent.json")
    assert proc.returncode == 3
    assert_clean_failure(proc.stderr)


def test_no_arguments_opens_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """`visrec` alone opens the desktop app (here a stand-in records the call), passing the
    --data-dir given; `visrec --help` still lists every subcommand. The `visrec` program
    (launcher.run) asks the app to end the process when its window closes."""
    import visrec_desktop.gui.app as gui_app
    from visrec_desktop.launcher import main as launch
    from visrec_desktop.launcher import run

    calls: list[tuple[str | None, str | None, bool]] = []
    monkeypatch.setattr(gui_app, "main", lambda data_dir=None, lang=None, end_process=False:
                        calls.append((data_dir, lang, end_process)) or 0)
    assert launch([]) == 0
    assert launch(["--data-dir", "/tmp/somewhere"]) == 0
    assert launch(["--lang", "zh_CN"]) == 0  # the app's language too (docs/i18n.md)
    monkeypatch.setattr(sys, "argv", ["visrec"])
    with pytest.raises(SystemExit) as exited:
        run()
    assert exited.value.code == 0
    assert calls == [(None, None, False), ("/tmp/somewhere", None, False),
                     (None, "zh_CN", False), (None, None, True)]


def test_help_lists_the_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: visrec")
    for command in ("index", "status", "tags", "similar", "recommend", "catalog", "profile"):
        assert command in out


def test_unknown_subcommand_exits_2() -> None:
    """An unknown subcommand is a usage error: exit 2, usage on stderr, no traceback."""
    proc = run_process("frobnicate")
    assert proc.returncode == 2
    assert_clean_failure(proc.stderr)
    assert "usage:" in proc.stderr and "frobnicate" in proc.stderr


def test_mistyped_command_or_action_suggests_the_closest(
        capsys: pytest.CaptureFixture[str]) -> None:
    for argv, wanted in ((["recomend"], "did you mean 'recommend'?"),
                         (["profile", "shw"], "did you mean 'show'?"),
                         (["privacy", "statsu"], "did you mean 'status'?")):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
        assert wanted in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["zzzzzz"])
    assert "did you mean" not in capsys.readouterr().err  # nothing close: no guess


def test_help_says_what_visrec_does_in_plain_words(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "your own photos" in out and "front end" not in out


def test_profile_and_privacy_alone_show_their_status() -> None:
    from visrec_desktop.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["profile"]).action == "show"
    assert parser.parse_args(["privacy"]).action == "status"
