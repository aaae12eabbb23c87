"""The Profile page's "What counts" box: folders and photos left out, favourite folders, and
reset. It only asks; the page does the writes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from visrec_desktop.gui.file_dialogs import choose_file, choose_folder
from visrec_desktop.gui.widgets import button

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
IMAGE_FILTER = ("(*.jpg *.jpeg *.jpe *.png *.webp *.heic *.heif *.avif *.tif *.tiff *.bmp "
                "*.gif)")


class ChoicesBox(QGroupBox):
    """Emits a path (as text) for each choice the person makes."""

    exclude_folder_requested = Signal(str)
    favourite_requested = Signal(str)
    exclude_photo_requested = Signal(str)
    include_requested = Signal(str)
    unfavourite_requested = Signal(str)
    reset_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("What counts"))
        self.last_dir = ""  # memory only
        self.folder_combo = QComboBox()
        self.folder_combo.setAccessibleName(self.tr("Indexed folder"))
        self.folder_combo.setMinimumContentsLength(20)
        self.folder_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.exclude_folder_button = button(
            self.tr("Leave out"), self.tr("Leave the chosen folder out of the profile"),
            slot=lambda: self._with_combo(self.exclude_folder_requested.emit))
        self.favourite_button = button(
            self.tr("Mark as favourite"), self.tr("Mark the chosen folder as a favourite"),
            self.tr("Photos in favourite folders count twice"),
            lambda: self._with_combo(self.favourite_requested.emit))
        self.other_folder_button = button(
            self.tr("Other folder..."), self.tr("Choose another folder, such as a subfolder"),
            slot=self.choose_folder_dialog)
        self.exclude_photo_button = button(
            self.tr("Leave out a photo..."),
            self.tr("Choose a photo to leave out of the profile"),
            slot=self.exclude_photo_dialog)
        self.exclusions_list = QListWidget()
        self.exclusions_list.setAccessibleName(self.tr("Folders and photos left out"))
        self.include_button = button(
            self.tr("Include again"), self.tr("Include the selected folder or photo again"),
            slot=lambda: self._with_selection(self.exclusions_list,
                                              self.include_requested.emit))
        self.favourites_list = QListWidget()
        self.favourites_list.setAccessibleName(self.tr("Favourite folders"))
        self.unfavourite_button = button(
            self.tr("Unfavourite"), self.tr("Remove the selected folder from favourites"),
            slot=lambda: self._with_selection(self.favourites_list,
                                              self.unfavourite_requested.emit))
        self.reset_button = button(
            self.tr("Reset profile..."), self.tr("Reset the profile"),
            self.tr("Forget exclusions, favourites, interest names and likes; your photos stay "
                    "indexed"), self.reset_requested.emit)

        choose = QHBoxLayout()
        choose.addWidget(QLabel(self.tr("Folder:")))
        choose.addWidget(self.folder_combo, 1)
        choose.addWidget(self.other_folder_button)
        choose.addWidget(self.exclude_folder_button)
        choose.addWidget(self.favourite_button)
        left_out = QVBoxLayout()
        left_out.addWidget(QLabel(self.tr("Left out")))
        left_out.addWidget(self.exclusions_list)
        # Under the list it adds to, not in the folder row: that row must fit a 1024-pixel
        # window in a larger font too.
        left_out_buttons = QHBoxLayout()
        left_out_buttons.addWidget(self.exclude_photo_button)
        left_out_buttons.addWidget(self.include_button)
        left_out.addLayout(left_out_buttons)
        favs = QVBoxLayout()
        favs.addWidget(QLabel(self.tr("Favourite folders")))
        favs.addWidget(self.favourites_list)
        favs.addWidget(self.unfavourite_button)
        lists = QHBoxLayout()
        lists.addLayout(left_out)
        lists.addLayout(favs)
        reset_row = QHBoxLayout()
        reset_row.addStretch(1)
        reset_row.addWidget(self.reset_button)
        layout = QVBoxLayout(self)
        layout.addLayout(choose)
        layout.addLayout(lists)
        layout.addLayout(reset_row)
        self.exclusions_list.currentRowChanged.connect(lambda *_: self.update_buttons())
        self.favourites_list.currentRowChanged.connect(lambda *_: self.update_buttons())
        self._unlocked = False

    def fill(self, folders: list[Path], excluded: list[Path], favourites: list[Path]) -> None:
        self._fill_list(self.exclusions_list, excluded)
        self._fill_list(self.favourites_list, favourites)
        current = self.folder_combo.currentText()
        self.folder_combo.clear()
        for path in folders:
            self.folder_combo.addItem(str(path), str(path))
        if current:
            self.folder_combo.setCurrentIndex(max(self.folder_combo.findText(current), 0))
        self.update_buttons()

    @staticmethod
    def _fill_list(widget: QListWidget, paths: list[Path]) -> None:
        widget.clear()
        for path in paths:
            item = QListWidgetItem(str(path))
            item.setData(PATH_ROLE, str(path))
            widget.addItem(item)

    def clear(self) -> None:
        self.last_dir = ""
        self.exclusions_list.clear()
        self.favourites_list.clear()
        self.folder_combo.clear()

    def exclude_photo_dialog(self) -> None:
        if not self._unlocked:
            return
        path = choose_file(self, self.tr("Leave a photo out of your profile"), self.last_dir,
                           self.tr("Photos") + " " + IMAGE_FILTER + ";;" + self.tr("All files")
                           + " (*)")
        if path is not None:
            self.last_dir = str(path.parent)
            self.exclude_photo_requested.emit(str(path))

    def choose_folder_dialog(self) -> None:
        """Pick any folder (a subfolder of an indexed one, say) for the folder choices."""
        if not self._unlocked:
            return
        folder = choose_folder(self, self.tr("Choose a folder"), self.last_dir)
        if folder is not None:
            chosen = str(folder)
            self.last_dir = chosen
            index = self.folder_combo.findData(chosen)
            if index < 0:
                self.folder_combo.addItem(chosen, chosen)
                index = self.folder_combo.count() - 1
            self.folder_combo.setCurrentIndex(index)
            self.update_buttons()

    def _with_combo(self, fn: Callable[[str], None]) -> None:
        path = self.folder_combo.currentData()
        if path:
            fn(path)

    @staticmethod
    def _with_selection(widget: QListWidget, fn: Callable[[str], None]) -> None:
        item = widget.currentItem()
        if item is not None:
            fn(item.data(PATH_ROLE))

    def update_buttons(self, unlocked: bool | None = None) -> None:
        if unlocked is not None:
            self._unlocked = unlocked
        on = self._unlocked
        has_folder = on and self.folder_combo.count() > 0
        self.exclude_folder_button.setEnabled(has_folder)
        self.favourite_button.setEnabled(has_folder)
        self.exclude_photo_button.setEnabled(on)
        self.other_folder_button.setEnabled(on)
        self.include_button.setEnabled(on and self.exclusions_list.currentItem() is not None)
        self.unfavourite_button.setEnabled(on and self.favourites_list.currentItem()
                                           is not None)
        self.reset_button.setEnabled(on)
