"""`visrec --self-test`: prove that this installation (source or frozen) works, offline.

Checks the model's checksum, classifies a bundled real photo (also as HEIC and as camera RAW,
so the libheif and LibRaw decoders are proven present), round-trips a temporary encrypted
store (and refuses a wrong passphrase), installs the demo catalog and ranks it for a taste
profile clustered from its own item embeddings (scikit-learn's KMeans and silhouette, SciPy
underneath: the parts of a packaged app most likely to lose a file to pruning), opens the main
window offscreen, lists the execution providers, prints a pass/fail line per check (the full
report as JSON with --json) and exits 0 only if everything passed. Qt's own messages go into the
report, not onto stderr.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
import traceback
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from visrec_desktop.i18n import gettext, ngettext, pgettext

EXPECTED_TOP1 = "espresso"
PASSPHRASE = "self-test passphrase, not a secret"


def _check_model(report: dict[str, Any]) -> None:
    from visrec_desktop.core.inference.manifest import load_model_spec

    spec = load_model_spec()  # verifies size and sha256
    report["model"] = {"id": spec.model_id, "sha256": spec.sha256, "licence": spec.licence}


def _check_inference(report: dict[str, Any]) -> None:
    from visrec_desktop.core.config import resource_path
    from visrec_desktop.core.inference.embedder import Embedder
    from visrec_desktop.core.inference.manifest import load_model_spec
    from visrec_desktop.core.ingest.decode import decode, read_bytes
    from visrec_desktop.core.ingest.preprocess import to_tensor

    embedder = Embedder(load_model_spec())
    photo = resource_path("resources") / "selftest" / "coffee.jpg"
    image = decode(read_bytes(photo, 1 << 24), ".jpg", embedder.spec.preprocess.resize_shorter)
    emb, probs = embedder.run(to_tensor(image.pixels, embedder.spec.preprocess)[None])
    assert probs is not None
    top = embedder.top_tags(probs, 1)[0][0]
    report["inference"] = {"provider": embedder.provider, "top1": top.label,
                           "probability": round(top.probability, 4),
                           "embedding_dim": int(emb.shape[1])}
    if top.label != EXPECTED_TOP1:
        raise AssertionError(gettext("expected top-1 '{expected}', got '{got}'").format(
            expected=EXPECTED_TOP1, got=top.label))


def _check_formats(report: dict[str, Any]) -> None:
    from visrec_desktop.core.config import resource_path
    from visrec_desktop.core.inference.embedder import Embedder
    from visrec_desktop.core.inference.manifest import load_model_spec
    from visrec_desktop.core.ingest.decode import decode, read_bytes
    from visrec_desktop.core.ingest.preprocess import to_tensor

    embedder = Embedder(load_model_spec())
    found = {}
    for name in ("coffee.heic", "coffee_orient6.dng"):
        photo = resource_path("resources") / "selftest" / name
        image = decode(read_bytes(photo, 1 << 24), photo.suffix,
                       embedder.spec.preprocess.resize_shorter)
        _, probs = embedder.run(to_tensor(image.pixels, embedder.spec.preprocess)[None])
        assert probs is not None
        found[name] = embedder.top_tags(probs, 1)[0][0].label
    report["formats"] = found
    wrong = {name: label for name, label in found.items() if label != EXPECTED_TOP1}
    if wrong:
        raise AssertionError(gettext("expected top-1 '{expected}', got {got}").format(
            expected=EXPECTED_TOP1, got=wrong))


def _check_store(report: dict[str, Any]) -> None:
    from visrec_desktop.core.errors import WrongPassphraseError
    from visrec_desktop.core.store.prefs import Pref, Prefs
    from visrec_desktop.core.store.unlock import open_store

    key: Pref[dict[str, bool]] = Pref("self-test", {})

    with tempfile.TemporaryDirectory(prefix="visrec-selftest-") as tmp:
        folder = Path(tmp) / "data"
        store = open_store(folder, lambda creating: PASSPHRASE, use_device=False)
        Prefs(store).set(key, {"ok": True})
        store.close()
        try:
            open_store(folder, lambda creating: "wrong " + PASSPHRASE, use_device=False)
        except WrongPassphraseError:
            pass
        else:
            raise AssertionError(gettext("a wrong passphrase was accepted"))
        store = open_store(folder, lambda creating: PASSPHRASE, use_device=False)
        value = Prefs(store).get(key)
        integrity = store.integrity_check()
        store.close()
        if value != {"ok": True} or integrity != "ok":
            raise AssertionError(gettext("store round trip failed: {value}, {integrity}").format(
                value=repr(value), integrity=integrity))
    report["store"] = {"encryption": "AES-256-GCM", "integrity": integrity}


def _check_recommend(report: dict[str, Any]) -> None:
    from visrec_desktop.core.catalog.install import ensure_demo, installed, load_index
    from visrec_desktop.core.inference.embedder import Embedder
    from visrec_desktop.core.inference.manifest import load_model_spec
    from visrec_desktop.core.recommend.rank import Ranker, RankRequest
    from visrec_desktop.core.recommend.taste import PhotoRecord, build_profile

    spec = load_model_spec()
    with tempfile.TemporaryDirectory(prefix="visrec-selftest-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        if not ensure_demo(data, Embedder(spec)):
            raise AssertionError(gettext("the demo catalog is missing from this installation"))
        catalog = load_index(data, installed(data)[0].id)
        rows = np.flatnonzero(catalog.usable)
        records = [PhotoRecord(int(r), (), None) for r in rows]
        profile = build_profile(spec.model_id, rows.astype(np.int64), catalog.vectors[rows],
                                records)
        # A like and a dislike: the feedback path (and the dislike model's scikit-learn
        # solver, which a frozen build must carry) runs as it does in the app.
        feedback = {(catalog.catalog_id, catalog.item_ids[int(rows[0])]): "like",
                    (catalog.catalog_id, catalog.item_ids[int(rows[-1])]): "dislike"}
        recs = Ranker(profile, feedback, [catalog], catalog.vectors[rows],
                      photo_ids=rows.astype(np.int64)).rank(RankRequest(top=10))
    if len(profile.interests) < 2 or len(recs) != 10:
        raise AssertionError(gettext("{interests} interests, {items} items ranked").format(
            interests=len(profile.interests), items=len(recs)))
    report["recommend"] = {"catalog": catalog.catalog_id, "items": len(catalog),
                           "interests": len(profile.interests), "top1": recs[0].title}


def _check_window(report: dict[str, Any]) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, QtMsgType, qInstallMessageHandler

    messages: list[str] = []

    def keep(kind: QtMsgType, _context: object, text: str) -> None:
        # e.g. the offscreen platform's "does not support propagateSizeHints()": reported in
        # the JSON, not printed between the lines of the pass/fail list
        if kind != QtMsgType.QtDebugMsg:
            messages.append(text)

    qInstallMessageHandler(keep)
    from visrec_desktop.gui.app import make_app

    app = make_app([sys.argv[0]])

    from visrec_desktop.gui.main_window import MainWindow

    with tempfile.TemporaryDirectory(prefix="visrec-selftest-") as tmp:
        # the window restores and saves its geometry: keep that out of the user's settings
        for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
            QSettings.setPath(fmt, QSettings.Scope.UserScope, tmp)
        window = MainWindow(Path(tmp) / "data")
        window.show()
        app.processEvents()
        title = window.windowTitle()
        window.close()
        app.processEvents()
    report["window"] = {"platform": app.platformName(), "title": title,
                        "qt_messages": messages}


def _check_providers(report: dict[str, Any]) -> None:
    from visrec_desktop.core.inference import providers

    report["providers"] = {"available": providers.available(), "preference":
                           list(providers.PREFERENCE)}


CHECKS: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
    ("model", _check_model),
    ("inference", _check_inference),
    ("formats", _check_formats),
    ("store", _check_store),
    ("recommend", _check_recommend),
    ("window", _check_window),
    ("providers", _check_providers),
]


def _names() -> dict[str, str]:
    """What each check is called on screen (the JSON report keeps the keys)."""
    return {"model": pgettext("self-test check", "model"),
            "inference": pgettext("self-test check", "inference"),
            "formats": pgettext("self-test check", "formats"),
            "store": pgettext("self-test check", "store"),
            "recommend": pgettext("self-test check", "recommend"),
            "window": pgettext("self-test check", "window"),
            "providers": pgettext("self-test check", "providers")}


def _width(text: str) -> int:
    """Columns `text` takes on a terminal: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, columns: int) -> str:
    return text + " " * max(columns - _width(text), 0)


