"""The Profile page's actions on its interests: Rename, Merge and Split the selected ones. Each is
a write on the serial lane that names its interests by the profile the page showed: the core
finds them in the profile as it is when the write runs, as the command line may have changed it
meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QInputDialog, QWidget

from visrec_desktop.core.library import Changes
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.widgets import button

if TYPE_CHECKING:  # the engine (NumPy, ONNX Runtime, OpenCV) loads after the window shows
    from visrec_desktop.core.library import Library, TasteProfile

translate = QCoreApplication.translate  # the name lupdate looks for; the page's context


class InterestActions(QObject):
    """What the Profile page's Rename, Merge and Split buttons (and a double-click) do.

    `shown` gives the profile the page shows, `selected` its selected rows (0-based interests,
    in order); `split_done` receives the photos of an interest once it was split, for the page
    to select its parts when it shows them."""

    def __init__(self, ctx: AppContext, page: QWidget,
                 shown: Callable[[], TasteProfile | None], selected: Callable[[], list[int]],
                 split_done: Callable[[set[int]], None]) -> None:
        super().__init__(page)
        self.ctx, self.page = ctx, page
        self._shown, self._selected, self._split_done = shown, selected, split_done
        self.rename_button = button(
            translate("ProfilePage", "Rename..."),
            translate("ProfilePage", "Rename the selected interest"),
            translate("ProfilePage", "Give the interest your own name (it stays when the "
                                     "profile is rebuilt); double-click a name does the same"),
            self.rename_dialog)
        self.merge_button = button(
            translate("ProfilePage", "Merge"),
            translate("ProfilePage", "Merge the two selected interests"),
            translate("ProfilePage", "Select two interests to treat them as one"),
            self.merge_selected)
        self.split_button = button(
            translate("ProfilePage", "Split"),
            translate("ProfilePage", "Split the selected merged interest"),
            translate("ProfilePage", "Undo a merge: select an interest marked (merged) to get "
                                     "back the two interests it was made of, with the names "
                                     "you gave them"),
            self.split_selected)

    def _change(self, action: str, fn: Callable[[Library], Changes]) -> None:
        """A write on the serial lane; the runner announces what it changed."""
        self.ctx.op(lambda lib, _progress: fn(lib)).success(
            lambda _changes: self.ctx.status.emit(action)).run(initiator=self.page)

    def rename_interest(self, number: int, name: str | None,
                        shown: TasteProfile | None = None) -> None:
        """Give interest `number` (0-based) of the profile shown (`shown`, by default the one
        shown now) the person's own name; None: the automatic one. The core finds that
        interest in the profile as it is when the write runs: the command line may have
        merged interests meanwhile."""
        shown = shown if shown is not None else self._shown()
        text = translate("ProfilePage", "Renamed interest %1 to “%2”").replace(
            "%2", name or "") if name else \
            translate("ProfilePage", "Interest %1 has its automatic name again")
        self._change(text.replace("%1", str(number + 1)),
                     lambda lib: lib.rename_interest(number, name, shown=shown))

    def merge_interests(self, first: int, second: int) -> None:
        shown = self._shown()
        self._change(translate("ProfilePage", "Merged interests %1 and %2")
                     .replace("%1", str(first + 1)).replace("%2", str(second + 1)),
                     lambda lib: lib.merge_interests(first, second, shown=shown))

    def split_interest(self, number: int, shown: TasteProfile | None = None) -> None:
        """Undo the merge behind interest `number` (0-based) of the profile shown (`shown`, by
        default the one shown now); once the page shows the result, the parts are selected.
        The core says so when another process split or merged it meanwhile."""
        shown = shown if shown is not None else self._shown()
        if shown is None or number >= len(shown.interests):
            return
        photos = set(shown.photo_ids[shown.assignment == number].tolist())

        def split(_changes: Changes) -> None:
            self._split_done(photos)
            self.ctx.status.emit(translate("ProfilePage", "Split interest %1").replace(
                "%1", str(number + 1)))

        self.ctx.op(lambda lib, _progress: lib.unmerge_interest(number, shown=shown)).success(
            split).run(initiator=self.page)

    def split_selected(self) -> None:
        rows = self._selected()
        if self.ctx.is_unlocked and len(rows) == 1 and self.is_merge(rows[0]):
            self.split_interest(rows[0])

    def is_merge(self, row: int) -> bool:
        """Whether interest `row` of the profile shown is a merge (Split can act on it)."""
        shown = self._shown()
        return shown is not None and row < len(shown.interests) \
            and bool(shown.interests[row].merges)

    def rename_dialog(self) -> None:
        rows = self._selected()
        shown = self._shown()  # the page may reload while the person types
        if not self.ctx.is_unlocked or len(rows) != 1 or shown is None \
                or rows[0] >= len(shown.interests):
            return
        interest = shown.interests[rows[0]]
        name, ok = QInputDialog.getText(
            self.page, translate("ProfilePage", "Rename interest"),
            translate("ProfilePage", "Your name for this interest (leave empty for the "
                                     "automatic name):"),
            text=interest.label if interest.user_named else interest.title)
        if ok:
            self.rename_interest(rows[0], name.strip() or None, shown)

    def merge_selected(self) -> None:
        rows = self._selected()
        if self.ctx.is_unlocked and len(rows) == 2:
            self.merge_interests(rows[0], rows[1])

    def update_buttons(self, rows: list[int]) -> None:
        """Enable the buttons for the selected `rows` (none while locked)."""
        self.rename_button.setEnabled(len(rows) == 1)
        self.merge_button.setEnabled(len(rows) == 2)
        self.split_button.setEnabled(len(rows) == 1 and self.is_merge(rows[0]))
