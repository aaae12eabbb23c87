"""Painting the cards of the For You grid (no widget per item, so long lists scroll smoothly)."""

from __future__ import annotations

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QTextLayout
from PySide6.QtWidgets import (
    QListView,
    QSlider,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from visrec_desktop.core.library import LIKE, category_name
from visrec_desktop.gui.pages.foryou.model import RecommendationModel, match_text, price_text
from visrec_desktop.gui.thumbnails import ThumbnailCache

CARD_WIDTH = 200  # the card width a person chose (slider, Ctrl +/-); the grid stretches it
MIN_CARD_WIDTH, MAX_CARD_WIDTH, CARD_STEP = 140, 360, 20
CARD_MARGIN = 6
IMAGE_SHARE = 0.8  # image height per card width
LIKE_ACCENT = QColor("#e0457b")  # a rose that reads on light and dark backgrounds


class CardDelegate(QStyledItemDelegate):
    """Paints one card: image (or a placeholder while it loads), title, price, category, score."""

    def __init__(self, thumbnails: ThumbnailCache, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thumbnails = thumbnails
        self.paint_count = 0  # for tests: how many cards were painted
        self.card_width = CARD_WIDTH  # set by `fit_cards` so a row of cards fills the view

    def image_height(self) -> int:
        return round((self.card_width - 4 - 2 * CARD_MARGIN) * IMAGE_SHARE)

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        """One size for every card: the image, a title on up to two lines, and two lines more."""
        line = option.fontMetrics.height() + 3  # type: ignore[attr-defined]
        return QSize(self.card_width, 4 + 2 * CARD_MARGIN + self.image_height() + 6 + 4 * line)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        self.paint_count += 1
        model = index.model()
        if not isinstance(model, RecommendationModel):
            return
        # Straight from the model: no QVariant round trip per role and card.
        rec = model.recommendation(index.row())
        image_path = model.image(index.row())
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = option.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else None
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter,
                                widget)
        palette = option.palette  # type: ignore[attr-defined]
        rect: QRect = option.rect  # type: ignore[attr-defined]
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        card = rect.adjusted(2, 2, -2, -2)
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(card, 6, 6)

        box = QRect(card.left() + CARD_MARGIN, card.top() + CARD_MARGIN,
                    card.width() - 2 * CARD_MARGIN, self.image_height())
        self._paint_image(painter, box, image_path, palette, widget)
        if rec.feedback == LIKE:
            self._paint_badge(painter, box, "\u2665 " + self.tr("Liked"))

        text_color = palette.color(QPalette.ColorRole.HighlightedText if selected
                                   else QPalette.ColorRole.Text)
        dim_color = text_color if selected else palette.color(QPalette.ColorRole.PlaceholderText)
        font = QFont(option.font)  # type: ignore[attr-defined]
        line = QRect(box.left(), box.bottom() + 6, box.width(), painter.fontMetrics().height())
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text_color)
        lines = two_lines(bold, rec.title, line.width())
        for text in lines:
            painter.drawText(line, int(Qt.AlignmentFlag.AlignLeft
                                       | Qt.AlignmentFlag.AlignVCenter), text)
            line.translate(0, line.height() + 3)
        if len(lines) == 1:
            line.translate(0, line.height() + 3)  # prices line up across a row
        painter.setFont(font)
        painter.drawText(line, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         price_text(rec.price, rec.currency))
        line.translate(0, line.height() + 3)
        painter.setPen(dim_color)
        score = match_text(rec.match)
        score_width = painter.fontMetrics().horizontalAdvance(score) + 6
        category = painter.fontMetrics().elidedText(category_name(rec.category),
                                                    Qt.TextElideMode.ElideRight,
                                                    max(line.width() - score_width, 10))
        painter.drawText(line, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         category)
        painter.drawText(line, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                         score)
        painter.restore()

    def _paint_image(self, painter: QPainter, box: QRect, path: str, palette: QPalette,
                     widget: QWidget | None) -> None:
        image = None
        if path:
            dpr = widget.devicePixelRatioF() if widget is not None else 1.0
            # A reflow changes the box: the image decoded for the old one is drawn scaled
            # until one for the new size loads (if it needs one), so the grid never blanks.
            size = round(max(box.width(), box.height()) * dpr)
            image = self.thumbnails.get(path, size, scaled=True)
        if image is None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.AlternateBase))
            painter.drawRoundedRect(box, 4, 4)
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            failed = not path or self.thumbnails.failed(path)
            painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter),
                             self.tr("No image") if failed else self.tr("Loading\u2026"))
            return
        w, h = image.width(), image.height()
        scale = min(box.width() / w, box.height() / h)
        tw, th = max(1, round(w * scale)), max(1, round(h * scale))
        target = QRect(box.left() + (box.width() - tw) // 2, box.top() + (box.height() - th) // 2,
                       tw, th)
        painter.drawImage(target, image)

    @staticmethod
    def _paint_badge(painter: QPainter, box: QRect, text: str) -> None:
        metrics = painter.fontMetrics()
        badge = QRect(0, 0, metrics.horizontalAdvance(text) + 12, metrics.height() + 4)
        badge.moveTopRight(box.topRight())
        badge.translate(-4, 4)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(LIKE_ACCENT)
        painter.drawRoundedRect(badge, 4, 4)
        painter.setPen(QColor("white"))
        painter.drawText(badge, int(Qt.AlignmentFlag.AlignCenter), text)


