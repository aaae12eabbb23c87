"""For You, as a small package: the list model, the card delegate, the details pane, the filter
bar and the page that puts them together (after napari's `_qt/containers`)."""

from visrec_desktop.gui.pages.foryou.banners import NO_PHOTOS, THIN
from visrec_desktop.gui.pages.foryou.filters import ALL_CATEGORIES
from visrec_desktop.gui.pages.foryou.page import ForYouPage

__all__ = ["ALL_CATEGORIES", "NO_PHOTOS", "THIN", "ForYouPage"]
