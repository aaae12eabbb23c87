"""The main window: the welcome/unlock screen, then a sidebar of pages."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QSettings, QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QStyle,
    QWidget,
)

from visrec_desktop.core import library as core
from visrec_desktop.core.progress import Progress
from visrec_desktop.gui import view_settings
from visrec_desktop.gui import window_geometry as placement
from visrec_desktop.gui.about import show_about
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.elsewhere import ElsewhereWatch
from visrec_desktop.gui.icons import shield_icon
from visrec_desktop.gui.page import Page
from visrec_desktop.gui.pages.catalogs_page import CatalogsPage
from visrec_desktop.gui.pages.foryou import ForYouPage
from visrec_desktop.gui.pages.library_page import LibraryPage
from visrec_desktop.gui.pages.privacy_page import PrivacyPage
from visrec_desktop.gui.pages.profile_page import ProfilePage
from visrec_desktop.gui.pages.settings_page import SettingsPage
from visrec_desktop.gui.welcome import WelcomePage
from visrec_desktop.gui.widgets import warn
from visrec_desktop.gui.worker import wait_for, wait_for_all

if TYPE_CHECKING:  # the engine (NumPy, ONNX Runtime, OpenCV) loads after the window shows
    from visrec_desktop.core.library import Library

log = logging.getLogger(__name__)
SP = QStyle.StandardPixmap
PAGE_ICONS = (SP.SP_DialogYesButton, SP.SP_DirIcon, SP.SP_FileDialogInfoView,
              SP.SP_FileDialogContentsView, None, SP.SP_FileDialogDetailedView)  # None: drawn


class MainWindow(QMainWindow):
    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.setWindowTitle("visrec")  # the app's name, not translated
        self.ctx = AppContext(data_dir, self)
        self.ctx.error.connect(self.show_error)
        self.ctx.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.elsewhere = ElsewhereWatch(self.ctx, self)  # follows the CLI's changes

        self.welcome = WelcomePage()
        self.welcome.create_requested.connect(lambda p, r: self._open(p, r, creating=True))
        self.welcome.unlock_requested.connect(lambda p, r: self._open(p, r, creating=False))

        self.library_page = LibraryPage(self.ctx)
        self.library_page.recommendations_requested.connect(
            lambda: self._go(self.foryou_page))
        self.foryou_page = ForYouPage(self.ctx)
        self.profile_page = ProfilePage(self.ctx)
        self.catalogs_page = CatalogsPage(self.ctx)
        self.privacy_page = PrivacyPage(self.ctx)
        self.settings_page = SettingsPage(self.ctx)
        self.settings_page.lock_requested.connect(self.lock)
        self.settings_page.erased.connect(self._after_erase)
        self.pages: list[Page] = [self.foryou_page, self.library_page, self.profile_page,
                                  self.catalogs_page, self.privacy_page, self.settings_page]
        self.nav = QListWidget()
        self.nav.setAccessibleName(self.tr("Pages"))
        self.nav.setFixedWidth(180)
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setSpacing(2)
        # A focus ring drawn from the palette, so it shows in light and dark themes alike.
        self.nav.setStyleSheet("QListWidget:focus { border: 2px solid palette(highlight); }")
        self.stack = QStackedWidget()
        for n, page in enumerate(self.pages, 1):
            which = PAGE_ICONS[n - 1]
            icon = shield_icon(self.palette()) if which is None else \
                self.style().standardIcon(which)
            item = QListWidgetItem(icon, page.title, self.nav)
            item.setToolTip(self.tr("{page} (Ctrl+{n})").format(page=page.title, n=n))
            self.stack.addWidget(page)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.currentRowChanged.connect(self._remember_page)
        main = QWidget()
        row = QHBoxLayout(main)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)

        self.root = QStackedWidget()
        self.root.addWidget(self.welcome)
        self.root.addWidget(main)
        self.setCentralWidget(self.root)
        self._make_actions()
        self._restore_geometry()
        self.statusBar()
        self._start()

    # -- menus and shortcuts ------------------------------------------------------------------
    def _make_actions(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.add_folder_action = self._action(file_menu, self.tr("&Add photo folder..."),
                                              "Ctrl+O", self._add_folder)
        self.import_action = self._action(file_menu, self.tr("&Import catalog..."), "Ctrl+I",
                                          self._import_catalog)
        self.rescan_action = self._action(file_menu, self.tr("&Rescan folders"), "F5",
                                          self._rescan)
        file_menu.addSeparator()
        self.lock_action = self._action(file_menu, self.tr("&Lock"), "Ctrl+L", self.lock)
        file_menu.addSeparator()
        self.quit_action = self._action(file_menu, self.tr("&Quit"),
                                        QKeySequence.StandardKey.Quit, self.close)
        go_menu = self.menuBar().addMenu(self.tr("&Go"))
        self.page_actions = [
            self._action(go_menu, page.title, f"Ctrl+{n}",
                         lambda _checked=False, p=page: self._go(p))
            for n, page in enumerate(self.pages, 1)]
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self._action(help_menu, self.tr("&About visrec"), None, lambda: show_about(self))
        self._set_unlocked_actions(False)

    def _action(self, menu: object, text: str, shortcut: object, slot: object) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))  # type: ignore[arg-type]
        action.triggered.connect(slot)  # type: ignore[arg-type]
        menu.addAction(action)  # type: ignore[attr-defined]
        return action

    def _set_unlocked_actions(self, unlocked: bool) -> None:
        for action in (self.add_folder_action, self.import_action, self.rescan_action,
                       self.lock_action, *self.page_actions):
            action.setEnabled(unlocked)

    def _add_folder(self) -> None:
        self.show_page(self.library_page)
        self.library_page.add_folder_dialog()

    def _import_catalog(self) -> None:
        self.show_page(self.catalogs_page)
        self.catalogs_page.import_dialog()

    def _rescan(self) -> None:
        self.show_page(self.library_page)
        self.library_page.rescan()

    def show_page(self, page: Page) -> None:
        self.nav.setCurrentRow(self.pages.index(page))

    def _go(self, page: Page) -> None:
        """Ctrl+1…6: show the page and put the keyboard focus in it."""
        self.show_page(page)
        widget = page.nextInFocusChain()
        while widget is not page and widget is not None:
            if (page.isAncestorOf(widget) and widget.isVisible() and widget.isEnabled()
                    and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
                widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return
            widget = widget.nextInFocusChain()

    # -- lock and unlock ------------------------------------------------------------------------
    def _start(self) -> None:
        data_dir = self.ctx.data_dir
        if not core.profile_exists(data_dir):
            self.welcome.set_mode(creating=True)
            return
        self.welcome.set_mode(creating=False)
        if core.device_unlock_available(data_dir):
            self._open("", None, creating=False, use_device=True)

    def _open(self, passphrase: str, remember: bool | None, creating: bool,
              use_device: bool = False) -> None:
        self.welcome.set_busy(True)
        data_dir = self.ctx.data_dir

        def work(progress: Progress) -> Library:
            return core.open_library(data_dir, lambda _creating: passphrase,
                                     use_device=use_device, remember=remember)

        self.ctx.run(work, self._unlocked, on_failure=self.welcome.show_error, name="unlock")

    def _unlocked(self, library: Library) -> None:
        self.ctx.library = library
        first = self.nav.currentRow() < 0  # before the switch: focus would select a row
        landing = self._first_page(library) if first else None  # before that row is saved
        self.welcome.reset()
        self.root.setCurrentIndex(1)
        self._set_unlocked_actions(True)
        self.ctx.unlocked.emit()
        if landing is not None:
            self.show_page(landing)
        self.ctx.status.emit(self.tr("Unlocked"))

    def _first_page(self, library: Library) -> Page:
        """The Library page while no photo folder is added (photos come first), else the page
        shown when the app was last left, For You the first time."""
        if not library.folders():
            return self.library_page
        row = view_settings.read_int(view_settings.PAGE, self.pages.index(self.foryou_page),
                                     0, len(self.pages) - 1)
        return self.pages[row]

    def _remember_page(self, row: int) -> None:
        if self.ctx.is_unlocked and row >= 0:
            view_settings.write(view_settings.PAGE, row)

    def lock(self) -> None:
        """Stop background work, close the database and forget everything shown."""
        self._lock(wait_for_reads=True)

    def _lock(self, wait_for_reads: bool) -> None:
        """Cancel all background work and wait for it, or (`wait_for_reads` False) only for
        the work that writes; the database is closed once nothing uses it any more."""
        if self.ctx.library is None:
            return
        self.ctx.cancel_all()
        if wait_for_reads:
            wait_for_all()
        elif not wait_for(self.ctx.writers()):
            log.warning("background work still running while closing")
        library = self.ctx.library
        self.ctx.library = None
        self.ctx.locked.emit()
        self.statusBar().clearMessage()  # it may name a folder
        self.ctx.close_when_idle(library)
        self._set_unlocked_actions(False)
        self.welcome.set_mode(creating=not core.profile_exists(self.ctx.data_dir))
        self.root.setCurrentIndex(0)

    def _after_erase(self) -> None:
        self.welcome.set_mode(creating=True)
        self.root.setCurrentIndex(0)
        self._set_unlocked_actions(False)

    def show_error(self, message: str) -> None:
        warn(self, "visrec", message)  # messages may quote a catalog title or a file name

    # -- window state ---------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        """The saved geometry if it fits the screen it is on now (else moved onto it, and
        shrunk only where larger); else the usual size where the screen has room for it, and
        maximized on a small one: the window manager then fills exactly what the panels leave
        (a 1024x640 netbook had opened at 950x576, and on Wayland only it knows the panels)."""
        saved = QSettings().value(view_settings.GEOMETRY)
        if isinstance(saved, QByteArray) and self.restoreGeometry(saved):
            self.keep_on_screen()
            return
        margins = placement.frame_margins(self)
        free = placement.free_area(self.frameGeometry(), self)
        frame = placement.first_frame(free, margins)
        self.setGeometry(frame.marginsRemoved(margins))  # also the size "restore" gives back
        if frame == free:
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def keep_on_screen(self) -> None:
        """Move the window onto its screen's free area, shrinking it only where it is larger,
        so no edge, title bar or button is out of reach (a maximized window is the window
        manager's to place)."""
        if self.windowState() & (Qt.WindowState.WindowMaximized
                                  | Qt.WindowState.WindowFullScreen):
            return
        margins = placement.frame_margins(self)
        frame = self.geometry().marginsAdded(margins)
        fitted = placement.fit_onto(frame, placement.free_area(frame, self))
        if fitted != frame:
            self.setGeometry(fitted.marginsRemoved(margins))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.WindowActivate:
            self.elsewhere.poll()  # back from a terminal: show what the command line did now
        return super().event(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing answers at once: background work is cancelled, and only work that writes is
        waited for. Indexing stops within one model run; what it committed stays, and the
        photos of an interrupted batch are indexed on the next start. A read still running
        (a profile being rebuilt, say) is not waited for: the database is closed once it
        ends, or by the end of the process, and SQLite keeps every committed transaction."""
        QSettings().setValue(view_settings.GEOMETRY, self.saveGeometry())
        self._lock(wait_for_reads=False)
        event.accept()