def two_lines(font: QFont, text: str, width: int) -> list[str]:
    """`text` broken into at most two lines of `width` pixels, the second elided with "…" when
    the text is longer. Breaks follow Unicode line breaking (UAX #14, Qt's QTextLayout): between
    words in Latin script, between characters in Chinese and Japanese (never before "，" or
    "。"), and inside a word only when it alone is wider than a line."""
    text = " ".join(text.split())
    if not text:
        return [""]
    metrics = QFontMetrics(font)
    layout = QTextLayout(text, font)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(width)
    end = line.textStart() + line.textLength()
    layout.endLayout()
    first, rest = text[:end].rstrip(), text[end:].strip()
    if metrics.horizontalAdvance(first) > width:  # one unbreakable word wider than the card
        first = metrics.elidedText(first, Qt.TextElideMode.ElideRight, width)
    if not rest:
        return [first]
    return [first, metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)]


def fit_cards(view: QListView, delegate: CardDelegate, wanted: int) -> int:
    """Cards as close to `wanted` pixels as a whole number of them filling the view's row
    allows (never under MIN_CARD_WIDTH); returns the card width used. Closest by ratio, in
    either direction: a grid 1.9 cards wide shows two slightly smaller cards, not one nearly
    twice as wide (beside the details pane in a 1024-pixel window it had shown one column)."""
    available = max(view.viewport().width() - 2, MIN_CARD_WIDTH)
    columns = card_columns(available, wanted)
    width = available // columns
    if width != delegate.card_width or view.gridSize().width() != width:
        delegate.card_width = width
        view.setGridSize(delegate.sizeHint(_options(view), QModelIndex()))
    return width


def card_columns(available: int, wanted: int) -> int:
    """How many cards of about `wanted` pixels share `available` pixels: the count whose card
    width is nearest to `wanted` by ratio, with cards no narrower than MIN_CARD_WIDTH."""
    wanted = max(wanted, 1)
    most = max(1, available // MIN_CARD_WIDTH)
    fewer = max(1, min(available // wanted, most))
    more = min(fewer + 1, most)
    # width/wanted for `fewer` is >= 1 and for `more` < 1: compare them as ratios
    return more if (available / more) * (available / fewer) >= wanted * wanted else fewer


def _options(view: QListView) -> QStyleOptionViewItem:
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.font = view.font()  # type: ignore[attr-defined]
    option.fontMetrics = view.fontMetrics()  # type: ignore[attr-defined]
    return option


class CardView(QListView):
    """The grid, with room at its bottom for what floats over it (the undo bar): while
    `bottom_room` is set the list scrolls that much further, and a card scrolled to is kept
    above that room, so the selected card is never under the bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bottom_room = 0

    def set_bottom_room(self, room: int) -> None:
        """Keep `room` pixels at the viewport's bottom for an overlay (0: none). Taking the
        room back never scrolls: what the list scrolled into stays until the next layout."""
        bar = self.verticalScrollBar()
        if room < self.bottom_room:
            natural = bar.maximum() - self.bottom_room
            room = max(room, min(self.bottom_room, bar.value() - natural))
        self.bottom_room = room
        self.updateGeometries()

    def updateGeometries(self) -> None:
        super().updateGeometries()
        if self.bottom_room:
            bar = self.verticalScrollBar()
            bar.setMaximum(bar.maximum() + self.bottom_room)

    def scrollTo(self, index: QModelIndex | QPersistentModelIndex,
                 hint: QListView.ScrollHint = QListView.ScrollHint.EnsureVisible) -> None:
        super().scrollTo(index, hint)
        if not self.bottom_room or not index.isValid():
            return
        rect = self.visualRect(index)
        limit = self.viewport().height() - self.bottom_room
        if rect.bottom() > limit:
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() + min(rect.bottom() - limit, rect.top()))


def make_card_view(model: RecommendationModel, delegate: CardDelegate) -> CardView:
    """The grid: icon mode, uniform sizes and batched layout keep 100,000 cards cheap."""
    view = CardView()
    view.setViewMode(QListView.ViewMode.IconMode)
    view.setMovement(QListView.Movement.Static)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setWrapping(True)
    view.setUniformItemSizes(True)
    view.setLayoutMode(QListView.LayoutMode.Batched)
    view.setBatchSize(1000)
    view.setSpacing(0)  # the delegate leaves its own gap, so cards can fill a row exactly
    view.setSelectionMode(QListView.SelectionMode.SingleSelection)
    view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
    view.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
    # A scroll bar that comes and goes would change the width the cards are fitted to.
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setMouseTracking(True)
    view.setItemDelegate(delegate)
    view.setModel(model)
    view.setAccessibleName(QCoreApplication.translate("CardView", "Recommended items"))
    view.setAccessibleDescription(QCoreApplication.translate(
        "CardView", "L likes, D dislikes and H hides the selected item"))
    return view


def make_card_size_slider() -> QSlider:
    """The card size, in steps of CARD_STEP pixels (Ctrl + and Ctrl - move it too)."""
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setRange(MIN_CARD_WIDTH, MAX_CARD_WIDTH)
    slider.setSingleStep(CARD_STEP)
    slider.setPageStep(CARD_STEP)
    slider.setValue(CARD_WIDTH)
    slider.setMaximumWidth(140)
    slider.setMinimumWidth(64)
    slider.setAccessibleName(QCoreApplication.translate("ForYouPage", "Card size"))
    slider.setToolTip(QCoreApplication.translate("ForYouPage", "Card size (Ctrl + and Ctrl -)"))
    return slider
