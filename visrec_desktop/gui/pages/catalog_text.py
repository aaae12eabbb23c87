"""The words of the Catalogs page: what an import did, a catalog's details, its signature."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from visrec_desktop.gui import i18n

if TYPE_CHECKING:  # the engine (NumPy, ONNX Runtime, OpenCV) loads after the window shows
    from visrec_desktop.core.errors import CatalogDowngradeError
    from visrec_desktop.core.library import ImportReport, InstalledCatalog

translate = QCoreApplication.translate  # the name lupdate looks for


def sentence(text: str) -> str:
    """A message without its final full stop (either script's), to quote inside a sentence."""
    return text.rstrip().rstrip(".。")


def signature_text(fingerprint: str | None) -> str:
    return (translate("CatalogsPage", "Signed, key {fingerprint}").format(
        fingerprint=fingerprint) if fingerprint else
        translate("CatalogsPage", "Unsigned"))


def _problems(c: InstalledCatalog) -> list[str]:
    if not c.problems:
        return []
    n = len(c.problems)
    head = (translate("CatalogsPage", "1 item left out:") if n == 1 else
            translate("CatalogsPage", "{n} items left out:").format(
                n=i18n.number(n)))
    return [head] + [f"  {item}: {why}" for item, why in sorted(c.problems.items())]


def report_text(report: ImportReport) -> str:
    """What an import did, its warnings and the items it had to leave out, in plain words."""
    c = report.catalog
    done = (translate("CatalogsPage", "Updated “{name}” ({id}): {usable} of {items} items "
                      "ready, in {seconds} s ({sources}).")
            if report.replaced else
            translate("CatalogsPage", "Installed “{name}” ({id}): {usable} of {items} items "
                      "ready, in {seconds} s ({sources})."))
    lines = [done.format(name=c.name, id=c.id, usable=i18n.number(c.usable),
                         items=i18n.number(c.items), seconds=i18n.number(report.seconds, 1),
                         sources=report.sources(i18n.number)),
             translate("CatalogsPage", "Publisher: {publisher}. {signature}.").format(
                 publisher=c.publisher, signature=signature_text(c.fingerprint))]
    lines += [translate("CatalogsPage", "Warning: {warning}.").format(warning=sentence(w))
              for w in report.warnings]
    return "\n".join(lines + _problems(c))


def details_text(c: InstalledCatalog) -> str:
    published = i18n.date_time(created_time(c.created_at)) or c.created_at or translate(
        "CatalogsPage", "unknown")
    lines = [translate("CatalogsPage", "{name} ({id}) — demo catalog") if c.demo
             else "{name} ({id})",
             translate("CatalogsPage", "Publisher: {publisher}. {signature}."),
             translate("CatalogsPage",
                       "{usable} of {items} items usable; published {published}.")]
    lines = [line.format(name=c.name, id=c.id, publisher=c.publisher,
                         signature=signature_text(c.fingerprint), usable=i18n.number(c.usable),
                         items=i18n.number(c.items), published=published) for line in lines]
    return "\n".join(lines + _problems(c))


def older_text(exc: CatalogDowngradeError) -> str:
    """The rollback in the app's words (the core's message tells a CLI user which flag to pass)."""
    if not exc.catalog_id:
        return str(exc)
    return translate("CatalogsPage", "This bundle of “{id}” was made {created}, before the "
                     "installed version ({installed})").format(
        id=exc.catalog_id, created=i18n.date_time(created_time(exc.created_at)) or exc.created_at,
        installed=i18n.date_time(created_time(exc.installed_created_at))
        or exc.installed_created_at)


def created_time(stamp: str | None) -> datetime | None:
    """A bundle's `created_at` (ISO 8601, "2026-11-29T18:52:00Z") as a time, or None."""
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")) if stamp else None
    except ValueError:
        return None
