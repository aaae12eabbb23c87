"""The Profile page: the interests visrec found, and the user's say over what counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QImage,
    QPainter,
    QPixmap,
    QShowEvent,
    QStandardItem,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from visrec_desktop.core.library import Changes, Library, TasteProfile
from visrec_desktop.core.progress import Progress
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.file_dialogs import choose_file, choose_folder
from visrec_desktop.gui.page import Page
from visrec_desktop.gui.thumbnails import load_thumbnail
from visrec_desktop.gui.widgets import table
from visrec_desktop.gui.worker import Task

THUMB = 72  # longer side of each example photo, in pixels
EXAMPLES = 4  # example photos shown per interest
GAP = 4
COLUMNS = ("Interest", "Weight", "Photos", "Examples")
WEIGHT_COLUMN, EXAMPLES_COLUMN = 1, 3
PATH_ROLE = Qt.ItemDataRole.UserRole + 1
IMAGE_FILTER = ("Photos (*.jpg *.jpeg *.jpe *.png *.webp *.heic *.heif *.avif *.tif *.tiff "
                "*.bmp *.gif);;All files (*)")


@dataclass
class ProfileSnapshot:
    """Everything the page shows, read in one background task."""

    profile: TasteProfile
    folders: list[Path]
    excluded: list[Path]
    favourites: list[Path]


class WeightDelegate(QStyledItemDelegate):
    """Draws an interest's weight as a bar (in the system style) with its percentage."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        percent = index.data(Qt.ItemDataRole.UserRole)
        if not isinstance(percent, int):
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        cell = option.rect
        height = min(cell.height() - 4, 22)
        bar.rect = QRect(cell.x() + 2, cell.y() + (cell.height() - height) // 2,
                         cell.width() - 4, height)
        bar.minimum, bar.maximum, bar.progress = 0, 100, percent
        bar.text = f"{percent} %"
        bar.textVisible = True
        bar.state = option.state
        bar.palette = option.palette
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(140, super().sizeHint(option, index).height())


def example_strip(paths: list[Path]) -> QImage | None:
    """Up to EXAMPLES thumbnails side by side in one image (built off the GUI thread)."""
    thumbs = []
    for path in paths[:EXAMPLES]:
        try:
            thumbs.append(load_thumbnail(path, THUMB))
        except Exception:  # moved, unreadable or undecodable since indexing: show the others
            continue
    if not thumbs:
        return None
    strip = QImage(len(thumbs) * (THUMB + GAP), THUMB, QImage.Format.Format_ARGB32_Premultiplied)
    strip.fill(Qt.GlobalColor.transparent)
    painter = QPainter(strip)
    for i, thumb in enumerate(thumbs):
        x = i * (THUMB + GAP) + (THUMB - thumb.width()) // 2
        painter.drawImage(QRect(x, (THUMB - thumb.height()) // 2, thumb.width(),
                                thumb.height()), thumb)
    painter.end()
    return strip


def _item(value: object) -> QStandardItem:
    item = QStandardItem()
    item.setData(value, Qt.ItemDataRole.DisplayRole)
    item.setEditable(False)
    return item


