"""`visrec --self-test`: a short pass/fail list by default, the JSON report with --json, and
Qt's messages kept out of stderr."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest

from visrec_desktop import i18n, selftest


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


def real_like_checks() -> list[tuple[str, Any]]:
    """Every check's name, each filling the report as the real one does on a CPU machine."""
    found = {"model": {"id": "efficientnet-lite0@1"},
             "inference": {"provider": "CPUExecutionProvider", "top1": "espresso",
                           "probability": 0.91, "embedding_dim": 1280},
             "formats": {"coffee.heic": "espresso", "coffee_orient6.dng": "espresso"},
             "store": {"encryption": "AES-256-GCM", "integrity": "ok"},
             "recommend": {"catalog": "demo", "items": 240, "interests": 5, "top1": "x"},
             "window": {"platform": "offscreen", "title": "visrec", "qt_messages": []},
             "providers": {"available": ["CPUExecutionProvider"], "preference": []}}

    def check(name: str) -> Any:
        return lambda report: report.__setitem__(name, found[name])

    return [(name, check(name)) for name, _ in selftest.CHECKS]


# what stays as it is in every language: the product, ids of the model and providers, the
# ImageNet label, file names, the cipher, Qt's platform name, the command and its options
TECHNICAL = re.compile(r"visrec|self-test|json|efficientnet-lite0@1|CPUExecutionProvider|"
                       r"espresso|coffee\.heic|coffee_orient6\.dng|AES-256-GCM|offscreen|"
                       r"top-1|RuntimeError|the disk is full")


@pytest.mark.parametrize("fail", [False, True])
def test_self_test_speaks_chinese(monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str], fail: bool) -> None:
    """`visrec --self-test --lang zh_CN` had printed "ok" and "All 7 checks passed."."""
    checks = real_like_checks()
    if fail:
        def broken(report: dict[str, Any]) -> None:
            raise RuntimeError("the disk is full")
        checks[3] = ("store", broken)
    monkeypatch.setattr(selftest, "CHECKS", checks)
    i18n.set_language("zh_CN")
    assert selftest.run() == (1 if fail else 0)
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == len(checks) + 2
    english = re.findall(r"[A-Za-z]{2,}", TECHNICAL.sub(" ", out))
    assert english == [], out
    assert lines[-1] == ("7 项检查中有 1 项失败：存储（visrec --self-test --json 给出详情）。"
                         if fail else "全部 7 项检查通过。")
    assert "CPUExecutionProvider" in lines[2] and "efficientnet-lite0@1" in lines[1]