def _line(name: str, result: dict[str, Any], report: dict[str, Any]) -> str:
    """One check as a line: status, name, seconds, and what it found or why it failed.
    Technical names (model id, provider ids, ImageNet labels, the cipher) stay as they are."""
    ok = pgettext("self-test", "ok")
    found = {
        "model": lambda r: r["model"]["id"],
        "inference": lambda r: gettext("{label} ({probability}) on {provider}").format(
            label=r["inference"]["top1"], probability=f"{r['inference']['probability']:.2f}",
            provider=r["inference"]["provider"]),
        "formats": lambda r: ", ".join(f"{k}: {v}" for k, v in r["formats"].items()),
        "store": lambda r: gettext("{encryption}, integrity {integrity}").format(
            encryption=r["store"]["encryption"],
            # "ok" is SQLite's own word for a sound file; anything else is its report
            integrity=pgettext("integrity check", "ok") if r["store"]["integrity"] == "ok"
            else r["store"]["integrity"]),
        "recommend": lambda r: ngettext("{n} item ranked", "{n} items ranked",
                                        r["recommend"]["items"]).format(
                                            n=r["recommend"]["items"]),
        "window": lambda r: gettext("opened on {platform}").format(
            platform=r["window"]["platform"]),
        "providers": lambda r: ", ".join(r["providers"]["available"]),
    }
    if result["passed"]:
        try:
            note = found[name](report) if name in found else ""
        except (KeyError, TypeError, ValueError):
            note = ""
        status = ok
    else:
        note, status = result["error"], pgettext("self-test", "FAILED")
    shown = _names().get(name, name)
    seconds = gettext("{seconds} s").format(seconds=f"{result['seconds']:6.1f}")
    return f"  {_pad(status, 6)} {_pad(shown, 10)} {seconds}  {note}".rstrip()


