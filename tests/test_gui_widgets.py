"""Small widgets shared by the pages."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from visrec_desktop.gui.widgets import ElidedLabel

LINK = "https://shop.example/prints/landscapes/very-long-item-name-0042?ref=catalog"


def test_elided_label_shortens_in_the_middle_and_keeps_the_whole_text(qtbot: QtBot) -> None:
    label = ElidedLabel(LINK)
    qtbot.addWidget(label)
    label.resize(label.fontMetrics().horizontalAdvance(LINK) // 2, 30)
    label.show()
    shown = QLabel.text(label)
    assert label.text() == LINK  # what Copy link and the tooltip use
    assert "\u2026" in shown and shown.startswith("https://") and shown.endswith("catalog")
    assert label.fontMetrics().horizontalAdvance(shown) <= label.width()
    label.resize(label.fontMetrics().horizontalAdvance(LINK) + 20, 30)
    assert QLabel.text(label) == LINK  # room again: all of it
    label.clear()  # as on lock: nothing of the item stays behind
    assert QLabel.text(label) == "" and label.text() == ""
