"""How strong a new passphrase is: a bar coloured by strength and a hint whose space is kept,
so a form does not jump as the person types."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from visrec_desktop.core.library import passphrase_strength

MIN_PASSPHRASE = 8
MIN_SCORE = 2  # "Fair": weaker passphrases are asked again
# Red, amber, yellow-green, green: readable on light and dark windows alike.
COLOURS = ("#d32f2f", "#d32f2f", "#e68a00", "#7cb342", "#2e9d4a")


def acceptable(passphrase: str) -> bool:
    """Long and strong enough for a new passphrase."""
    return len(passphrase) >= MIN_PASSPHRASE and passphrase_strength(passphrase)[0] >= MIN_SCORE


class StrengthBar(QWidget):
    """Four segments, as many filled as the 0-4 score (one for any text), in the score's
    colour; the empty ones in the palette's mid tone."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value = 0
        self._typed = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(8)
        self.setAccessibleName(self.tr("Passphrase strength"))

    def value(self) -> int:
        return self._value

    def setValue(self, score: int, typed: bool = True) -> None:
        self._value, self._typed = max(0, min(4, score)), typed
        self.setAccessibleDescription(f"{self._value}/4")
        self.update()

    def colour(self) -> QColor:
        return QColor(COLOURS[self._value])

    def sizeHint(self) -> QSize:
        return QSize(200, 8)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        gap, n = 4.0, 4
        width = (self.width() - gap * (n - 1)) / n
        filled = max(self._value, 1) if self._typed else 0
        empty = self.palette().color(QPalette.ColorRole.Mid)
        for i in range(n):
            painter.setBrush(self.colour() if i < filled else empty)
            painter.drawRoundedRect(QRectF(i * (width + gap), 0, width, self.height()), 3, 3)
        painter.end()


class StrengthMeter(QWidget):
    """The bar and its hint; the hint keeps room for two lines whatever it says."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = StrengthBar()
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.hint.setAccessibleName(self.tr("Passphrase hint"))
        self.hint.setMinimumHeight(2 * self.hint.fontMetrics().lineSpacing() + 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.bar)
        layout.addWidget(self.hint)

    def show_for(self, passphrase: str, confirm: str | None = None) -> bool:
        """Rate `passphrase`, say why it is not enough yet, and return whether it is
        acceptable (and, when `confirm` is given, the same as it)."""
        if not passphrase:
            self.bar.setValue(0, typed=False)
            self.hint.setText(self.tr("Choose a passphrase: a short sentence is best."))
            return False
        score, _ = passphrase_strength(passphrase)
        self.bar.setValue(score)
        hint = self._hint(score, len(passphrase))
        ok = acceptable(passphrase)
        if ok and confirm is not None and confirm and confirm != passphrase:
            hint += " " + self.tr("The two entries differ.")
        self.hint.setText(hint)
        return ok and (confirm is None or confirm == passphrase)

    def _hint(self, score: int, length: int) -> str:
        if length < MIN_PASSPHRASE:
            return self.tr("Too short: use at least 8 characters; a short sentence is best.")
        return (self.tr("Weak: add a few more words to continue."),
                self.tr("Weak: add a few more words to continue."),
                self.tr("Fair: longer is stronger."), self.tr("Good."),
                self.tr("Strong."))[score]
