"""The Settings page: performance, the model and its licence, the data folder, lock and erase."""

from __future__ import annotations

import os

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from visrec_desktop import i18n
from visrec_desktop.core import library as core
from visrec_desktop.core.errors import VisrecError
from visrec_desktop.core.library import Settings
from visrec_desktop.core.progress import Progress
from visrec_desktop.gui import i18n as gui_i18n
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.page import Page
from visrec_desktop.gui.pages.passphrase_dialog import ChangePassphraseDialog
from visrec_desktop.gui.widgets import button, confirm, scrolling_layout
from visrec_desktop.gui.worker import wait_for_all

AUTOMATIC = QT_TRANSLATE_NOOP("SettingsPage", "Automatic")
ERASE_WORD = "ERASE"


def read_notice(spec: object) -> str:
    """The text of the model's NOTICE file, or a plain sentence when it is missing."""
    notice = getattr(spec, "notice", None)
    if notice is None:
        return QCoreApplication.translate("SettingsPage",
                                          "No licence notice ships with this model.")
    try:
        return str(notice.read_text("utf-8"))
    except OSError as exc:
        return QCoreApplication.translate(
            "SettingsPage", "The licence notice %1 could not be read (%2).").replace(
            "%1", str(notice)).replace("%2", str(exc.strerror or exc))


