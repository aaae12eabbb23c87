"""First run: say what the app does and create a passphrase. Later runs: unlock."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from visrec_desktop.core.library import keychain_problem
from visrec_desktop.gui.strength import MIN_PASSPHRASE, StrengthMeter

__all__ = ["MIN_PASSPHRASE", "WelcomePage"]
BOX_WIDTH = 640

WELCOME = QT_TRANSLATE_NOOP(
    "WelcomePage",
    "<h1>Welcome to visrec</h1>"
    "<p>Drag your photo folders in, and visrec learns what you like to look at. Then it "
    "ranks a product catalog for you, so you can browse recommendations offline.</p>"
    "<p><b>Nothing leaves this computer.</b> Your photos are analysed here, by a model that "
    "ships with the app. What it learns (folder and file names, labels, your likes) is kept "
    "encrypted with a passphrase only you know. The app never opens a network connection.</p>"
)


class WelcomePage(QWidget):
    """Create a profile (first run) or unlock it; emits the passphrase, never stores it."""

    create_requested = Signal(str, bool)  # passphrase, remember on this device
    unlock_requested = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.creating = True
        self.intro = QLabel(QCoreApplication.translate("WelcomePage", WELCOME))
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.RichText)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(self.tr("Passphrase"))
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm.setAccessibleName(self.tr("Repeat passphrase"))
        self.meter = StrengthMeter()
        self.strength, self.hint = self.meter.bar, self.meter.hint
        self.remember = QCheckBox(self.tr("Remember on this device (uses the system keychain; "
                                          "the passphrase keeps working too)"))
        # Without a keychain the option could only fail: it is off, and says why.
        self.keychain_problem = keychain_problem()
        self.remember_note = QLabel(self.keychain_problem or "")
        self.remember_note.setWordWrap(True)
        self.remember_note.setVisible(self.keychain_problem is not None)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # messages may quote a file name
        self.error.setStyleSheet("color: palette(bright-text); background: #b3261e; "
                                 "padding: 6px; border-radius: 4px;")
        self.error.setWordWrap(True)
        self.error.hide()
        self.go = QPushButton()
        self.go.setDefault(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.hide()

        form = QFormLayout()
        form.addRow(self.tr("Passphrase:"), self.passphrase)
        self.confirm_label = QLabel(self.tr("Repeat it:"))
        form.addRow(self.confirm_label, self.confirm)
        form.addRow("", self.meter)
        box = QWidget()
        box.setFixedWidth(BOX_WIDTH)
        inner = QVBoxLayout(box)
        margins = inner.contentsMargins()
        self._intro_width = BOX_WIDTH - margins.left() - margins.right()
        inner.addWidget(self.intro)
        inner.addLayout(form)
        inner.addWidget(self.remember)
        inner.addWidget(self.remember_note)
        inner.addWidget(self.error)
        inner.addWidget(self.go)
        inner.addWidget(self.busy)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

        self.passphrase.textChanged.connect(self._update)
        self.confirm.textChanged.connect(self._update)
        self.passphrase.returnPressed.connect(self._submit)
        self.confirm.returnPressed.connect(self._submit)
        self.go.clicked.connect(self._submit)
        self.set_mode(creating=True)

    def set_mode(self, creating: bool) -> None:
        self.creating = creating
        self.intro.setText(QCoreApplication.translate("WelcomePage", WELCOME) if creating else
                           self.tr("<h1>visrec is locked</h1><p>Enter your passphrase to open "
                                   "your encrypted profile.</p>"))
        # A wrapped label in an aligned, fixed-width box is not given its height-for-width.
        # The width the label really gets: Chinese fills every line to the edge, so a guess
        # that is a few pixels wide leaves its last line under the form.
        self.intro.setMinimumHeight(intro_height(self.intro, self._intro_width))
        for w in (self.confirm, self.confirm_label, self.meter):
            w.setVisible(creating)
        self.go.setText(self.tr("Create my private profile") if creating else self.tr("Unlock"))
        self.go.setAccessibleName(self.go.text())
        self.reset()

    def reset(self) -> None:
        self.passphrase.clear()
        self.confirm.clear()
        self.error.hide()
        self.set_busy(False)
        self._update()
        self.passphrase.setFocus()

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for w in (self.passphrase, self.confirm, self.remember):
            w.setEnabled(not busy)
        if self.keychain_problem:
            self.remember.setChecked(False)
            self.remember.setEnabled(False)
        self._update()
        if busy:
            self.go.setEnabled(False)

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.error.setText(message)
        self.error.show()
        self.passphrase.selectAll()
        self.passphrase.setFocus()

    def _update(self) -> None:
        text = self.passphrase.text()
        # creating: a weak passphrase is asked again here, the button waits for a stronger one
        ok = self.meter.show_for(text, self.confirm.text()) if self.creating else bool(text)
        self.go.setEnabled(ok and not self.busy.isVisible())

    def _submit(self) -> None:
        if not self.go.isEnabled():
            return
        self.error.hide()
        signal = self.create_requested if self.creating else self.unlock_requested
        signal.emit(self.passphrase.text(), self.remember.isChecked())


def intro_height(label: QLabel, width: int) -> int:
    """The height `label`'s rich text needs at `width` pixels, laid out as QLabel lays it out
    (QLabel.heightForWidth leaves out the paragraphs' margins, so the last line of a long
    welcome text ended under the passphrase field)."""
    doc = QTextDocument()
    doc.setDefaultFont(label.font())
    doc.setHtml(label.text())
    doc.setTextWidth(width)
    # a full line of slack: under X with a CJK fallback font the glyphs' line height exceeds
    # the label font's, and half a line still let the last line touch the field (seen there)
    return int(doc.size().height()) + label.fontMetrics().height()
