"""The Profile page: the interests visrec found, and the user's say over what counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QSize, Qt, Signal
from PySide6.QtGui import QShowEvent, QStandardItem
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from visrec_desktop.core.library import Changes
from visrec_desktop.core.progress import Progress
from visrec_desktop.gui import i18n
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.page import Page
from visrec_desktop.gui.pages.interest_actions import InterestActions
from visrec_desktop.gui.pages.profile_choices import ChoicesBox
from visrec_desktop.gui.pages.profile_examples import ExampleStrips
from visrec_desktop.gui.pages.rebuild_bar import RebuildBar
from visrec_desktop.gui.pages.weight_bar import (
    EXAMPLES,
    GAP,
    THUMB,
    WEIGHT_ROLE,
    WeightDelegate,
    bar_length,
)
from visrec_desktop.gui.widgets import confirm as ask_to_act
from visrec_desktop.gui.widgets import literal, table
from visrec_desktop.gui.worker import Task

if TYPE_CHECKING:  # the engine (NumPy, ONNX Runtime, OpenCV) loads after the window shows
    from visrec_desktop.core.library import Library, TasteProfile

WEIGHT_COLUMN, EXAMPLES_COLUMN = 1, 3
SAME_INTEREST = 0.9  # cosine of centroids: a rebuilt interest moves a little, another is far


@dataclass
class ProfileSnapshot:
    """Everything the page shows, read in one background task."""

    profile: TasteProfile
    folders: list[Path]
    excluded: list[Path]
    favourites: list[Path]


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
        self.title = self.tr("Profile")
        self.profile: TasteProfile | None = None
        self._dirty = False
        self._loading: Task | None = None
        self._again = False
        self._select_parts: set[int] | None = None  # photos of a split interest: select parts

        self.summary = QLabel(self.tr("Locked"))
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("Profile summary"))

        columns = (self.tr("Interest"), self.tr("Weight"), self.tr("Photos"), self.tr("Examples"))
        self.model, self.interests_view = table(self, columns, self.tr("Your interests"),
                                                single=False, uniform_rows=False)
        self.interests_view.setIconSize(QSize(EXAMPLES * (THUMB + GAP), THUMB))
        self.interests_view.setItemDelegateForColumn(WEIGHT_COLUMN, WeightDelegate(self))
        # A long name ("Landscapes & nature · mountains and lakes") wraps onto the lines a row
        # of example photos leaves free, instead of being cut; its tooltip gives it in full.
        self.interests_view.setWordWrap(True)
        self.interests_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.interests_view.header()
        header.resizeSection(WEIGHT_COLUMN, 180)
        header.resizeSection(EXAMPLES_COLUMN, EXAMPLES * (THUMB + GAP) + 12)
        self.examples = ExampleStrips(ctx, self.model, EXAMPLES_COLUMN, self)
        self.examples.shown.connect(self.thumbnails_shown)

        self.choices = box = ChoicesBox()
        box.exclude_folder_requested.connect(self.exclude_folder)
        box.favourite_requested.connect(self.favourite_folder)
        box.exclude_photo_requested.connect(self.exclude_photo)
        box.include_requested.connect(self.include)
        box.unfavourite_requested.connect(self.unfavourite)
        box.reset_requested.connect(lambda: self.reset_profile(confirm=True))
        self.folder_combo, self.exclusions_list = box.folder_combo, box.exclusions_list
        self.favourites_list, self.reset_button = box.favourites_list, box.reset_button
        self.exclude_folder_button = box.exclude_folder_button
        self.favourite_button = box.favourite_button
        self.other_folder_button = box.other_folder_button
        self.exclude_photo_button = box.exclude_photo_button
        self.include_button, self.unfavourite_button = box.include_button, \
            box.unfavourite_button

        self.interest_actions = actions = InterestActions(
            ctx, self, lambda: self.profile, self.selected_interests, self._split_done)
        self.rename_button, self.merge_button = actions.rename_button, actions.merge_button
        self.split_button = actions.split_button
        self.rename_interest, self.merge_interests = actions.rename_interest, \
            actions.merge_interests
        self.split_interest, self.rename_dialog = actions.split_interest, actions.rename_dialog
        self.rebuild = RebuildBar(ctx)
        self.rebuild_button = self.rebuild.rebuild_button
        self.interests_view.doubleClicked.connect(lambda *_: actions.rename_dialog())
        action_row = QHBoxLayout()
        action_row.addWidget(self.rebuild)
        action_row.addStretch(1)
        action_row.addWidget(self.rename_button)
        action_row.addWidget(self.merge_button)
        action_row.addWidget(self.split_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.interests_view, 3)
        layout.addLayout(action_row)
        layout.addWidget(box, 2)
        self.interests_view.selectionModel().selectionChanged.connect(
            lambda *_: self._update_buttons())
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
        self.summary.setText(self.tr("Building your profile..."))

        def work(progress: Progress) -> ProfileSnapshot:
            profile = lib.profile(rebuild=rebuild)
            return ProfileSnapshot(profile, [f.path for f in lib.folders()], lib.excluded(),
                                   lib.favourites())

        holder: list[Task] = []
        task = self.ctx.run(work, lambda snap: self._show(lib, snap),
                            on_finished=lambda: self._loaded(holder[0], lib), name="profile",
                            reads_only=True)
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
        kept = [self.profile.interests[row].centroid for row in self.selected_interests()
                if self.profile is not None and row < len(self.profile.interests)]
        scrolled = self.interests_view.verticalScrollBar().value()
        self.profile = snap.profile
        profile = snap.profile
        self.model.removeRows(0, self.model.rowCount())
        strongest = max((i.weight for i in profile.interests), default=0.0)
        for i, interest in enumerate(profile.interests):
            name = _item(self.tr("%1 (merged)").replace("%1", interest.title) if interest.merges
                         else interest.title)
            how = self.tr("Your own name for this interest") if interest.user_named \
                else self.tr("Named from the interest categories; double-click to rename")
            if interest.merges:
                how += "\n" + self.tr("Merged from other interests: Split gives them back")
            name.setToolTip(literal(f"{interest.title}\n{how}"))  # a user's name is untrusted
            percent = round(100 * interest.weight)
            weight = _item(i18n.percent(percent / 100))
            weight.setData((percent, bar_length(interest.weight, strongest)), WEIGHT_ROLE)
            weight.setData(self.tr("%1 percent").replace("%1", str(percent)),
                           Qt.ItemDataRole.AccessibleTextRole)
            examples = _item("")
            examples.setData(self.tr("Example photos of interest %1").replace("%1", str(i + 1)),
                             Qt.ItemDataRole.AccessibleTextRole)
            self.model.appendRow([name, weight, _item(interest.count), examples])
        self.interests_view.resizeColumnToContents(2)
        used = len(profile.photo_ids)
        if profile.empty:
            self.summary.setText(self.tr("No photos in your profile yet. Add photo folders on "
                                         "the Library page."))
        else:
            n = len(profile.interests)
            thin = (" " + self.tr("Your profile is still thin: until you add more photos, your "
                                  "likes and dislikes on the For You page count for more.")
                    if profile.thin else "")
            photos = self.tr("1 photo") if used == 1 else \
                self.tr("%1 photos").replace("%1", i18n.number(used))
            interests = self.tr("1 interest") if n == 1 else \
                self.tr("%1 interests").replace("%1", str(n))
            self.summary.setText(self.tr("Built from %1: %2, strongest first.").replace(
                "%1", photos).replace("%2", interests) + thin)
        if self._select_parts is not None:
            self._select_within(self._select_parts, profile)
            self._select_parts = None
        else:
            self._reselect(kept, profile)
        self.interests_view.verticalScrollBar().setValue(scrolled)
        self.choices.fill(snap.folders, snap.excluded, snap.favourites)
        self._update_buttons()
        self.profile_shown.emit(profile)
        self.examples.show(lib, profile)

    def _reselect(self, centroids: list[Any], profile: TasteProfile) -> None:
        """Select again the interests that were selected before a reload (a change here or by
        the command line): each is the new interest nearest to it, if still one of them."""
        selection = self.interests_view.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for centroid in centroids:
            near = [(float(centroid @ interest.centroid), row)
                    for row, interest in enumerate(profile.interests)]
            if near and max(near)[0] >= SAME_INTEREST:
                selection.select(self.model.index(max(near)[1], 0), flags)

    def _select_within(self, photos: set[int], profile: TasteProfile) -> None:
        """Select the interests that are mostly made of `photos` (the parts of a split)."""
        selection = self.interests_view.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row in range(len(profile.interests)):
            members = profile.photo_ids[profile.assignment == row].tolist()
            if members and sum(p in photos for p in members) > len(members) / 2:
                selection.select(self.model.index(row, 0), flags)

    # -- changes --------------------------------------------------------------------------------
    def _change(self, action: str, fn: Callable[[Library], Changes]) -> None:
        """A write on the serial lane; the runner announces what it changed."""
        self.ctx.op(lambda lib, _progress: fn(lib)).success(
            lambda _changes: self.ctx.status.emit(action)).run(initiator=self)

    def exclude_folder(self, path: Path | str) -> None:
        self._change(self.tr("Left out %1").replace("%1", str(path)),
                     lambda lib: lib.exclude(path))

    def exclude_photo(self, path: Path | str) -> None:
        self._change(self.tr("Left out %1").replace("%1", Path(path).name),
                     lambda lib: lib.exclude(path))

    def include(self, path: Path | str) -> None:
        self._change(self.tr("Included %1 again").replace("%1", str(path)),
                     lambda lib: lib.include(path))

    def favourite_folder(self, path: Path | str, on: bool = True) -> None:
        text = self.tr("Marked %1 as a favourite") if on else \
            self.tr("%1 is no longer a favourite")
        self._change(text.replace("%1", str(path)), lambda lib: lib.favourite(path, on))

    def unfavourite(self, path: Path | str) -> None:
        self.favourite_folder(path, on=False)

    def selected_interests(self) -> list[int]:
        """Rows (0-based interests) selected in the table, in order."""
        return sorted({i.row() for i in self.interests_view.selectionModel().selectedRows()})

    def _split_done(self, photos: set[int]) -> None:
        """An interest of these photos was split: select its parts once they are shown."""
        self._select_parts = photos

    def reset_profile(self, confirm: bool = True) -> None:
        """Forget exclusions, favourites, feedback and interest names (asks first when
        `confirm`)."""
        if not self.ctx.is_unlocked:
            return
        if confirm and not ask_to_act(
                self, self.tr("Reset profile"),
                self.tr("Forget everything you left out, your favourite folders, your names and "
                        "merges of interests and your likes, dislikes and hidden items?\n\n"
                        "Your photos stay indexed; the profile is built again from all of "
                        "them."), self.tr("Reset profile")):
            return
        self._change(self.tr("Profile reset"), lambda lib: lib.reset_profile())

    def _update_buttons(self) -> None:
        unlocked = self.ctx.is_unlocked
        self.choices.update_buttons(unlocked)
        self.interest_actions.update_buttons(self.selected_interests() if unlocked else [])
        self.rebuild.update_enabled()

    # -- lock and unlock ------------------------------------------------------------------------
    def on_unlocked(self) -> None:
        self._update_buttons()
        self.invalidate()

    def on_locked(self) -> None:
        self.profile = None
        self._dirty = False
        self._again = False
        self._loading = None
        self._select_parts = None
        self.rebuild.on_locked()
        self.examples.clear()
        self.model.removeRows(0, self.model.rowCount())
        self.choices.clear()
        self.summary.setText(self.tr("Locked"))
        self._update_buttons()