class ProfilePage(Page):
    """Interests with example photos; exclusions, favourite folders and reset."""

    title = "Profile"
    profile_shown = Signal(object)  # TasteProfile
    thumbnails_shown = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.profile: TasteProfile | None = None
        self._dirty = False
        self._loading: Task | None = None
        self._again = False
        self._last_dir = ""  # memory only
        self._generation = 0  # bumps on every reload and on lock: late thumbnails are dropped

        self.summary = QLabel("Locked")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Profile summary")

        self.model, self.interests_view = table(self, COLUMNS, "Your interests", single=False,
                                                uniform_rows=False)
        self.interests_view.setIconSize(QSize(EXAMPLES * (THUMB + GAP), THUMB))
        self.interests_view.setItemDelegateForColumn(WEIGHT_COLUMN, WeightDelegate(self))
        header = self.interests_view.header()
        header.resizeSection(WEIGHT_COLUMN, 150)
        header.resizeSection(EXAMPLES_COLUMN, EXAMPLES * (THUMB + GAP) + 12)

        # -- choices ---------------------------------------------------------------------------
        self.folder_combo = QComboBox()
        self.folder_combo.setAccessibleName("Indexed folder")
        self.folder_combo.setMinimumContentsLength(30)
        self.exclude_folder_button = QPushButton("Leave out")
        self.exclude_folder_button.setAccessibleName("Leave the chosen folder out of the profile")
        self.exclude_folder_button.clicked.connect(
            lambda: self._with_combo(self.exclude_folder))
        self.favourite_button = QPushButton("Mark as favourite")
        self.favourite_button.setAccessibleName("Mark the chosen folder as a favourite")
        self.favourite_button.setToolTip("Photos in favourite folders count twice")
        self.favourite_button.clicked.connect(lambda: self._with_combo(self.favourite_folder))
        self.other_folder_button = QPushButton("Other folder...")
        self.other_folder_button.setAccessibleName("Choose another folder, such as a subfolder")
        self.other_folder_button.clicked.connect(self.choose_folder_dialog)
        self.exclude_photo_button = QPushButton("Leave out a photo...")
        self.exclude_photo_button.setAccessibleName("Choose a photo to leave out of the profile")
        self.exclude_photo_button.clicked.connect(self.exclude_photo_dialog)

        self.exclusions_list = QListWidget()
        self.exclusions_list.setAccessibleName("Folders and photos left out")
        self.include_button = QPushButton("Include again")
        self.include_button.setAccessibleName("Include the selected folder or photo again")
        self.include_button.clicked.connect(
            lambda: self._with_selection(self.exclusions_list, self.include))
        self.favourites_list = QListWidget()
        self.favourites_list.setAccessibleName("Favourite folders")
        self.unfavourite_button = QPushButton("Unfavourite")
        self.unfavourite_button.setAccessibleName("Remove the selected folder from favourites")
        self.unfavourite_button.clicked.connect(
            lambda: self._with_selection(self.favourites_list, self.unfavourite))
        self.reset_button = QPushButton("Reset profile...")
        self.reset_button.setAccessibleName("Reset the profile")
        self.reset_button.setToolTip("Forget exclusions, favourites, interest names and likes; "
                                     "your photos stay indexed")
        self.reset_button.clicked.connect(lambda: self.reset_profile(confirm=True))

        choose = QHBoxLayout()
        choose.addWidget(QLabel("Folder:"))
        choose.addWidget(self.folder_combo, 1)
        choose.addWidget(self.other_folder_button)
        choose.addWidget(self.exclude_folder_button)
        choose.addWidget(self.favourite_button)
        choose.addWidget(self.exclude_photo_button)

        left_out = QVBoxLayout()
        left_out.addWidget(QLabel("Left out"))
        left_out.addWidget(self.exclusions_list)
        left_out.addWidget(self.include_button)
        favs = QVBoxLayout()
        favs.addWidget(QLabel("Favourite folders"))
        favs.addWidget(self.favourites_list)
        favs.addWidget(self.unfavourite_button)
        lists = QHBoxLayout()
        lists.addLayout(left_out)
        lists.addLayout(favs)

        box = QGroupBox("What counts")
        box_layout = QVBoxLayout(box)
        box_layout.addLayout(choose)
        box_layout.addLayout(lists)
        reset_row = QHBoxLayout()
        reset_row.addStretch(1)
        reset_row.addWidget(self.reset_button)
        box_layout.addLayout(reset_row)

        self.rename_button = QPushButton("Rename...")
        self.rename_button.setAccessibleName("Rename the selected interest")
        self.rename_button.setToolTip("Give the interest your own name (it stays when the "
                                      "profile is rebuilt); double-click a name does the same")
        self.rename_button.clicked.connect(self.rename_dialog)
        self.merge_button = QPushButton("Merge")
        self.merge_button.setAccessibleName("Merge the two selected interests")
        self.merge_button.setToolTip("Select two interests to treat them as one")
        self.merge_button.clicked.connect(self.merge_selected)
        self.interests_view.doubleClicked.connect(lambda *_: self.rename_dialog())
        interest_actions = QHBoxLayout()
        interest_actions.addStretch(1)
        interest_actions.addWidget(self.rename_button)
        interest_actions.addWidget(self.merge_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.interests_view, 3)
        layout.addLayout(interest_actions)
        layout.addWidget(box, 2)
        self.interests_view.selectionModel().selectionChanged.connect(
            lambda *_: self._update_buttons())

        self.exclusions_list.currentRowChanged.connect(lambda *_: self._update_buttons())
        self.favourites_list.currentRowChanged.connect(lambda *_: self._update_buttons())
        ctx.index_changed.connect(self.invalidate)
        ctx.profile_changed.connect(self.invalidate)
        self._update_buttons()

    # -- loading --------------------------------------------------------------------------------
    def invalidate(self) -> None:
        """The profile may have changed: reload now if shown, else when next shown."""
        if not self.ctx.is_unlocked:
            return
        self._dirty = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty and self.ctx.is_unlocked:
            self.reload()

    def reload(self, rebuild: bool = False) -> None:
        """(Re)build the profile in the background and show it."""
        lib = self.ctx.library
        if lib is None:
            return
        if self._loading is not None:
            self._again = True
            return
        self._dirty = False
        self.summary.setText("Building your profile...")

        def work(progress: Progress) -> ProfileSnapshot:
            profile = lib.profile(rebuild=rebuild)
            return ProfileSnapshot(profile, [f.path for f in lib.folders()], lib.excluded(),
                                   lib.favourites())

        holder: list[Task] = []
        task = self.ctx.run(work, lambda snap: self._show(lib, snap),
                            on_finished=lambda: self._loaded(holder[0], lib), name="profile")
        holder.append(task)
        self._loading = task

    def _loaded(self, task: Task, lib: Library) -> None:
        if task is not self._loading:
            return
        self._loading = None
        if self._again and self.ctx.library is lib:
            self._again = False
            self.reload()

    def _show(self, lib: Library, snap: ProfileSnapshot) -> None:
        if self.ctx.library is not lib:
            return
        self.profile = snap.profile
        self._generation += 1
        profile = snap.profile
        self.model.removeRows(0, self.model.rowCount())
        for i, interest in enumerate(profile.interests):
            name = _item(interest.title)
            name.setToolTip("Your own name for this interest" if interest.user_named else
                            "Named from the interest categories; double-click to rename")
            percent = round(100 * interest.weight)
            weight = _item(f"{percent} %")
            weight.setData(percent, Qt.ItemDataRole.UserRole)
            weight.setData(f"{percent} percent", Qt.ItemDataRole.AccessibleTextRole)
            examples = _item("")
            examples.setData(f"Example photos of interest {i + 1}",
                             Qt.ItemDataRole.AccessibleTextRole)
            self.model.appendRow([name, weight, _item(interest.count), examples])
        self.interests_view.resizeColumnToContents(2)
        used = len(profile.photo_ids)
        if profile.empty:
            self.summary.setText("No photos in your profile yet. Add photo folders on the "
                                 "Library page.")
        else:
            n = len(profile.interests)
            thin = (" Your profile is still thin: until you add more photos, your likes and "
                    "dislikes on the For You page count for more." if profile.thin else "")
            self.summary.setText(f"Built from {used:,} photo{'s' if used != 1 else ''}: "
                                 f"{n} interest{'s' if n != 1 else ''}, strongest first."
                                 + thin)
        self._fill_list(self.exclusions_list, snap.excluded)
        self._fill_list(self.favourites_list, snap.favourites)
        current = self.folder_combo.currentText()
        self.folder_combo.clear()
        for path in snap.folders:
            self.folder_combo.addItem(str(path), str(path))
        if current:
            self.folder_combo.setCurrentIndex(max(self.folder_combo.findText(current), 0))
        self._update_buttons()
        self.profile_shown.emit(profile)
        self._load_examples(lib, profile)

    @staticmethod
    def _fill_list(widget: QListWidget, paths: list[Path]) -> None:
        widget.clear()
        for path in paths:
            item = QListWidgetItem(str(path))
            item.setData(PATH_ROLE, str(path))
            widget.addItem(item)

    def _load_examples(self, lib: Library, profile: TasteProfile) -> None:
        if profile.empty:
            return
        generation = self._generation
        reps = [i.representatives[:EXAMPLES] for i in profile.interests]

        def work(progress: Progress) -> list[QImage | None]:
            strips = []
            for ids in reps:
                progress.checkpoint()
                paths = [p for p in (lib.photo_path(pid) for pid in ids) if p is not None]
                strips.append(example_strip(paths))
            return strips

        self.ctx.run(work, lambda strips: self._show_examples(lib, generation, strips),
                     on_failure=lambda _msg: None, name="profile-thumbnails")

    def _show_examples(self, lib: Library, generation: int,
                       strips: list[QImage | None]) -> None:
        if self.ctx.library is not lib or generation != self._generation:
            return
        for row, strip in enumerate(strips[:self.model.rowCount()]):
            if strip is not None:
                item = self.model.item(row, EXAMPLES_COLUMN)
                item.setData(QPixmap.fromImage(strip), Qt.ItemDataRole.DecorationRole)
        self.thumbnails_shown.emit()

    # -- changes --------------------------------------------------------------------------------
    def _change(self, action: str, fn: Callable[[Library], Changes]) -> None:
        """A write on the serial lane; the runner announces what it changed."""
        self.ctx.op(lambda lib, _progress: fn(lib)).success(
            lambda _changes: self.ctx.status.emit(action)).run(initiator=self)

    def exclude_folder(self, path: Path | str) -> None:
        self._change(f"Left out {path}", lambda lib: lib.exclude(path))

    def exclude_photo(self, path: Path | str) -> None:
        self._change(f"Left out {Path(path).name}", lambda lib: lib.exclude(path))

    def include(self, path: Path | str) -> None:
        self._change(f"Included {path} again", lambda lib: lib.include(path))

    def favourite_folder(self, path: Path | str, on: bool = True) -> None:
        text = f"Marked {path} as a favourite" if on else f"{path} is no longer a favourite"
        self._change(text, lambda lib: lib.favourite(path, on))

    def unfavourite(self, path: Path | str) -> None:
        self.favourite_folder(path, on=False)

    def selected_interests(self) -> list[int]:
        """Rows (0-based interests) selected in the table, in order."""
        return sorted({i.row() for i in self.interests_view.selectionModel().selectedRows()})

    def rename_interest(self, number: int, name: str | None) -> None:
        """Give interest `number` (0-based) the person's own name; None: the automatic one."""
        text = f"Renamed interest {number + 1} to “{name}”" if name else \
            f"Interest {number + 1} has its automatic name again"
        self._change(text, lambda lib: lib.rename_interest(number, name))

    def merge_interests(self, first: int, second: int) -> None:
        self._change(f"Merged interests {first + 1} and {second + 1}",
                     lambda lib: lib.merge_interests(first, second))

    def rename_dialog(self) -> None:
        rows = self.selected_interests()
        if not self.ctx.is_unlocked or len(rows) != 1 or self.profile is None \
                or rows[0] >= len(self.profile.interests):
            return
        interest = self.profile.interests[rows[0]]
        name, ok = QInputDialog.getText(
            self, "Rename interest", "Your name for this interest (leave empty for the "
            "automatic name):", text=interest.label if interest.user_named else interest.title)
        if ok:
            self.rename_interest(rows[0], name.strip() or None)

    def merge_selected(self) -> None:
        rows = self.selected_interests()
        if self.ctx.is_unlocked and len(rows) == 2:
            self.merge_interests(rows[0], rows[1])

    def reset_profile(self, confirm: bool = True) -> None:
        """Forget exclusions, favourites, feedback and interest names (asks first when
        `confirm`)."""
        if not self.ctx.is_unlocked:
            return
        if confirm:
            answer = QMessageBox.question(
                self, "Reset profile",
                "Forget everything you left out, your favourite folders, your names and merges "
                "of interests and your likes, dislikes and hidden items?\n\nYour photos stay "
                "indexed; the profile is built again from all of them.",
                QMessageBox.StandardButton.Reset | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Reset:
                return
        self._change("Profile reset", lambda lib: lib.reset_profile())

    def exclude_photo_dialog(self) -> None:
        if not self.ctx.is_unlocked:
            return
        path = choose_file(self, "Leave a photo out of your profile", self._last_dir,
                           IMAGE_FILTER)
        if path is not None:
            self._last_dir = str(path.parent)
            self.exclude_photo(path)

    def choose_folder_dialog(self) -> None:
        """Pick any folder (a subfolder of an indexed one, say) for the folder choices."""
        if not self.ctx.is_unlocked:
            return
        folder = choose_folder(self, "Choose a folder", self._last_dir)
        if folder is not None:
            chosen = str(folder)
            self._last_dir = chosen
            index = self.folder_combo.findData(chosen)
            if index < 0:
                self.folder_combo.addItem(chosen, chosen)
                index = self.folder_combo.count() - 1
            self.folder_combo.setCurrentIndex(index)
            self._update_buttons()

    def _with_combo(self, fn: Callable[[str], None]) -> None:
        path = self.folder_combo.currentData()
        if path:
            fn(path)

    @staticmethod
    def _with_selection(widget: QListWidget, fn: Callable[[str], None]) -> None:
        item = widget.currentItem()
        if item is not None:
            fn(item.data(PATH_ROLE))

    def _update_buttons(self) -> None:
        unlocked = self.ctx.is_unlocked
        has_folder = unlocked and self.folder_combo.count() > 0
        self.exclude_folder_button.setEnabled(has_folder)
        self.favourite_button.setEnabled(has_folder)
        self.exclude_photo_button.setEnabled(unlocked)
        self.other_folder_button.setEnabled(unlocked)
        self.include_button.setEnabled(unlocked and self.exclusions_list.currentItem()
                                       is not None)
        self.unfavourite_button.setEnabled(unlocked and self.favourites_list.currentItem()
                                           is not None)
        self.reset_button.setEnabled(unlocked)
        selected = len(self.selected_interests()) if unlocked else 0
        self.rename_button.setEnabled(selected == 1)
        self.merge_button.setEnabled(selected == 2)

    # -- lock and unlock ------------------------------------------------------------------------
    def on_unlocked(self) -> None:
        self._update_buttons()
        self.invalidate()

    def on_locked(self) -> None:
        self.profile = None
        self._dirty = False
        self._again = False
        self._loading = None
        self._last_dir = ""
        self._generation += 1
        self.model.removeRows(0, self.model.rowCount())
        self.exclusions_list.clear()
        self.favourites_list.clear()
        self.folder_combo.clear()
        self.summary.setText("Locked")
        self._update_buttons()
