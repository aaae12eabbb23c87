"""The Catalogs page: the product catalogs installed, importing, updating and removing them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from visrec_desktop.core import library as core
from visrec_desktop.core.errors import Cancelled, CatalogDowngradeError, CatalogFormatError
from visrec_desktop.core.library import Changes
from visrec_desktop.core.progress import Progress, ProgressState
from visrec_desktop.gui import i18n
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.file_dialogs import choose_file
from visrec_desktop.gui.page import Page
from visrec_desktop.gui.pages.catalog_text import (
    details_text,
    older_text,
    report_text,
    sentence,
    signature_text,
)
from visrec_desktop.gui.widgets import ask, plain, table, table_item
from visrec_desktop.gui.worker import Task

if TYPE_CHECKING:  # the engine (NumPy, ONNX Runtime, OpenCV) loads after the window shows
    from visrec_desktop.core.library import ImportReport, InstalledCatalog, Library

translate = QCoreApplication.translate  # the name lupdate looks for

COLUMNS = (QT_TRANSLATE_NOOP("CatalogsPage", "Catalog"),
           QT_TRANSLATE_NOOP("CatalogsPage", "Publisher"),
           QT_TRANSLATE_NOOP("CatalogsPage", "Items"),
           QT_TRANSLATE_NOOP("CatalogsPage", "Signature"),
           QT_TRANSLATE_NOOP("CatalogsPage", "Installed"))
ID_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class OlderVersion:
    """The import found an older version of a signed catalog: ask before installing it."""

    message: str
    expect_id: str | None


class CatalogsPage(Page):
    """Installed catalogs with their origin; import (file, drop), update and remove."""

    imported = Signal(object)  # ImportReport
    refreshed = Signal()
    import_failed = Signal(str)  # the human message of a refusal

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.tr("Catalogs")
        self.current_task: Task | None = None
        self.catalogs: list[InstalledCatalog] = []
        self._queue: list[tuple[Path, str | None, bool]] = []  # path, expected id, downgrade
        self._last_dir = ""  # memory only
        self._pending_select: str | None = None  # the catalog just imported
        self._hold_report = False

        intro = QLabel(self.tr("Catalogs are product lists from shops, ranked here for your "
                               "taste. Drop a catalog bundle (.zip or folder) on this page, or "
                               "import one."))
        intro.setWordWrap(True)
        self.import_button = QPushButton(self.tr("Import..."))
        self.import_button.setAccessibleName(self.tr("Import a catalog bundle"))
        self.import_button.clicked.connect(self.import_dialog)
        self.update_button = QPushButton(self.tr("Update..."))
        self.update_button.setAccessibleName(self.tr("Update the selected catalog from a new "
                                                     "bundle"))
        self.update_button.clicked.connect(self.update_dialog)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setAccessibleName(self.tr("Remove the selected catalog"))
        self.remove_button.clicked.connect(self.remove_selected)

        self.model, self.catalogs_view = table(self, [self.tr(c) for c in COLUMNS],
                                               self.tr("Installed catalogs"))
        self.catalogs_view.selectionModel().selectionChanged.connect(
            lambda *_: self._selection_changed())
        self.catalogs_view.viewport().installEventFilter(self)  # resized: refit the columns

        self.stage_label = plain(QLabel(""))
        self.progress_bar = QProgressBar()
        self.progress_bar.setAccessibleName(self.tr("Catalog import progress"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the catalog import"))
        self.cancel_button.clicked.connect(self.cancel)

        self.report_view = QPlainTextEdit()
        self.report_view.setReadOnly(True)
        self.report_view.setAccessibleName(self.tr("Catalog details and import report"))
        self.report_view.setPlaceholderText(self.tr("Select a catalog to see its details."))

        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.update_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.stage_label)
        progress_row.addWidget(self.progress_bar, 1)
        progress_row.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.catalogs_view, 3)
        layout.addLayout(progress_row)
        layout.addWidget(self.report_view, 2)
        self.setAcceptDrops(True)
        ctx.catalogs_changed.connect(self.refresh)
        self._set_busy(False)

    # -- listing --------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the installed catalogs (installs the demo catalog when there is none)."""
        lib = self.ctx.library
        if lib is None:
            return
        def failed(message: str) -> None:
            if self.current_task is None:
                self._set_busy(False)
            if self.ctx.library is lib:
                self.ctx.error.emit(message)

        self.ctx.run(lambda progress: lib.catalogs(progress),
                     lambda catalogs: self._show(lib, catalogs),
                     on_progress=self._progressed, on_failure=failed, name="catalogs")

    def _show(self, lib: Library, catalogs: list[InstalledCatalog]) -> None:
        if self.current_task is None:
            self._set_busy(False)
        if self.ctx.library is not lib:
            return
        just_imported = self._pending_select
        selected = just_imported or self.selected_id()
        self._pending_select = None
        self.catalogs = list(catalogs)
        self.model.removeRows(0, self.model.rowCount())
        for c in self.catalogs:
            name = table_item(self.tr("{name} (demo)").format(name=c.name) if c.demo else c.name,
                         (self.tr("{name} ({id}): a demo catalog, fictitious shop and prices")
                          if c.demo else "{name} ({id})").format(name=c.name, id=c.id))
            name.setData(c.id, ID_ROLE)
            when = i18n.date_time(c.installed_at)
            left_out = len(c.problems)
            items = table_item(self.tr("{usable} of {items} usable").format(
                usable=i18n.number(c.usable), items=i18n.number(c.items)),
                (self.tr("1 item left out") if left_out == 1 else self.tr(
                    "{n} items left out").format(n=i18n.number(left_out)))
                if left_out else None)
            self.model.appendRow([name, table_item(c.publisher, c.publisher), items,
                                  table_item(signature := signature_text(c.fingerprint),
                                             signature), table_item(when)])
        self._fit_columns()
        if selected is not None:
            self._hold_report = just_imported is not None  # keep the import report in view
            self.select(selected)
            self._hold_report = False
        self._update_buttons()
        self.refreshed.emit()

    def _fit_columns(self) -> None:
        """Each column after the name as wide as its text, but at most a fifth of the list (the
        key's fingerprint is long), so the catalog's name keeps room in a 1024-pixel window; a
        cut cell shows all of itself in its tooltip."""
        view = self.catalogs_view
        widest = max(view.viewport().width() // 5, 80)
        for col in range(1, len(COLUMNS)):
            view.resizeColumnToContents(col)
            if view.columnWidth(col) > widest:
                view.setColumnWidth(col, widest)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.catalogs_view.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def select(self, catalog_id: str) -> None:
        for row in range(self.model.rowCount()):
            if self.model.item(row, 0).data(ID_ROLE) == catalog_id:
                self.catalogs_view.setCurrentIndex(self.model.index(row, 0))
                return

    def selected_id(self) -> str | None:
        rows = self.catalogs_view.selectionModel().selectedRows(0)
        return self.model.itemFromIndex(rows[0]).data(ID_ROLE) if rows else None

    def _selection_changed(self) -> None:
        cid = self.selected_id()
        catalog = next((c for c in self.catalogs if c.id == cid), None)
        if catalog is not None and self.current_task is None and not self._hold_report:
            self.report_view.setPlainText(details_text(catalog))
        self._update_buttons()

    # -- import ---------------------------------------------------------------------------------
    def import_dialog(self) -> None:
        path = self._ask_bundle(self.tr("Import a catalog"))
        if path is not None:
            self.import_bundle(path)

    def update_dialog(self) -> None:
        cid = self.selected_id()
        if cid is None:
            return
        path = self._ask_bundle(self.tr("Choose the new version of “{id}”").format(id=cid))
        if path is not None:
            self.import_bundle(path, expect_id=cid)

    def _ask_bundle(self, caption: str) -> Path | None:
        if not self.ctx.is_unlocked:
            return None
        chosen = choose_file(self, caption, self._last_dir,
                             self.tr("Catalog bundles (*.zip);;All files (*)"))
        if chosen is not None:
            self._last_dir = str(chosen.parent)
        return chosen

    def import_bundle(self, path: Path, expect_id: str | None = None,
                      allow_downgrade: bool = False) -> None:
        """Validate and install a bundle in the background; `expect_id` makes it an update of
        that catalog (a bundle of another catalog is then refused). An older version of a
        signed catalog is installed only once the person confirms it."""
        lib = self.ctx.library
        if lib is None:
            return
        if self.current_task is not None:
            self._queue.append((path, expect_id, allow_downgrade))
            self.ctx.status.emit(self.tr("{file} queued: imported after the current one").format(
                file=path.name))
            return

        wrong_catalog = self.tr("This bundle holds the catalog “{found}”, not a new version of "
                                "“{expected}”. Use Import... to add it as another catalog")

        def work(progress: Progress) -> ImportReport | OlderVersion | None:
            if expect_id is not None:
                found = core.bundle_catalog_id(path)
                if found != expect_id:
                    raise CatalogFormatError(wrong_catalog.format(found=found,
                                                                  expected=expect_id))
            try:
                return lib.import_catalog(path, progress, allow_downgrade=allow_downgrade)
            except CatalogDowngradeError as exc:
                return OlderVersion(older_text(exc), expect_id)
            except Cancelled:
                return None

        holder: list[Task] = []
        task = self.ctx.run(work, lambda report: self._imported(lib, path, report),
                            on_progress=self._progressed,
                            on_failure=lambda message: self._refused(lib, path, message),
                            on_finished=lambda: self._ended(holder[0], lib), name="import")
        holder.append(task)
        self.current_task = task
        self._set_busy(True)
        self.stage_label.setText(self.tr("Importing {file}...").format(file=path.name))
        self.report_view.setPlainText(self.tr("Checking {file}...").format(file=path.name))

    def _progressed(self, state: ProgressState) -> None:
        if self.current_task is None and self.ctx.is_unlocked:
            # Listing installs the demo catalog the first time: show that it is busy.
            self.stage_label.setText(self.tr("Setting up the demo catalog..."))
            self.progress_bar.setVisible(True)
            self.stage_label.setVisible(True)
        if state.total <= 0:
            self.progress_bar.setRange(0, 0)
            return
        self.progress_bar.setRange(0, state.total)
        self.progress_bar.setValue(min(state.done, state.total))
        text = self.tr("{done} of {total} images").format(done=i18n.number(state.done),
                                                          total=i18n.number(state.total))
        if state.eta is not None and state.done < state.total:
            text += self.tr(" · about {seconds} s left").format(
                seconds=i18n.number(max(round(state.eta), 1)))
        self.progress_bar.setFormat(text)

    def _imported(self, lib: Library, path: Path,
                  report: ImportReport | OlderVersion | None) -> None:
        if self.ctx.library is not lib:
            return
        if isinstance(report, OlderVersion):
            self._confirm_older(path, report)
            return
        if report is None:
            self.report_view.setPlainText(self.tr("Import of {file} cancelled: nothing "
                                                  "changed.").format(file=path.name))
            self.ctx.status.emit(self.tr("Catalog import cancelled"))
            return
        self.report_view.setPlainText(report_text(report))
        c = report.catalog
        done = (self.tr("Updated “{name}”: {usable} of {items} items ready") if report.replaced
                else self.tr("Installed “{name}”: {usable} of {items} items ready"))
        self.ctx.status.emit(done.format(name=c.name, usable=i18n.number(c.usable),
                                         items=i18n.number(c.items)))
        self._pending_select = c.id
        self.imported.emit(report)
        self.ctx.announce(Changes(catalogs=True), self)

    def _confirm_older(self, path: Path, older: OlderVersion) -> None:
        answer = ask(self, self.tr("Install an older version?"),
                     self.tr("{reason}.\n\nInstalling it rolls the catalog back: items, prices "
                             "or links the shop has since changed may come back. Install it "
                             "anyway?").format(reason=sentence(older.message)),
                     QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                     QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            self._hold_report = False
            QTimer.singleShot(0, lambda: self.import_bundle(path, older.expect_id,
                                                            allow_downgrade=True))
        else:
            text = self.tr("{file} was not installed: it is older than the installed "
                           "version.").format(file=path.name)
            self.report_view.setPlainText(text)
            self.ctx.status.emit(text)

    def _refused(self, lib: Library, path: Path, message: str) -> None:
        if self.ctx.library is not lib:
            return
        text = self.tr("{file} was not installed: {reason}.\nThe catalogs already installed "
                       "have not changed.").format(file=path.name, reason=sentence(message))
        self.report_view.setPlainText(text)
        self.import_failed.emit(text)
        self.ctx.error.emit(text)

    def _ended(self, task: Task, lib: Library) -> None:
        if task is not self.current_task:
            return
        self.current_task = None
        self._set_busy(False)
        if self._queue and self.ctx.library is lib:
            path, expect, downgrade = self._queue.pop(0)
            self.import_bundle(path, expect, downgrade)

    def cancel(self) -> None:
        if self.current_task is not None:
            self._queue.clear()
            self.current_task.cancel()
            self.stage_label.setText(self.tr("Cancelling..."))
            self.cancel_button.setEnabled(False)

    # -- drops ----------------------------------------------------------------------------------
    @staticmethod
    def _dropped_paths(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[Path]:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return []
        return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.ctx.is_unlocked and self._dropped_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self.dragEnterEvent(event)  # type: ignore[arg-type]

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._dropped_paths(event)
        if not paths or not self.ctx.is_unlocked:
            event.ignore()
            return
        event.acceptProposedAction()
        bundles = [p for p in paths if p.is_dir() or p.suffix.lower() == ".zip"]
        others = [p for p in paths if p not in bundles]
        if others:
            self.ctx.status.emit(self.tr("{file} is not a catalog bundle (a .zip file or a "
                                         "folder); photo folders go on the Library page").format(
                                             file=others[0].name))
        for path in bundles:
            self.import_bundle(path)

    # -- remove ---------------------------------------------------------------------------------
    def remove_selected(self) -> None:
        cid = self.selected_id()
        if cid is None:
            return
        catalog = next((c for c in self.catalogs if c.id == cid), None)
        name = catalog.name if catalog else cid
        answer = ask(
            self, self.tr("Remove catalog"),
            self.tr("Remove the catalog “{name}”?\n\nYour likes and dislikes on its items are "
                    "kept in case you import it again.").format(name=name))
        if answer == QMessageBox.StandardButton.Yes:
            self.remove_catalog(cid)

    def remove_catalog(self, catalog_id: str) -> None:
        lib = self.ctx.library
        if lib is None or self.current_task is not None:
            return

        def done(_changes: Changes) -> None:
            self.report_view.clear()
            self.ctx.status.emit(self.tr("Catalog “{id}” removed").format(id=catalog_id))

        self.ctx.op(lambda lib, _progress: lib.remove_catalog(catalog_id)).success(done).run(
            initiator=self)

    # -- state ----------------------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        self.progress_bar.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        self.stage_label.setVisible(busy)
        if not busy:
            self.progress_bar.setRange(0, 1)
            self.progress_bar.setValue(0)
            self.progress_bar.setFormat("")
        self._update_buttons()

    def _update_buttons(self) -> None:
        unlocked = self.ctx.is_unlocked
        selected = self.selected_id() is not None
        idle = self.current_task is None
        self.import_button.setEnabled(unlocked)
        self.update_button.setEnabled(unlocked and selected and idle)
        self.remove_button.setEnabled(unlocked and selected and idle)

    def on_unlocked(self) -> None:
        self._update_buttons()
        self.refresh()

    def on_locked(self) -> None:
        if self.current_task is not None:
            self.current_task.cancel()
        self.current_task = None
        self._queue.clear()
        self._last_dir = ""
        self._pending_select = None
        self.catalogs = []
        self.model.removeRows(0, self.model.rowCount())
        self.report_view.clear()
        self._set_busy(False)
