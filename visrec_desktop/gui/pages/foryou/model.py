"""The ranked items as a list model: one row per item, in the order shown."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from visrec_desktop.core.library import LIKE, category_name, match_percent
from visrec_desktop.gui import i18n
from visrec_desktop.gui.widgets import literal

if TYPE_CHECKING:  # the engine (NumPy, ONNX Runtime, OpenCV) loads after the window shows
    from visrec_desktop.core.library import Recommendation

Key = tuple[str, str]  # (catalog id, item id)


def match_text(match: float) -> str:
    """A card's match: the final score after re-ordering, so it never rises down the list."""
    return QCoreApplication.translate("RecommendationModel", "match {percent}").format(
        percent=i18n.whole_percent(match_percent(match)))


def similar_text(similarity: float) -> str:
    """How like one of the user's photos an item is ("87% similar"): rounded by the rule the
    card's match and `visrec recommend` use."""
    return QCoreApplication.translate("RecommendationModel", "{percent} similar").format(
        percent=i18n.whole_percent(match_percent(similarity)))


def price_text(price: float, currency: str) -> str:
    """The price in the catalog's currency, the locale's way ("¥12.50", "€12.50")."""
    return i18n.price(price, currency)


class RecommendationModel(QAbstractListModel):
    """Ranked items, one row each, in rank order; the image path of each row rides along."""

    TitleRole = Qt.ItemDataRole.UserRole + 1
    PriceRole = Qt.ItemDataRole.UserRole + 2
    CategoryRole = Qt.ItemDataRole.UserRole + 3
    ScoreRole = Qt.ItemDataRole.UserRole + 4
    ImageRole = Qt.ItemDataRole.UserRole + 5
    FeedbackRole = Qt.ItemDataRole.UserRole + 6
    RecommendationRole = Qt.ItemDataRole.UserRole + 7

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._recs: list[Recommendation] = []
        self._images: list[str] = []
        self._rows: dict[Key, int] | None = None

    def set_items(self, recs: list[Recommendation], images: list[str] | None = None) -> None:
        self.beginResetModel()
        self._recs = list(recs)
        self._images = list(images) if images is not None else [""] * len(recs)
        self._rows = None
        self.endResetModel()

    def clear(self) -> None:
        self.set_items([])

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()  # noqa: B008
                 ) -> int:
        return 0 if parent.isValid() else len(self._recs)

    def recommendation(self, row: int) -> Recommendation:
        return self._recs[row]

    def image(self, row: int) -> str:
        return self._images[row]

    def recommendations(self) -> list[Recommendation]:
        return list(self._recs)

    def set_feedback(self, row: int, state: str | None) -> None:
        """Show `state` on the item in `row` at once, before the re-ranked list arrives."""
        self._recs[row] = replace(self._recs[row], feedback=state)
        index = self.index(row, 0)
        self.dataChanged.emit(index, index)

    def next_unrated(self, row: int) -> int | None:
        """Where the selection goes once the item in `row` is rated: the first item after it
        that the person has not rated, else the nearest such item before it (at the end of
        the list); None when every item shown is rated, so a repeated key press rates nothing."""
        for r in (*range(row + 1, len(self._recs)), *range(row - 1, -1, -1)):
            if self._recs[r].feedback is None:
                return r
        return None

    def unrated_from(self, row: int) -> int | None:
        """Where the selection goes in a re-ranked list after a rating of the item that was in
        `row`: the first item not rated at or after that row, so the selection stays where
        the person was looking; else the nearest one before it; None when every item is
        rated."""
        row = min(row, len(self._recs))
        for r in (*range(row, len(self._recs)), *range(row - 1, -1, -1)):
            if self._recs[r].feedback is None:
                return r
        return None

    def row_of(self, key: Key) -> int | None:
        if self._rows is None:
            self._rows = {(r.catalog_id, r.item_id): i for i, r in enumerate(self._recs)}
        return self._rows.get(key)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._recs):
            return None
        rec = self._recs[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, self.TitleRole):
            return rec.title
        if role == self.PriceRole:
            return price_text(rec.price, rec.currency)
        if role == self.CategoryRole:
            return category_name(rec.category)
        if role == self.ScoreRole:
            return rec.match
        if role == self.ImageRole:
            return self._images[index.row()]
        if role == self.FeedbackRole:
            return rec.feedback or ""
        if role == self.RecommendationRole:
            return rec
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            text = (self.tr("{title}, {price}, {category}, liked") if rec.feedback == LIKE
                    else self.tr("{title}, {price}, {category}")).format(
                title=rec.title, price=price_text(rec.price, rec.currency),
                category=category_name(rec.category))
            return literal(text) if role == Qt.ItemDataRole.ToolTipRole else text
        return None

    def roleNames(self) -> dict[int, QByteArray]:
        names = super().roleNames()
        for role, name in ((self.TitleRole, b"title"), (self.PriceRole, b"price"),
                           (self.CategoryRole, b"category"), (self.ScoreRole, b"score"),
                           (self.ImageRole, b"image"), (self.FeedbackRole, b"feedback")):
            names[role] = QByteArray(name)
        return names
