"""What For You says around its grid, each only while it is true: that the catalog is a demo,
how far the taste profile is (photos being analysed, the profile being built: with a progress
bar), that the profile has no or few photos, and a note over the empty grid while the first
ranking is on its way. The grid is never a blank area without a word."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QWidget

from visrec_desktop.core.progress import ProgressState
from visrec_desktop.gui import i18n
from visrec_desktop.gui.pages.foryou.details import plain_label
from visrec_desktop.gui.pages.foryou.undo import BANNER_STYLE

if TYPE_CHECKING:  # the engine (NumPy, ONNX Runtime, OpenCV) loads after the window shows
    from visrec_desktop.core.library import BrowseResult

translate = QCoreApplication.translate  # the name lupdate looks for
NO_PHOTOS = QT_TRANSLATE_NOOP("ForYouPage", "No photos indexed yet: add folders on the Library "
                              "page to get personal recommendations")
THIN_ONE = QT_TRANSLATE_NOOP("ForYouPage", "Your profile is still thin (1 photo): your likes and "
                             "dislikes count for more until you add more photos on the Library "
                             "page.")
THIN = QT_TRANSLATE_NOOP("ForYouPage", "Your profile is still thin ({n} photos): your likes and "
                         "dislikes count for more until you add more photos on the Library page.")


def banner(text: str = "") -> QLabel:
    label = plain_label(text)
    label.setStyleSheet(BANNER_STYLE)
    label.hide()
    return label


class ProfileNotice(QFrame):
    """Hidden unless the taste profile is behind the photos: then what is happening and how
    far, so the ranking shown meanwhile is no mystery."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profileNotice")
        self.setStyleSheet(BANNER_STYLE.replace("#undoBar", "#profileNotice"))
        self.text = plain_label()
        self.text.setStyleSheet("border: none; padding: 0; background: transparent;")
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setFixedWidth(140)
        self.bar.setAccessibleName(self.tr("Taste profile progress"))
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        row.addWidget(self.text, 1)
        row.addWidget(self.bar)
        self.indexing: ProgressState | None = None  # the Library page's run, while one runs
        self.building = False  # the profile is being brought up to date
        self.first = False  # ... and none was built before
        self.hide()

    def set_indexing(self, state: ProgressState | None) -> None:
        self.indexing = state
        self._update()

    def set_building(self, building: bool, first: bool = False) -> None:
        self.building, self.first = building, first
        self._update()

    def clear(self) -> None:
        self.indexing = None
        self.building = self.first = False
        self.hide()

    def _update(self) -> None:
        state = self.indexing
        if self.building:
            self.text.setText(self.tr(
                "Building your taste profile from your photos\u2026 The recommendations below "
                "follow it in a moment.") if self.first else self.tr(
                "Updating your taste profile with your latest photos\u2026 The recommendations "
                "below follow it in a moment."))
            self.bar.setRange(0, 0)  # busy: clustering reports no steps
        elif state is not None and state.stage == "indexing" and state.total > 0:
            self.text.setText(self.tr(
                "Analysing your photos: {done} of {total}. Your taste profile is built from "
                "them; the recommendations are updated when this finishes.").format(
                    done=i18n.number(state.done), total=i18n.number(state.total)))
            self.bar.setRange(0, state.total)
            self.bar.setValue(state.done)
        else:
            self.hide()
            return
        self.show()


class Banners(QObject):
    """The banners above the grid (added to the page's layout one by one) and the note over the
    empty grid; the page tells it what it knows, it decides what shows."""

    def __init__(self, viewport: QWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.demo = banner()
        self.notice = ProfileNotice()
        self.empty = banner(translate("ForYouPage", NO_PHOTOS))
        self.waiting = plain_label(translate("ForYouPage", "Preparing your recommendations\u2026"))
        self.waiting.setParent(viewport)
        self.waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.waiting.hide()
        self._viewport = viewport
        self._thin_or_empty = False
        self._stale = False  # photos or choices changed since the ranking shown was made

    def show_ranking(self, result: BrowseResult) -> None:
        """What a ranking says: demo catalogs shown, a profile with no or few photos."""
        self.demo.setText(translate(
            "ForYouPage", "“{names}” is a demo: sample items with fictitious prices, shipped "
            "with visrec. Import a shop's catalog on the Catalogs page.").format(
                names=translate("ForYouPage", ", ").join(result.demo)) if result.demo else "")
        self.demo.setVisible(bool(result.demo))
        n = result.thin_photos
        self.empty.setText(translate("ForYouPage", NO_PHOTOS) if n is None else translate(
            "ForYouPage", THIN_ONE if n == 1 else THIN).format(n=i18n.number(n)))
        self._thin_or_empty = result.empty_profile or n is not None
        self._stale = result.profile_outdated
        self._update()

    def set_stale(self) -> None:
        """Photos or choices changed: what the ranking shown says of the profile may be past."""
        self._stale = True
        self._update()

    def set_indexing(self, state: ProgressState | None) -> None:
        self.notice.set_indexing(state)
        self._update()

    def set_building(self, building: bool, first: bool = False) -> None:
        self.notice.set_building(building, first)
        self._update()

    def show_waiting(self, waiting: bool) -> None:
        """The note over the grid, while it is empty and a ranking is on its way."""
        self.waiting.resize(self._viewport.size())
        self.waiting.setVisible(waiting)

    def clear(self) -> None:
        for widget in (self.demo, self.empty, self.waiting):
            widget.hide()
        self.notice.clear()
        self._thin_or_empty = self._stale = False

    def _update(self) -> None:
        # "No photos yet" is wrong while the first ones are analysed or the profile is built.
        self.empty.setVisible(self._thin_or_empty and self.notice.isHidden() and not self._stale)
