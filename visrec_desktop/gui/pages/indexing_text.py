"""The words of the Library page for an indexing run: reasons, durations and the summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from visrec_desktop.gui import i18n

if TYPE_CHECKING:  # the engine (NumPy, ONNX Runtime, OpenCV) loads after the window shows
    from visrec_desktop.core.library import IndexReport


# Reason codes recorded by the scanner and the decoder, in words people use.
REASONS = {
    "empty": QT_TRANSLATE_NOOP("LibraryPage", "Empty file"),
    "not_image": QT_TRANSLATE_NOOP("LibraryPage", "Not a photo (the content is not an image)"),
    "corrupt": QT_TRANSLATE_NOOP("LibraryPage", "Damaged or incomplete image"),
    "unsupported": QT_TRANSLATE_NOOP("LibraryPage", "Image format not supported"),
    "too_large": QT_TRANSLATE_NOOP("LibraryPage", "Too large to open safely"),
    "permission": QT_TRANSLATE_NOOP("LibraryPage", "No permission to read it"),
    "unreadable": QT_TRANSLATE_NOOP("LibraryPage", "Could not be read"),
    "symlink_loop": QT_TRANSLATE_NOOP("LibraryPage", "Link that leads back to itself"),
    "broken_link": QT_TRANSLATE_NOOP("LibraryPage", "Link to something that is gone"),
    "video": QT_TRANSLATE_NOOP("LibraryPage", "Video, not indexed"),
}


translate = QCoreApplication.translate  # the name lupdate looks for, with a literal context


def human_reason(code: str) -> str:
    if code in REASONS:
        return translate("LibraryPage", REASONS[code])
    return code.replace("_", " ").capitalize() or translate("LibraryPage", "Unknown")


def human_duration(seconds: float) -> str:
    s = max(round(seconds), 1)
    if s < 60:
        return translate("LibraryPage", "%1 s").replace("%1", str(s))
    m, s = divmod(s, 60)
    if m < 10:
        return translate("LibraryPage", "%1 min %2 s").replace("%1", str(m)).replace(
            "%2", f"{s:02d}")
    if m < 60:
        return translate("LibraryPage", "%1 min").replace("%1", str(m))
    h, m = divmod(m, 60)
    return translate("LibraryPage", "%1 h %2 min").replace("%1", str(h)).replace(
        "%2", f"{m:02d}")


def photos(n: int) -> str:
    """'1 photo', '2,000 photos'."""
    return translate("LibraryPage", "1 photo") if n == 1 else translate(
        "LibraryPage", "%1 photos").replace("%1", i18n.number(n))


def videos(n: int) -> str:
    return translate("LibraryPage", "1 video") if n == 1 else translate(
        "LibraryPage", "%1 videos").replace("%1", i18n.number(n))


def folders(n: int) -> str:
    return translate("LibraryPage", "1 folder") if n == 1 else translate(
        "LibraryPage", "%1 folders").replace("%1", i18n.number(n))


def report_summary(r: IndexReport) -> str:
    """One status line with the figures of an indexing run."""
    if r.cancelled:
        text = translate("LibraryPage", "Indexing cancelled: %1 indexed before stopping; the "
                         "rest is picked up next time.").replace("%1", photos(r.indexed))
    else:
        text = translate("LibraryPage", "Indexing finished in %1 s: %2 indexed").replace(
            "%1", i18n.number(r.seconds, 1)).replace("%2", photos(r.indexed))
        if r.embedded:
            text += translate("LibraryPage", " (%1 analysed, %2 photos/s)").replace(
                "%1", i18n.number(r.embedded)).replace(
                "%2", i18n.number(r.photos_per_second, 1))
        text += translate("LibraryPage", ", %1 unchanged, %2 skipped, %3 removed.").replace(
            "%1", i18n.number(r.unchanged)).replace("%2", i18n.number(r.skipped)).replace(
            "%3", i18n.number(r.removed))
        if r.videos:
            text += " " + translate("LibraryPage", "%1 seen (video, not indexed).").replace(
                "%1", videos(r.videos))
    if r.missing_folders:
        text += " " + translate("LibraryPage", "Not found: %1.").replace(
            "%1", ", ".join(str(p) for p in r.missing_folders))
    return text
