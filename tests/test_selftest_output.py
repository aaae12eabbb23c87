"""`visrec --self-test`: a short pass/fail list by default, the JSON report with --json, and
Qt's messages kept out of stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from visrec_desktop import selftest


def fake_checks(fail: bool) -> list[tuple[str, Any]]:
    def model(report: dict[str, Any]) -> None:
        report["model"] = {"id": "m@1"}

    def store(report: dict[str, Any]) -> None:
        if fail:
            raise RuntimeError("the disk is full")
        report["store"] = {"encryption": "AES-256-GCM", "integrity": "ok"}

    return [("model", model), ("store", store)]


def test_default_output_is_a_short_list(monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(selftest, "CHECKS", fake_checks(fail=False))
    assert selftest.run() == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("visrec ") and lines[0].endswith("self-test")
    assert lines[1].split()[:2] == ["ok", "model"] and lines[1].endswith("m@1")
    assert lines[2].split()[:2] == ["ok", "store"] and "integrity ok" in lines[2]
    assert lines[3] == "All 2 checks passed." and len(lines) == 4


def test_a_failure_is_named_and_json_has_the_details(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(selftest, "CHECKS", fake_checks(fail=True))
    assert selftest.run() == 1
    out = capsys.readouterr().out
    assert "FAILED store" in " ".join(out.split()) and "RuntimeError: the disk is full" in out
    assert "1 of 2 checks failed: store (visrec --self-test --json gives the details)." in out
    assert selftest.run(as_json=True) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["passed"] is False and "trace" in report["checks"]["store"]


def test_window_check_keeps_qt_messages_off_stderr() -> None:
    code = ("import json; from visrec_desktop import selftest; r = {}; "
            "selftest._check_window(r); print(json.dumps(r['window']))")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=120, check=True)
    window = json.loads(proc.stdout)
    assert window["platform"] == "offscreen" and window["title"] == "visrec"
    assert proc.stderr == ""
    assert all(isinstance(m, str) for m in window["qt_messages"])
