"""Signatures over an unambiguous manifest (scheme 2), scheme-1 bundles still verified, and no
rollback of a signed catalog to an older signed version without an explicit yes."""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers_catalog import build, default_items, new_key
from helpers_cli import run
from helpers_store import shared_embedder
from pytestqt.qtbot import QtBot

from visrec_desktop.core.catalog import install as catalog_store
from visrec_desktop.core.catalog.bundle import SIGNATURE_FILE, Bundle
from visrec_desktop.core.catalog.signing import (
    fingerprint,
    manifest,
    manifest_v1,
    public_raw,
    signature_json,
    verify,
)
from visrec_desktop.core.errors import CatalogDowngradeError, CatalogFormatError, SignatureError

OLD, NEW = "2026-11-01T12:00:00Z", "2026-11-02T09:30:00+01:00"


def zip_of(path: Path, entries: list[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries:
            info = zipfile.ZipInfo("x")
            info.filename = name  # verbatim: the names are meant to be hostile
            info.external_attr = 0o100644 << 16
            zf.writestr(info, data)
    return path


def catalog(image: str) -> bytes:
    return json.dumps({"format": 1, "id": "shop", "name": "Shop", "publisher": "P",
                       "created_at": OLD, "items": [
                           {"id": "a", "title": "A", "category": "c", "price": 1,
                            "currency": "EUR", "image": image}]}).encode()


def test_the_scheme_2_manifest_is_canonical_json(tmp_path: Path) -> None:
    entries = [("catalog.json", catalog("images/a b.jpg")), ("images/a b.jpg", b"one"),
               ("images/ü.jpg", b"two"), ("images/signature.json", b"kept")]
    with Bundle.open(zip_of(tmp_path / "b.zip", entries)) as bundle:
        got = manifest(bundle)
    expected = {"manifest": "visrec-catalog-manifest/2",
                "files": [[n, len(d), hashlib.sha256(d).hexdigest()] for n, d in sorted(entries)]}
    assert json.loads(got) == expected
    assert got == json.dumps(expected, sort_keys=True, separators=(",", ":")).encode()
    assert got.isascii()


def test_a_file_name_cannot_forge_two_manifest_entries(tmp_path: Path) -> None:
    """Scheme 1 wrote '<sha256>  <name>' lines: a name holding a newline and a second line made
    one file read as two, so the signature of one bundle fitted another. Such names are now
    refused, and scheme 2 escapes every name."""
    key = Ed25519PrivateKey.generate()
    honest = [("catalog.json", catalog("p")), ("p", b"first"), ("q", b"second")]
    signed = zip_of(tmp_path / "honest.zip", honest)
    with Bundle.open(signed) as bundle:
        old_style = {"algorithm": "ed25519",
                     "public_key": base64.b64encode(public_raw(key)).decode(),
                     "signature": base64.b64encode(key.sign(manifest_v1(bundle))).decode()}
    forged_name = f"p\n{hashlib.sha256(b'second').hexdigest()}  q"
    forged = [("catalog.json", catalog("p")), (forged_name, b"first"),
              (SIGNATURE_FILE, json.dumps(old_style).encode())]
    with pytest.raises(CatalogFormatError, match=r"control character \(U\+000A\)"):
        Bundle.open(zip_of(tmp_path / "forged.zip", forged))
    for bad in ("a\rb.jpg", "a\x1b[2Jb.jpg", "a\x85b.jpg", "a\tb.jpg"):
        with pytest.raises(CatalogFormatError, match="control character"):
            Bundle.open(zip_of(tmp_path / "bad.zip", [("catalog.json", catalog("x")),
                                                      (bad, b"x")]))


def test_scheme_1_bundles_still_verify_and_unknown_schemes_are_refused(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    entries = [("catalog.json", catalog("p")), ("p", b"first")]
    path = zip_of(tmp_path / "b.zip", entries)
    with Bundle.open(path) as bundle:
        v1 = {"algorithm": "ed25519", "public_key": base64.b64encode(public_raw(key)).decode(),
              "signature": base64.b64encode(key.sign(manifest_v1(bundle))).decode()}
        v2 = json.loads(signature_json(key, manifest(bundle)))
    assert v2["scheme"] == 2
    for doc, ok in ((v1, True), (v2, True), ({**v1, "scheme": 2}, False),
                    ({**v2, "scheme": 1}, False), ({**v2, "scheme": 3}, False),
                    ({**v2, "scheme": True}, False)):
        signed = zip_of(tmp_path / "s.zip", [*entries, (SIGNATURE_FILE,
                                                        json.dumps(doc).encode())])
        with Bundle.open(signed) as bundle:
            if ok:
                assert verify(bundle) == fingerprint(public_raw(key))
            else:
                with pytest.raises(SignatureError):
                    verify(bundle)


@pytest.fixture
def key(tmp_path: Path) -> Path:
    return new_key(tmp_path / "keys", "publisher")[0]


def test_a_signed_catalog_is_not_rolled_back_without_allow_downgrade(
        tmp_path: Path, key: Path, capsys: pytest.CaptureFixture[str]) -> None:
    items = default_items(4)
    build(tmp_path / "new", items, tmp_path / "new.zip", key=key, created_at=NEW)
    build(tmp_path / "old", items, tmp_path / "old.zip", key=key, created_at=OLD)
    code, _, err = run(capsys, "catalog", "import", str(tmp_path / "new.zip"))
    assert code == 0, err
    code, _, err = run(capsys, "catalog", "import", str(tmp_path / "old.zip"))
    assert code == 7 and "--allow-downgrade" in err and OLD in err
    code, out, _ = run(capsys, "catalog", "list", "--json")
    assert [c["created_at"] for c in json.loads(out) if c["id"] == "acme"] == [NEW]
    code, _, err = run(capsys, "catalog", "import", str(tmp_path / "new.zip"))
    assert code == 0, err  # the same version again is no downgrade
    code, _, err = run(capsys, "catalog", "import", str(tmp_path / "old.zip"),
                       "--allow-downgrade")
    assert code == 0, err
    code, out, _ = run(capsys, "catalog", "list", "--json")
    assert [c["created_at"] for c in json.loads(out) if c["id"] == "acme"] == [OLD]


def shown(stamp: str) -> str:
    """A bundle's date as the Catalogs page writes it (the locale's short date and time)."""
    from visrec_desktop.gui.i18n import date_time
    from visrec_desktop.gui.pages.catalog_text import created_time

    return date_time(created_time(stamp))


def test_the_app_asks_before_installing_an_older_signed_version(
        qtbot: QtBot, tmp_path: Path, key: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from visrec_desktop.core.library import open_library
    from visrec_desktop.gui.context import AppContext
    from visrec_desktop.gui.pages.catalogs_page import CatalogsPage
    from visrec_desktop.gui.worker import wait_for_all

    items = default_items(4)
    build(tmp_path / "new", items, tmp_path / "new.zip", key=key, created_at=NEW)
    build(tmp_path / "old", items, tmp_path / "old.zip", key=key, created_at=OLD)
    data = tmp_path / "data"
    library = open_library(data, lambda _c: "a passphrase for the test", use_device=False)
    catalog_store.import_catalog(data, tmp_path / "new.zip", shared_embedder())
    ctx = AppContext(data)
    ctx.library = library
    page = CatalogsPage(ctx)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.refreshed, timeout=20000):
        ctx.unlocked.emit()
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes]
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda parent, title, text, *a: asked.append(text) or answers.pop(0))

    def created() -> list[str]:
        return [c.created_at for c in catalog_store.installed(data)]

    page.import_bundle(tmp_path / "old.zip")
    qtbot.waitUntil(lambda: len(asked) == 1 and page.current_task is None, timeout=20000)
    assert created() == [NEW] and "older than the installed" in page.report_view.toPlainText()
    with qtbot.waitSignal(page.imported, timeout=20000):
        page.import_bundle(tmp_path / "old.zip")
    assert len(asked) == 2 and shown(OLD) in asked[1]
    assert created() == [OLD]
    ctx.cancel_all()
    wait_for_all()
    library.store.close()


def test_an_unsigned_catalog_may_go_back_and_the_check_is_in_the_core(
        tmp_path: Path, key: Path) -> None:
    items = default_items(4)
    data = tmp_path / "data"
    build(tmp_path / "u1", items, tmp_path / "u-new.zip", created_at=NEW)
    build(tmp_path / "u2", items, tmp_path / "u-old.zip", created_at=OLD)
    catalog_store.import_catalog(data, tmp_path / "u-new.zip", shared_embedder())
    catalog_store.import_catalog(data, tmp_path / "u-old.zip", shared_embedder())  # unsigned
    build(tmp_path / "s1", items, tmp_path / "s-new.zip", key=key, created_at=NEW)
    build(tmp_path / "s2", items, tmp_path / "s-old.zip", key=key, created_at=OLD)
    catalog_store.import_catalog(data, tmp_path / "s-new.zip", shared_embedder())
    with pytest.raises(CatalogDowngradeError):
        catalog_store.import_catalog(data, tmp_path / "s-old.zip", shared_embedder())
