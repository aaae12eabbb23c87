"""The For You filter bar: search, category, price range, sort, diversity and how many."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from visrec_desktop.core import library as core
from visrec_desktop.core.library import SORTS
from visrec_desktop.gui import i18n, view_settings
from visrec_desktop.gui.widgets import ElidedComboBox
from visrec_desktop.i18n import gettext

if TYPE_CHECKING:  # the engine (NumPy, ONNX Runtime, OpenCV) loads after the window shows
    from visrec_desktop.core.library import BrowseRequest

ALL_CATEGORIES = QT_TRANSLATE_NOOP("FilterBar", "All categories")
DEFAULT_TOP = 60
MORE_STEP = 60
MAX_TOP = 500  # diversification is quadratic in the list length
DEFAULT_DIVERSITY = 30


class FilterBar(QWidget):
    """Every choice that shapes the list; `changed` fires on each edit (the page debounces)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search titles and categories"))
        self.search.setAccessibleName(self.tr("Search"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(160)
        self.category = ElidedComboBox()
        self.category.setAccessibleName(self.tr("Category"))
        self.category.addItem(self.tr(ALL_CATEGORIES), None)
        # Sized to a short name, not the longest one (the list opens wide enough to show
        # names in full; the box ends a long one in "…"), so the bar fits a 1024-pixel window.
        self.category.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.category.setMinimumContentsLength(16)
        self.min_price = _price_box(self.tr("Lowest price"))
        self.max_price = _price_box(self.tr("Highest price"))
        self.sort = QComboBox()
        self.sort.setAccessibleName(self.tr("Sort by"))
        for key, text in SORTS.items():
            self.sort.addItem(gettext(text), key)  # the core's words, in its catalogue
        self.sort.setToolTip(self.tr("Price and newest re-order your best matches"))
        self.sort.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # Sort and diversity are kept for the next start, as the person left them; the search,
        # category and prices are theirs (and the catalog's), and are not.
        self.sort.setCurrentIndex(max(0, self.sort.findData(
            view_settings.read_choice(view_settings.SORT, next(iter(SORTS)), SORTS))))
        self.diversity = QSlider(Qt.Orientation.Horizontal)
        self.diversity.setRange(0, 100)
        self.diversity.setValue(
            view_settings.read_int(view_settings.DIVERSITY, DEFAULT_DIVERSITY, 0, 100))
        self.diversity.setPageStep(10)
        self.diversity.setMinimumWidth(64)
        self.diversity.setMaximumWidth(140)
        self.diversity.setAccessibleName(self.tr("Diversity"))
        self.diversity.setToolTip(self.tr("0: the closest matches only; higher: more variety"))
        self.diversity_value = QLabel(i18n.percent(self.diversity.value() / 100))
        self.how_many = QSpinBox()
        self.how_many.setRange(10, MAX_TOP)
        self.how_many.setSingleStep(10)
        self.how_many.setValue(DEFAULT_TOP)
        self.how_many.setAccessibleName(self.tr("How many items to show"))
        self.more_button = QPushButton(self.tr("Show more"))
        self.more_button.setAccessibleName(self.tr("Show more items"))
        self.clear_button = QPushButton(self.tr("Clear filters"))
        self.clear_button.setAccessibleName(self.tr("Clear search and filters"))

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 1)
        _labelled(top, self.tr("Category:"), self.category)
        _labelled(top, self.tr("Sort:"), self.sort)
        top.addWidget(self.clear_button)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        _labelled(bottom, self.tr("Price:"), self.min_price)
        _labelled(bottom, self.tr("to"), self.max_price)
        _labelled(bottom, self.tr("Diversity:"), self.diversity)
        bottom.addWidget(self.diversity_value)
        _labelled(bottom, self.tr("Show:"), self.how_many)
        bottom.addWidget(self.more_button)
        bottom.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(bottom)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

        self.search.textChanged.connect(self.changed)
        self.category.currentIndexChanged.connect(self.changed)
        self.min_price.valueChanged.connect(self._min_moved)
        self.max_price.valueChanged.connect(self._max_moved)
        self.sort.currentIndexChanged.connect(self.changed)
        self.sort.currentIndexChanged.connect(
            lambda _i: view_settings.write(view_settings.SORT, str(self.sort.currentData())))
        self.diversity.valueChanged.connect(
            lambda v: view_settings.write(view_settings.DIVERSITY, v))
        self.diversity.valueChanged.connect(self._diversity_moved)
        self.how_many.valueChanged.connect(self.changed)
        self.how_many.valueChanged.connect(lambda v: self.more_button.setEnabled(v < MAX_TOP))
        self.more_button.clicked.connect(
            lambda: self.how_many.setValue(self.how_many.value() + MORE_STEP))
        self.clear_button.clicked.connect(self.clear)

    # -- the request ----------------------------------------------------------------------------
    def request(self) -> BrowseRequest:
        low, high = self.min_price.value(), self.max_price.value()
        return core.BrowseRequest(top=self.how_many.value(), query=self.search.text().strip(),
                                  sort=str(self.sort.currentData()),
                                  category=self.category.currentData(),
                                  min_price=low if low > 0 else None,
                                  max_price=high if high > 0 else None,
                                  diversity=self.diversity.value() / 100.0)

    def filtered(self) -> bool:
        """Something narrows the list (search, category or price)."""
        r = self.request()
        return bool(r.query or r.category or r.min_price or r.max_price)

    def clear(self) -> None:
        """Back to every item, in match order; one `changed`."""
        self.blockSignals(True)
        self.search.clear()
        self.category.setCurrentIndex(0)
        self.min_price.setValue(0)
        self.max_price.setValue(0)
        self.sort.setCurrentIndex(0)
        self.blockSignals(False)
        self.changed.emit()

    def reset(self) -> None:
        """Forget the catalog's categories and the search (on lock: they are the user's)."""
        self.blockSignals(True)
        self.search.clear()
        self.category.clear()
        self.category.addItem(self.tr(ALL_CATEGORIES), None)
        self.blockSignals(False)

    def set_categories(self, counts: list[tuple[str, int]]) -> bool:
        """Offer `counts` (already in reading order), keeping the choice; True when the chosen
        category is gone (and so reset to all)."""
        have = [(self.category.itemData(i), self.category.itemText(i))
                for i in range(1, self.category.count())]
        want = [(name, self.tr("{category} ({n})").format(category=core.category_name(name),
                                                           n=i18n.number(n)))
                for name, n in counts]
        if have == want:
            return False
        chosen = self.category.currentData()
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem(self.tr(ALL_CATEGORIES), None)
        for name, text in want:
            self.category.addItem(text, name)
        index = self.category.findData(chosen) if chosen is not None else 0
        self.category.setCurrentIndex(max(index, 0))
        self.category.blockSignals(False)
        return chosen is not None and index < 0

    # -- the price range cannot be backwards ----------------------------------------------------
    def _min_moved(self, low: float) -> None:
        high = self.max_price.value()
        if low > 0 and 0 < high < low:
            self.max_price.setValue(low)  # emits changed through _max_moved
            return
        self.changed.emit()

    def _max_moved(self, high: float) -> None:
        low = self.min_price.value()
        if high > 0 and low > 0 and high < low:
            self.min_price.setValue(high)
            return
        self.changed.emit()

    def _diversity_moved(self, value: int) -> None:
        self.diversity_value.setText(i18n.percent(value / 100))
        self.changed.emit()


def _price_box(name: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(0.0, 1e7)
    box.setMinimumWidth(96)  # an explicit minimum: the hint is sized for the largest value
    box.setDecimals(2)
    box.setSingleStep(10.0)
    box.setSpecialValueText(QCoreApplication.translate("FilterBar", "Any"))  # 0: no limit
    box.setAccessibleName(name)
    box.setToolTip(QCoreApplication.translate("FilterBar", "Any: no limit"))
    box.setKeyboardTracking(False)
    return box


def _labelled(row: QHBoxLayout, text: str, widget: QWidget) -> None:
    label = QLabel(text)
    label.setBuddy(widget)
    row.addWidget(label)
    row.addWidget(widget)