class SettingsPage(Page):
    """Preferences that hold nothing user-derived, plus lock, remember and erase."""

    title = "Settings"
    lock_requested = Signal()
    erased = Signal()
    remember_changed = Signal(bool)  # the new state, once the keychain agreed

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.tr("Settings")
        self.licence_dialog: QDialog | None = None
        self.passphrase_dialog: ChangePassphraseDialog | None = None

        # -- performance -----------------------------------------------------------------------
        self.provider_combo = QComboBox()
        self.provider_combo.setAccessibleName(self.tr("Execution provider"))
        self.provider_combo.currentIndexChanged.connect(lambda *_: self._provider_chosen())
        self.provider_in_use = QLabel()
        self.provider_in_use.setAccessibleName(self.tr("Execution provider in use"))
        self.threads_spin = QSpinBox()
        self.threads_spin.setAccessibleName(self.tr("Threads for the model"))
        self.threads_spin.setRange(0, max(os.cpu_count() or 1, 1) * 2)
        self.threads_spin.setSpecialValueText(self.tr("All cores"))
        self.threads_spin.setToolTip(self.tr("0 uses every core"))
        self.threads_spin.valueChanged.connect(lambda *_: self._threads_chosen())
        applies = QLabel(self.tr("Changes apply the next time you unlock."))
        applies.setWordWrap(True)
        perf = QGroupBox(self.tr("Performance"))
        perf_form = QFormLayout(perf)
        perf_form.addRow(self.tr("Execution provider:"), self.provider_combo)
        perf_form.addRow("", self.provider_in_use)
        perf_form.addRow(self.tr("Threads:"), self.threads_spin)
        perf_form.addRow("", applies)

        # -- model -----------------------------------------------------------------------------
        self.model_label = QLabel("—")
        self.model_label.setAccessibleName(self.tr("Model"))
        self.licence_label = QLabel("—")
        self.licence_label.setAccessibleName(self.tr("Model licence"))
        self.licence_button = QPushButton(self.tr("Show licence"))
        self.licence_button.setAccessibleName(self.tr("Show the model's licence notice"))
        self.licence_button.clicked.connect(self.show_licence)
        licence_row = QHBoxLayout()
        licence_row.addWidget(self.licence_label, 1)
        licence_row.addWidget(self.licence_button)
        model_box = QGroupBox(self.tr("Model"))
        model_form = QFormLayout(model_box)
        model_form.addRow(self.tr("Model:"), self.model_label)
        model_form.addRow(self.tr("Licence:"), licence_row)
        model_form.addRow("", QLabel(self.tr("The model runs on this computer only.")))

        # -- privacy and data ------------------------------------------------------------------
        self.data_dir_edit = QLineEdit(str(ctx.data_dir))
        self.data_dir_edit.setReadOnly(True)
        self.data_dir_edit.setAccessibleName(self.tr("Data folder"))
        self.copy_button = QPushButton(self.tr("Copy path"))
        self.copy_button.setAccessibleName(self.tr("Copy the data folder path"))
        self.copy_button.clicked.connect(self.copy_data_dir)
        data_row = QHBoxLayout()
        data_row.addWidget(self.data_dir_edit, 1)
        data_row.addWidget(self.copy_button)
        self.remember_check = QCheckBox(self.tr("Remember on this device"))
        self.remember_check.setAccessibleName(self.tr("Remember on this device"))
        self.remember_check.setToolTip(self.tr("Keep the key in the system keychain so visrec "
                                               "opens without the passphrase; the passphrase "
                                               "keeps working"))
        self.remember_check.clicked.connect(self._remember_clicked)
        self.keychain_problem = core.keychain_problem()
        if self.keychain_problem:  # off, and says why, rather than fail when ticked
            self.remember_check.setToolTip(self.keychain_problem)
        self.remember_note = QLabel(self.keychain_problem or "")
        self.remember_note.setWordWrap(True)
        self.remember_note.setVisible(self.keychain_problem is not None)
        self.passphrase_button = button(
            self.tr("Change passphrase..."), self.tr("Change passphrase"),
            self.tr("Choose a new passphrase; the current one is asked for first"),
            self.change_passphrase_dialog)
        self.lock_button = QPushButton(self.tr("Lock now"))
        self.lock_button.setAccessibleName(self.tr("Lock now"))
        self.lock_button.clicked.connect(self.lock_requested.emit)
        self.erase_button = QPushButton(self.tr("Erase everything..."))
        self.erase_button.setAccessibleName(self.tr("Erase everything"))
        self.erase_button.setToolTip(self.tr("Delete your encrypted profile from this computer"))
        self.erase_button.clicked.connect(self.erase_dialog)
        actions = QHBoxLayout()
        actions.addWidget(self.lock_button)
        actions.addWidget(self.passphrase_button)
        actions.addStretch(1)
        actions.addWidget(self.erase_button)
        privacy = QGroupBox(self.tr("Privacy and data"))
        privacy_form = QFormLayout(privacy)
        privacy_form.addRow(self.tr("Data folder:"), data_row)
        privacy_form.addRow("", self.remember_check)
        privacy_form.addRow("", self.remember_note)
        privacy_form.addRow(actions)

        language_box = self._language_box()

        layout = scrolling_layout(self)
        layout.addWidget(language_box)
        layout.addWidget(perf)
        layout.addWidget(model_box)
        layout.addWidget(privacy)
        layout.addStretch(1)
        self._set_enabled(False)

    # -- performance ----------------------------------------------------------------------------
    def _fill_providers(self) -> None:
        combo = self.provider_combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr(AUTOMATIC), "auto")
        for name in core.available_providers():
            combo.addItem(name, name)
        saved = self.ctx.settings.provider or "auto"
        wanted = "auto" if saved.strip().lower() == "auto" else core.canonical_provider(saved)
        index = combo.findData(wanted)
        if index < 0:
            combo.addItem(self.tr("%1 (not available here)").replace("%1", wanted), wanted)
            index = combo.count() - 1
        combo.setCurrentIndex(index)
        combo.blockSignals(False)

    # -- language -------------------------------------------------------------------------------
    def _language_box(self) -> QGroupBox:
        """The language of the app (docs/i18n.md): the system's unless chosen here; it applies
        at the next start, and the box says so. The list shows the saved choice, which is what
        it changes; when `--lang` or $VISREC_LANG overrides that choice for this run, a line
        above the list says which language is in effect and why."""
        self.language_combo = QComboBox()
        self.language_combo.setAccessibleName(self.tr("Language"))
        self.language_combo.addItem(self.tr("Follow the system (%1)").replace(
            "%1", i18n.NAMES[gui_i18n.system_language()]), "")
        for code, name in gui_i18n.language_names():
            self.language_combo.addItem(name, code)
        index = self.language_combo.findData(self.ctx.settings.language or "")
        self.language_combo.setCurrentIndex(max(index, 0))
        self.language_combo.currentIndexChanged.connect(lambda *_: self._language_chosen())
        self.language_override = QLabel()
        self.language_override.setWordWrap(True)
        note = QLabel(self.tr("A new language applies the next time visrec starts."))
        note.setWordWrap(True)
        box = QGroupBox(self.tr("Language"))
        form = QFormLayout(box)
        form.addRow(self.language_override)
        form.addRow(self.tr("Language:"), self.language_combo)
        form.addRow("", note)
        self._show_language_override()
        return box

    def _show_language_override(self) -> None:
        """Say so when this run speaks another language than the saved choice gives."""
        lang, by = i18n.current(), gui_i18n.decided_by()
        saved = i18n.normalise(self.ctx.settings.language) or gui_i18n.system_language()
        text = ""
        if lang != saved and by == "option":
            text = self.tr("This time visrec is in %1: it was started with --lang %2. The "
                           "choice below applies when visrec starts without --lang.")
        elif lang != saved and by == "environment":
            text = self.tr("This time visrec is in %1: the variable VISREC_LANG is set to %2. "
                           "The choice below applies when it is not set.")
        self.language_override.setText(text.replace("%1", i18n.NAMES[lang]).replace("%2", lang))
        self.language_override.setVisible(bool(text))

    def _language_chosen(self) -> None:
        value = str(self.language_combo.currentData() or "")
        if value != self.ctx.settings.language:
            self.ctx.settings.language = value
            self._save(self.tr("Language saved: restart visrec to see it"))
        self._show_language_override()

    def _provider_chosen(self) -> None:
        value = self.provider_combo.currentData()
        if value and value != self.ctx.settings.provider:
            self.ctx.settings.provider = str(value)
            self._save(self.tr("Execution provider saved: it applies the next time you "
                               "unlock"))

    def _threads_chosen(self) -> None:
        value = self.threads_spin.value()
        if value != self.ctx.settings.threads:
            self.ctx.settings.threads = value
            self._save(self.tr("Threads saved: the change applies the next time you unlock"))

    def _save(self, message: str) -> None:
        try:
            self.ctx.save_settings()
        except VisrecError as exc:
            self.ctx.error.emit(str(exc))
            return
        self.ctx.status.emit(message)

    # -- model ----------------------------------------------------------------------------------
    def show_licence(self) -> None:
        lib = self.ctx.library
        if lib is None:
            return
        spec = lib.embedder.spec
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("Licence of %1").replace("%1", spec.name))
        text = QPlainTextEdit(read_notice(spec))
        text.setReadOnly(True)
        text.setAccessibleName(self.tr("Licence notice"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        box = QVBoxLayout(dialog)
        box.addWidget(QLabel(f"{spec.name} {spec.version} — {spec.licence}"))
        box.addWidget(text)
        box.addWidget(buttons)
        dialog.resize(640, 480)
        self.licence_dialog = dialog
        dialog.open()

    # -- data folder, remember, lock, erase -----------------------------------------------------
    def copy_data_dir(self) -> None:
        QGuiApplication.clipboard().setText(str(self.ctx.data_dir))
        self.ctx.status.emit(self.tr("Data folder path copied"))

    def _remember_clicked(self, checked: bool) -> None:
        passphrase: str | None = None
        if checked:
            text, ok = QInputDialog.getText(
                self, self.tr("Remember on this device"),
                self.tr("Enter your passphrase to keep the key in the system keychain:"),
                QLineEdit.EchoMode.Password)
            if not ok or not text:
                self.remember_check.setChecked(False)
                return
            passphrase = text
        self.set_remember(checked, passphrase)

    def set_remember(self, on: bool, passphrase: str | None = None) -> None:
        """Turn "remember on this device" on or off in the background (the keychain may be slow
        or missing); the checkbox follows what actually happened."""
        data_dir = self.ctx.data_dir
        self.remember_check.setEnabled(False)

        def work(progress: Progress) -> bool:
            return core.set_remembered(data_dir, on, passphrase)

        def done(state: bool) -> None:
            self.remember_check.setChecked(state)
            self.ctx.status.emit(
                self.tr("visrec now opens without the passphrase on this device") if state
                else self.tr("visrec asks for the passphrase again on this device"))
            self.remember_changed.emit(state)

        def failed(message: str) -> None:
            self.remember_check.setChecked(self._remembered())
            if on:
                message = (f"{message.rstrip('.')}.\n" + self.tr(
                    "visrec keeps asking for your passphrase when it starts."))
            self.ctx.error.emit(message)

        self.ctx.run(work, done, on_failure=failed,
                     on_finished=lambda: self.remember_check.setEnabled(
                         self.ctx.is_unlocked and not self.keychain_problem),
                     name="remember")

    def _remembered(self) -> bool:
        try:
            return core.is_remembered(self.ctx.data_dir)
        except VisrecError:
            return False

    def erase_dialog(self) -> None:
        """Two confirmations (a warning, then typing ERASE) before anything is deleted; the
        buttons say "Erase everything", never "Yes"."""
        if not self.ctx.is_unlocked:
            return
        action = self.tr("Erase everything")
        if not confirm(
                self, action,
                self.tr("This deletes your encrypted profile from this computer: what visrec "
                        "learnt from your photos, your choices, your likes and the key that "
                        "opens them. It cannot be undone.\n\nYour photos themselves are not "
                        "touched. Installed catalogs (public data) stay."),
                action, QMessageBox.Icon.Warning):
            return
        dialog = QInputDialog(self)
        dialog.setWindowTitle(action)
        dialog.setLabelText(self.tr("Type %1 to confirm:").replace("%1", ERASE_WORD))
        dialog.setOkButtonText(action)
        if not dialog.exec():
            return
        if dialog.textValue().strip() != ERASE_WORD:
            QMessageBox.information(self, action, self.tr("Nothing was erased: you did not type "
                                                          "%1.").replace("%1", ERASE_WORD))
            return
        self.erase()

    def change_passphrase_dialog(self) -> ChangePassphraseDialog | None:
        """Open "Change passphrase" (window-modal); returns it for whoever wants to watch."""
        if not self.ctx.is_unlocked:
            return None
        dialog = ChangePassphraseDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.passphrase_dialog = dialog
        dialog.finished.connect(lambda _result: setattr(self, "passphrase_dialog", None))
        dialog.open()
        return dialog

    def erase(self) -> None:
        """Lock (through the main window when there is one), then erase the profile."""
        window = self.window()
        lock = getattr(window, "lock", None)
        if window is not self and callable(lock):
            lock()
        if self.ctx.library is not None:
            self._lock_here()
        data_dir = self.ctx.data_dir

        def done(removed: object) -> None:
            self.ctx.settings = Settings()
            self.ctx.status.emit(self.tr("Your profile was erased from this computer"))
            self.erased.emit()

        self.ctx.run(lambda progress: core.erase_profile(data_dir), done, name="erase")

    def _lock_here(self) -> None:
        """Locking without a main window (the page on its own): stop work, close the store."""
        self.ctx.cancel_all()
        wait_for_all()
        lib, self.ctx.library = self.ctx.library, None
        self.ctx.locked.emit()
        if lib is not None:
            lib.close()

    # -- lock and unlock ------------------------------------------------------------------------
    def _set_enabled(self, on: bool) -> None:
        for widget in (self.provider_combo, self.threads_spin, self.licence_button,
                       self.remember_check, self.lock_button, self.erase_button,
                       self.passphrase_button):
            widget.setEnabled(on)
        if self.keychain_problem:
            self.remember_check.setEnabled(on and self._remembered())  # can still be turned off

    def on_unlocked(self) -> None:
        lib = self.ctx.require()
        self._fill_providers()
        embedder = lib.embedder
        threads = self.tr("1 thread") if embedder.threads == 1 else \
            self.tr("%1 threads").replace("%1", str(embedder.threads))
        in_use = self.tr("In use now: %1 (%2), %3").replace("%1", embedder.provider).replace(
            "%2", core.provider_short_name(embedder.provider)).replace("%3", threads)
        if embedder.notes:
            in_use += "\n" + "\n".join(embedder.notes)
        self.provider_in_use.setText(in_use)
        self.threads_spin.blockSignals(True)
        self.threads_spin.setValue(self.ctx.settings.threads)
        self.threads_spin.blockSignals(False)
        spec = embedder.spec
        self.model_label.setText(f"{spec.name} {spec.version}")
        self.licence_label.setText(spec.licence)
        self.data_dir_edit.setText(str(self.ctx.data_dir))
        self.remember_check.setChecked(self._remembered())
        self._set_enabled(True)

    def on_locked(self) -> None:
        self._set_enabled(False)
        self.provider_in_use.clear()
        if self.licence_dialog is not None:
            self.licence_dialog.close()
            self.licence_dialog = None
        if self.passphrase_dialog is not None:
            self.passphrase_dialog.reject()
