"""Catalog and file text is data, never markup or terminal control: hostile titles, names and
file names pushed through every view (GUI tooltips, message boxes and details; CLI recommend,
catalog list, catalog import, status) show literally, and the schema refuses control
characters with a clear reason."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TEST_PASSPHRASE, write_jpeg
from helpers_catalog import edit_catalog, write_rows
from helpers_cli import run
from helpers_photos import distinct_photos
from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from visrec_desktop.core.catalog.build import build_bundle
from visrec_desktop.core.catalog.schema import parse_catalog
from visrec_desktop.core.errors import CatalogFormatError
from visrec_desktop.core.library import open_library
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.main_window import MainWindow
from visrec_desktop.gui.pages.catalogs_page import CatalogsPage
from visrec_desktop.gui.pages.foryou import ForYouPage
from visrec_desktop.gui.pages.library_page import LibraryPage
from visrec_desktop.gui.worker import wait_for_all

LINK = '<a href="https://evil.example/">Click me</a>'
IMAGE = '<img src="file:///etc/passwd">'
RLO = "\u202e"  # right-to-left override: "gpj.exe" reads as "exe.jpg"
TITLES = [f"{LINK} lamp", f"Vase {IMAGE}", f"Mirror {RLO}gpj.exe", "<b>bold</b> &amp; co"]
NAME = f"<i>Shop</i> {RLO}x"
PHOTO = "<b>holiday<b>.jpg"  # a file name is as hostile as a title
ESC_PHOTO = "\x1b]0;pwned\x07\x1b[2J.jpg"  # OSC retitle, BEL, clear screen
WAIT = 20000


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Photos (two with hostile names) indexed and a catalog of hostile titles installed."""
    root = tmp_path_factory.mktemp("hostile")
    photos = distinct_photos(4 + len(TITLES), width=256)
    names = [PHOTO, ESC_PHOTO, "<i>one<i>.jpg", "<a href=two>two.jpg"]
    for name, img in zip(names, photos[:4], strict=True):
        write_jpeg(root / "photos" / "<u>album</u>" / name, img)
    (root / "photos" / "<u>album</u>" / f"broken{ESC_PHOTO}").write_bytes(b"\xff\xd8\xff junk")
    rows = []
    for i, (title, img) in enumerate(zip(TITLES, photos[4:], strict=True)):
        write_jpeg(root / "shop" / "images" / f"item{i}.jpg", img)
        rows.append({"id": f"item{i}", "title": title, "category": f"<h1>cat{i % 2}</h1>",
                     "price": "10", "currency": "EUR", "image": f"item{i}.jpg",
                     "description": f"{LINK}\n{IMAGE}", "url": f"https://shop.example/{i}"})
    write_rows(root / "shop" / "items.csv", rows)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VISREC_INSECURE_FAST_KDF", "1")
        library = open_library(root / "data", lambda _c: TEST_PASSPHRASE, use_device=False)
        try:
            library.index_folders([root / "photos"])
            build_bundle(root / "shop" / "items.csv", root / "shop" / "images",
                         root / "bundle", catalog_id="hostile", name=NAME, publisher=LINK,
                         embedder=library.embedder)
            library.import_catalog(root / "bundle")
            library.profile()
        finally:
            library.store.close()
    return root


