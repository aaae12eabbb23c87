"""Small widgets shared by the pages."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QStyle,
    QStyleFactory,
    QStyleOptionComboBox,
)
from pytestqt.qtbot import QtBot

from visrec_desktop.gui.pages.foryou.filters import FilterBar
from visrec_desktop.gui.widgets import ElidedLabel, literal

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


# The demo catalog's longest category names (its taxonomy's), as the filter bar words them.
CATEGORIES = [("Home decor, lighting & textiles", 12), ("Insects, spiders & other bugs", 5),
              ("Birds", 3)]


@pytest.mark.parametrize("style", ["Fusion", "Windows"])  # Windows: a list as wide as the box
def test_the_category_box_opens_wide_enough_for_its_longest_name(qtbot: QtBot,
                                                                 style: str) -> None:
    """A trial saw long category names cut off at 1024x640: the list opens as wide as its
    longest item, and the closed box ends a long name in "…" with the whole name as tooltip."""
    bar = FilterBar()
    qtbot.addWidget(bar)
    shown_in = QStyleFactory.create(style)
    assert shown_in is not None
    bar.category.setStyle(shown_in)
    bar.set_categories(CATEGORIES)
    bar.resize(824, bar.sizeHint().height())  # the page's width in a 1024-pixel window
    bar.show()
    qtbot.waitExposed(bar)
    box = bar.category
    box.setCurrentIndex(1)
    longest = max((box.itemText(i) for i in range(box.count())),
                  key=box.view().fontMetrics().horizontalAdvance)
    assert longest.startswith("Home decor, lighting & textiles (")
    needed = box.view().fontMetrics().horizontalAdvance(longest)
    assert box.width() < needed  # the box is narrower than the name: the case the trial saw
    box.showPopup()
    try:
        qtbot.waitUntil(box.view().isVisible)
        assert box.view().viewport().width() >= needed
        assert box.view().visualRect(box.model().index(1, 0)).width() >= needed
    finally:
        box.hidePopup()
    shown = box.shown_text()
    assert shown.endswith("\u2026") and shown[:-1] in longest
    option = QStyleOptionComboBox()
    box.initStyleOption(option)
    field = box.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                       QStyle.SubControl.SC_ComboBoxEditField, box)
    assert box.fontMetrics().horizontalAdvance(shown) <= field.width()
    QApplication.sendEvent(box, QHelpEvent(QEvent.Type.ToolTip, QPoint(5, 5),
                                           box.mapToGlobal(QPoint(5, 5))))
    assert box.toolTip() == literal(longest)  # shown as written, never as markup
    box.setCurrentIndex(3)  # a short name is shown whole
    assert box.shown_text() == box.currentText() == "Birds (3)"
