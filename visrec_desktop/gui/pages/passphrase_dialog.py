"""Settings' "Change passphrase…": the current one, a new one twice, a strength check, and
the change run off the GUI thread. A wrong current passphrase changes no byte."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from visrec_desktop.core.errors import WrongPassphraseError
from visrec_desktop.core.library import change_passphrase
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.strength import StrengthMeter
from visrec_desktop.gui.worker import human_message


def _secret(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(name)
    return edit


class ChangePassphraseDialog(QDialog):
    """Asks, then changes the passphrase through the operation runner; stays open with a
    message when the current passphrase is wrong."""

    changed = Signal()  # the new passphrase is in force
    refused = Signal(str)  # the message shown (nothing was changed)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Change passphrase"))
        intro = QLabel(self.tr("The new passphrase opens your profile from now on; the old one "
                               "stops working. It cannot be recovered if lost."))
        intro.setWordWrap(True)
        self.old = _secret(self.tr("Current passphrase"))
        self.new = _secret(self.tr("New passphrase"))
        self.repeat = _secret(self.tr("Repeat the new passphrase"))
        self.meter = StrengthMeter()
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setAccessibleName(self.tr("Why the passphrase was not changed"))
        self.error.setMinimumHeight(2 * self.error.fontMetrics().lineSpacing() + 4)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setFixedHeight(6)
        self.busy.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.go = self.buttons.addButton(self.tr("Change passphrase"),
                                         QDialogButtonBox.ButtonRole.AcceptRole)
        self.go.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Current passphrase:"), self.old)
        form.addRow(self.tr("New passphrase:"), self.new)
        form.addRow(self.tr("Repeat it:"), self.repeat)
        form.addRow("", self.meter)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        for edit in (self.old, self.new, self.repeat):
            edit.textChanged.connect(self._update)
        self.setMinimumWidth(480)
        self._update()

    def _update(self) -> None:
        ok = self.meter.show_for(self.new.text(), self.repeat.text())
        if ok and self.new.text() == self.old.text():
            self.meter.hint.setText(self.tr("The new passphrase is the same as the current "
                                            "one."))
            ok = False
        self.go.setEnabled(ok and bool(self.old.text()) and not self.busy.isVisible())
        self.go.setDefault(True)  # Enter changes it, also after a refusal moved the focus

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for edit in (self.old, self.new, self.repeat):
            edit.setEnabled(not busy)
        self._update()

    def submit(self) -> None:
        if not self.go.isEnabled():
            return
        old, new = self.old.text(), self.new.text()
        data_dir = self.ctx.data_dir
        self.error.clear()
        self._set_busy(True)
        self.ctx.op(lambda _lib, _progress: change_passphrase(data_dir, old, new)) \
            .success(lambda _none: self._done()).failure(self._failed).run(initiator=self)

    def _done(self) -> None:
        self._set_busy(False)
        self.ctx.status.emit(self.tr("Passphrase changed. The old one no longer opens this "
                                     "profile."))
        self.changed.emit()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, WrongPassphraseError):
            message = self.tr("The current passphrase is not right. Nothing was changed.")
            self.old.selectAll()
            self.old.setFocus()
        else:
            message = human_message(exc)
        self.error.setText(message)
        self.refused.emit(message)