@pytest.fixture
def data(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "data"
    shutil.copytree(template / "data", target)
    monkeypatch.setenv("VISREC_DATA_DIR", str(target))
    return target


def shown(text: str) -> tuple[str, bool]:
    """What Qt shows for a tooltip or message text (it guesses rich text itself), and whether
    that holds a link or an image."""
    doc = QTextDocument()
    if QtGui.Qt.mightBeRichText(text):
        doc.setHtml(text)
    else:
        doc.setPlainText(text)
    active = False
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            active |= fmt.isAnchor() or fmt.isImageFormat()
            it += 1
        block = block.next()
    return doc.toPlainText(), active


def assert_literal(text: str, *expected: str) -> None:
    plain, active = shown(text)
    assert not active, text
    for part in expected:
        assert part in plain, (part, plain)


# -- the schema ------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["\x1b]52;c;ZXZpbA==\x07", "\x1b[2J", "\rb", "\x9b31m", "\x85"])
@pytest.mark.parametrize("field", ["title", "category", "tags", "name", "publisher"])
def test_the_schema_refuses_control_characters_with_a_reason(field: str, bad: str) -> None:
    item = {"id": "a", "title": "Lamp", "category": "home", "price": 1, "currency": "EUR",
            "image": "a.jpg", "tags": ["x"]}
    doc = {"format": 1, "id": "shop", "name": "Shop", "publisher": "P",
           "created_at": "2026-11-01T12:00:00Z", "items": [item]}
    if field in ("name", "publisher"):
        doc[field] = f"Shop {bad}"
    elif field == "tags":
        item["tags"] = [f"x{bad}"]
    else:
        item[field] = f"Lamp {bad}"
    with pytest.raises(CatalogFormatError) as info:
        parse_catalog(json.dumps(doc).encode())
    message = str(info.value)
    assert f"U+{ord(bad[0]):04X}" in message and "control character" in message
    assert field in message
    assert raw_controls(message) == []  # the message itself is safe to print


def test_descriptions_keep_their_line_breaks_but_no_other_control() -> None:
    item = {"id": "a", "title": "Lamp", "category": "home", "price": 1, "currency": "EUR",
            "image": "a.jpg", "description": "Two\nlines\tand a tab"}
    doc = {"format": 1, "id": "shop", "name": "Shop", "publisher": "P",
           "created_at": "2026-11-01T12:00:00Z", "items": [item]}
    assert parse_catalog(json.dumps(doc).encode()).items[0]["description"].count("\n") == 1
    item["description"] = "bell\x07"
    with pytest.raises(CatalogFormatError, match="U\\+0007"):
        parse_catalog(json.dumps(doc).encode())


# -- the command line -----------------------------------------------------------------------------

def raw_controls(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f
            or c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"]


def test_cli_recommend_list_status_show_controls_as_escapes(
        data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "recommend", "--top", "10")
    assert code == 0, err
    assert raw_controls(out + err) == []
    assert "\\u202e" in out and LINK in out  # shown, as text
    assert "\\u001b]0;pwned\\u0007" in out or "pwned" not in out
    code, out, err = run(capsys, "recommend", "--top", "10", "--json")
    assert code == 0 and raw_controls(out) == []
    titles = {i["title"] for i in json.loads(out)["items"]}
    assert titles == set(TITLES)  # JSON escapes decode to the very titles
    code, out, err = run(capsys, "catalog", "list")
    assert code == 0 and raw_controls(out + err) == [] and "\\u202ex" in out
    code, out, err = run(capsys, "status")
    assert code == 0 and raw_controls(out + err) == []
    assert "broken\\u001b]0;pwned\\u0007\\u001b[2J.jpg" in out


def test_cli_catalog_import_refuses_a_terminal_escape_and_prints_it_visibly(
        data: Path, template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(template / "bundle", bundle)

    def hostile(doc: dict[str, object]) -> None:
        doc["id"] = "other"
        doc["items"][0]["title"] = "\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07"  # type: ignore[index]
    edit_catalog(bundle, hostile)
    code, out, err = run(capsys, "catalog", "import", str(bundle))
    assert code == 7, err
    assert "U+001B" in err and "control character" in err
    assert raw_controls(out + err) == []
    code, out, err = run(capsys, "catalog", "list", "--json")
    assert [c["id"] for c in json.loads(out)] == ["hostile"]  # nothing else was installed


def test_the_visible_stream_keeps_json_valid() -> None:
    from visrec_desktop.cli.common import visible

    text = json.dumps({"t": f"a{RLO}b\x85c\u2028"}, ensure_ascii=False)
    assert json.loads(visible(text)) == {"t": f"a{RLO}b\x85c\u2028"}
    assert raw_controls(visible(text)) == []


# -- the desktop app ------------------------------------------------------------------------------

@pytest.fixture
def ctx(data: Path) -> Iterator[AppContext]:
    library = open_library(data, lambda _c: TEST_PASSPHRASE, use_device=False)
    context = AppContext(data)
    context.library = library
    yield context
    context.cancel_all()
    wait_for_all()
    QApplication.processEvents()
    if context.library is not None:
        context.library.store.close()


def test_for_you_tooltips_and_details_show_titles_literally(qtbot: QtBot,
                                                            ctx: AppContext) -> None:
    page = ForYouPage(ctx)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.ranked, timeout=WAIT):
        ctx.unlocked.emit()
    model = page.model
    assert model.rowCount() == len(TITLES)
    for row in range(model.rowCount()):
        rec = model.recommendation(row)
        tip = model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
        assert_literal(tip, rec.title.replace(RLO, "\\u202e"), rec.category)
        assert RLO not in shown(tip)[0]  # it would reverse the price after the title
        assert model.data(model.index(row, 0), Qt.ItemDataRole.AccessibleTextRole).startswith(
            rec.title)
    link_row = next(r for r in range(model.rowCount())
                    if model.recommendation(r).title.startswith(LINK))
    page.view.setCurrentIndex(model.index(link_row, 0))
    qtbot.waitUntil(lambda: page.details.url_label.text().startswith("https://"),
                    timeout=WAIT)
    details = page.details
    for label in (details.title_label, details.category_label, details.description_label):
        assert label.textFormat() == Qt.TextFormat.PlainText
    assert details.title_label.text() == f"{LINK} lamp"
    assert_literal(details.url_label.toolTip(), "https://shop.example/")
    names = set()
    for row in range(model.rowCount()):  # the similar photos of every item, by file name
        page.view.setCurrentIndex(model.index(row, 0))
        qtbot.waitUntil(lambda row=row: details.item is not None
                        and details.item.rec == model.recommendation(row)
                        and any(w.toolTip() for w in details.photo_labels), timeout=WAIT)
        for widget in details.photo_labels:
            if widget.toolTip():
                assert_literal(widget.toolTip(), "% similar")
                names.add(shown(widget.toolTip())[0].rsplit(": ", 1)[0])
    assert names and names <= {PHOTO, ESC_PHOTO, "<i>one<i>.jpg", "<a href=two>two.jpg"}


def test_catalogs_page_tooltips_and_questions_show_names_literally(
        qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    page = CatalogsPage(ctx)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.refreshed, timeout=WAIT):
        ctx.unlocked.emit()
    tips = [page.model.item(r, c).toolTip() for r in range(page.model.rowCount())
            for c in range(page.model.columnCount()) if page.model.item(r, c).toolTip()]
    assert tips
    for tip in tips:
        assert_literal(tip)
    shown_name = NAME.replace(RLO, "\\u202e")  # bidi controls show as codes in tooltips
    assert any(shown_name in shown(t)[0] for t in tips)
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *a:
                        asked.append(text) or QMessageBox.StandardButton.No)
    page.catalogs_view.setCurrentIndex(page.model.index(0, 0))
    page.remove_selected()
    assert len(asked) == 1
    assert_literal(asked[0], f"“{shown_name}”")


def test_library_page_paths_and_error_messages_show_literally(
        qtbot: QtBot, ctx: AppContext, data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = LibraryPage(ctx)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.refreshed, timeout=WAIT):
        ctx.unlocked.emit()
    tips = [page.folder_model.item(r, 0).toolTip() for r in range(page.folder_model.rowCount())]
    tips += [page.skipped_model.item(r, 0).toolTip()
             for r in range(page.skipped_model.rowCount())]
    assert any("<u>album</u>" in shown(t)[0] for t in tips)
    for tip in tips:
        assert_literal(tip)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a:
                        warned.append(text) or QMessageBox.StandardButton.Ok)
    window = MainWindow(data)
    qtbot.addWidget(window)
    window.show_error(f"Catalog '{LINK}' was refused")
    assert_literal(warned[0], f"Catalog '{LINK}' was refused")
    assert window.welcome.error.textFormat() == Qt.TextFormat.PlainText
