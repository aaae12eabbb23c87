"""The Privacy page: plain-language ε, the budget, a preview that is the release, and saving."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from conftest import TEST_PASSPHRASE
from helpers_gui import DialogAnswer
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
    assert "(no releases yet)" in page.budget_label.text()
    assert "off by about 1.9" in page.noise_hint.text()  # ε = 0.5: mean |noise| = 1/sinh(0.5)
    page.epsilon.setValue(1.0)
    assert "off by about 0.9" in page.noise_hint.text()
    answer = DialogAnswer("Spend ε 1.00 and show")
    with qtbot.waitSignal(page.released, timeout=20000) as blocker:
        page.preview_button.click()
    assert answer.answered
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
    lib = page.ctx.require()
    page.lower_budget.setValue(0.6)
    lowered = DialogAnswer("Lower to 0.6")
    page.lower_button.click()
    assert lowered.answered and "cannot be raised" in lowered.text()
    assert "0.6 of 0.6 left" in page.budget_label.text()
    page.epsilon.setValue(0.5)
    DialogAnswer("Spend ε 0.50 and show")
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
    DialogAnswer("Spend ε 0.50 and show")
    with qtbot.waitSignal(page.released, timeout=20000):
        page.preview_button.click()
    assert page.preview.toPlainText() and page.chart.counts
    page.ctx.locked.emit()
    assert page.preview.toPlainText() == "" and not page.save_button.isEnabled()
    assert page.chart.counts == []


def test_the_confirmation_states_what_it_spends_and_cancel_spends_nothing(
        qtbot: QtBot, page: PrivacyPage) -> None:
    """Before any ε is spent a dialog says how much, what is left now and after; its buttons
    name the action. Cancel (or Escape) spends nothing and shows nothing; confirming spends
    exactly the ε stated."""
    lib = page.ctx.require()
    page.epsilon.setValue(0.75)
    cancelled = DialogAnswer("Cancel")
    page.preview_button.click()
    assert cancelled.answered
    said = cancelled.text()
    assert "ε = 0.75" in said and "Budget left now: 3 of 3" in said
    assert "Left after this release: 2.25" in said
    assert "Spend ε 0.75 and show" in cancelled.buttons and "Yes" not in cancelled.buttons
    escaped = DialogAnswer(None)
    page.preview_button.click()
    assert escaped.answered
    qtbot.wait(200)
    assert lib.privacy.status()["spent"] == 0 and lib.privacy.status()["releases"] == []
    assert page.preview.toPlainText() == "" and page.chart.counts == []
    assert not page.save_button.isEnabled()

    DialogAnswer("Spend ε 0.75 and show")
    with qtbot.waitSignal(page.released, timeout=20000) as blocker:
        page.preview_button.click()
    assert lib.privacy.status()["spent"] == pytest.approx(0.75)
    assert "2.25 of 3 left (1 release so far)" in page.budget_label.text()
    result = blocker.args[0]
    counts = result.document["counts"]
    # the chart shows every category's noisy count by its name (not its bin id), largest first
    assert dict(page.chart.counts) == {result.names[k]: n for k, n in counts.items()}
    assert "Cats & wild cats" in dict(page.chart.counts) and "cats" not in dict(page.chart.counts)
    values = [n for _, n in page.chart.counts]
    assert values == sorted(values, reverse=True)
    assert page.chart.sizeHint().height() >= len(counts) * page.chart.fontMetrics().height()
    image = page.chart.grab().toImage()
    assert image.width() > 0 and image.height() > 0


def test_the_confirmation_of_a_repeat_says_nothing_is_spent(qtbot: QtBot,
                                                            page: PrivacyPage) -> None:
    """"Show preview" at ε 0.50 a second time today: the dialog says it repeats today's release,
    the same numbers come back and nothing is spent, with what is left now; it does not ask to
    spend. Showing it again leaves the budget at 2.5 with one release."""
    lib = page.ctx.require()
    page.epsilon.setValue(0.5)
    DialogAnswer("Spend ε 0.50 and show")
    with qtbot.waitSignal(page.released, timeout=20000) as first:
        page.preview_button.click()
    assert lib.privacy.status()["spent"] == 0.5
    text, action = page.confirmation_text()  # checked first: a wrong dialog would stay open
    assert text.startswith("This repeats today's release at ε 0.50") and action == "Show again"
    again = DialogAnswer("Show again")
    with qtbot.waitSignal(page.released, timeout=20000) as second:
        page.preview_button.click()
    assert again.answered
    said = again.text()
    assert ("This repeats today's release at ε 0.50: the same numbers come back and nothing "
            "is spent; 2.5 left.") in said
    assert "spends ε" not in said and "Left after this release" not in said
    assert "Spend ε 0.50 and show" not in again.buttons
    assert not second.args[0].fresh and second.args[0].document == first.args[0].document
    status = lib.privacy.status()
    assert (status["spent"], len(status["releases"])) == (0.5, 1)
    assert "2.5 of 3 left (1 release so far)" in page.budget_label.text()
    page.epsilon.setValue(0.75)  # another ε: a new release, which spends
    text, action = page.confirmation_text()
    assert "Left after this release: 1.75" in text and action == "Spend ε 0.75 and show"
    assert page.errors == []  # type: ignore[attr-defined]


def test_the_budget_reads_naturally_in_chinese(page: PrivacyPage) -> None:
    """zh_CN says what is left and of what total ("还剩 3（共 3）"), not the word-for-word
    "3 中还剩 3"; the confirmation, and the core's refusal that the page shows, say it the
    same way."""
    from visrec_desktop.core.errors import BudgetExhaustedError
    from visrec_desktop.gui import i18n as gui_i18n

    lib = page.ctx.require()
    gui_i18n.install("zh_CN")
    try:
        page.refresh()
        assert page.budget_label.text() == "还剩 3（共 3），尚未发布过"
        page.epsilon.setValue(0.5)
        text, _action = page.confirmation_text()
        assert "当前预算还剩 3（共 3），本次发布后还剩 2.5。" in text
        lib.privacy.set_budget(0.25)
        page.refresh()
        assert page.budget_label.text() == "还剩 0.25（共 0.25），尚未发布过"
        with pytest.raises(BudgetExhaustedError) as refused:
            lib.privacy.export("0.5", today=date(2020, 1, 1))
        assert str(refused.value) == "隐私预算不足：还剩 0.25（共 0.25），本次需要 0.50"
    finally:
        gui_i18n.uninstall()