def run(as_json: bool = False) -> int:
    """Run every check, print a pass/fail list (or, `as_json`, the JSON report), return the
    exit code."""
    from visrec_desktop import __version__

    report: dict[str, Any] = {"version": __version__, "python": platform.python_version(),
                              "platform": platform.platform(),
                              "frozen": bool(getattr(sys, "frozen", False)), "checks": {}}
    ok = True
    if not as_json:
        print(gettext("visrec {version} self-test").format(version=__version__), flush=True)
    for name, check in CHECKS:
        started = time.monotonic()
        try:
            check(report)
            report["checks"][name] = {"passed": True}
        except Exception as exc:
            ok = False
            report["checks"][name] = {"passed": False, "error": f"{type(exc).__name__}: {exc}",
                                      "trace": traceback.format_exc(limit=3)}
        report["checks"][name]["seconds"] = round(time.monotonic() - started, 3)
        if not as_json:
            print(_line(name, report["checks"][name], report), flush=True)
    report["passed"] = ok
    if as_json:
        print(json.dumps(report, indent=2))
    else:
        failed = [n for n, c in report["checks"].items() if not c["passed"]]
        names = gettext(", ").join(_names().get(n, n) for n in failed)
        print(ngettext("The {n} check passed.", "All {n} checks passed.", len(CHECKS)).format(
            n=len(CHECKS)) if ok else
              ngettext("{failed} of {n} check failed: {names} (visrec --self-test --json gives "
                       "the details).",
                       "{failed} of {n} checks failed: {names} (visrec --self-test --json "
                       "gives the details).", len(CHECKS)).format(
                           failed=len(failed), n=len(CHECKS), names=names))
    return 0 if ok else 1
