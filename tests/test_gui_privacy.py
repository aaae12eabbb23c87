"""The Privacy page: plain-language ε, the budget, a preview that is the release, and saving."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from conftest import TEST_PASSPHRASE
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from visrec_desktop.core.library import Library, open_library
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.pages.privacy_page import PrivacyPage
from visrec_desktop.gui.worker import wait_for_all


@pytest.fixture
def page(qtbot: QtBot, photo_folder: Path) -> Iterator[PrivacyPage]:
    data = Path(os.environ["VISREC_DATA_DIR"])
    lib: Library = open_library(data, lambda creating: TEST_PASSPHRASE, use_device=False)
    lib.index_folders([photo_folder])
    ctx = AppContext(data)
    ctx.library = lib
    errors: list[str] = []
    ctx.error.connect(errors.append)
    widget = PrivacyPage(ctx)
    qtbot.addWidget(widget)
    widget.errors = errors  # type: ignore[attr-defined]
    ctx.unlocked.emit()
    yield widget
    ctx.cancel_all()
    wait_for_all()
    lib.store.close()


def test_preview_spends_and_shows_exactly_what_is_saved(qtbot: QtBot, page: PrivacyPage,
                                                       tmp_path: Path) -> None:
    """The preview is the release: it spends ε in the ledger, shows the document, and Save
    writes those very bytes' content; the budget display follows."""
    lib = page.ctx.require()
    assert "3 of 3 left" in page.budget_label.text()
    assert "(0 releases so far)" in page.budget_label.text()
    assert "off by about 1.9" in page.noise_hint.text()  # ε = 0.5: mean |noise| = 1/sinh(0.5)
    page.epsilon.setValue(1.0)
    assert "off by about 0.9" in page.noise_hint.text()
    with qtbot.waitSignal(page.released, timeout=20000) as blocker:
        page.preview_button.click()
    result = blocker.args[0]
    shown = json.loads(page.preview.toPlainText())
    assert shown == result.document and shown["epsilon"] == 1.0
    assert sum(shown["counts"].values()) >= 0 and len(shown["counts"]) == 48
    assert lib.privacy.status()["spent"] == 1.0
    assert "2 of 3 left (1 release so far)" in page.budget_label.text()
    out = tmp_path / "interests.json"
    page.save(out)
    assert json.loads(out.read_text("utf-8")) == shown
    for name in ("chelsea", "coffee", "album_a"):
        assert name not in out.read_text("utf-8")
    assert page.errors == []  # type: ignore[attr-defined]


def test_exhausted_budget_is_refused_with_a_message(qtbot: QtBot, page: PrivacyPage,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """After lowering the budget, the ε box cannot ask for more than is left; when another
    window spends the rest meanwhile, the next preview is a clear refusal that spends nothing,
    and the preview button turns off."""
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    lib = page.ctx.require()
    page.lower_budget.setValue(0.6)
    page.lower_button.click()
    assert "0.6 of 0.6 left" in page.budget_label.text()
    page.epsilon.setValue(0.5)
    with qtbot.waitSignal(page.released, timeout=20000):
        page.preview_button.click()
    page.epsilon.setValue(3.0)
    assert page.epsilon.value() == pytest.approx(0.1)  # clamped to what is left
    lib.privacy.export("0.1", today=date(2020, 1, 1))  # another window spends the rest
    page.release()
    qtbot.waitUntil(lambda: bool(page.errors), timeout=20000)  # type: ignore[attr-defined]
    assert "Not enough privacy budget" in page.errors[-1]  # type: ignore[attr-defined]
    assert lib.privacy.status()["spent"] == pytest.approx(0.6)
    assert not page.preview_button.isEnabled()


def test_lock_clears_the_preview(qtbot: QtBot, page: PrivacyPage) -> None:
    with qtbot.waitSignal(page.released, timeout=20000):
        page.preview_button.click()
    assert page.preview.toPlainText()
    page.ctx.locked.emit()
    assert page.preview.toPlainText() == "" and not page.save_button.isEnabled()
