"""The About box: versions, the model and its licence, third-party notices, the privacy promise."""

from __future__ import annotations

import html
import platform
from importlib import metadata

import PySide6
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from visrec_desktop import __version__

translate = QCoreApplication.translate  # the name lupdate looks for

PRIVACY = QT_TRANSLATE_NOOP("about", "Your photos are analysed on this computer only, what "
                            "visrec learns is stored encrypted with your passphrase, and the app "
                            "never opens a network connection.")
OUR_LICENCE = "Apache-2.0"
THIRD_PARTY = (
    ("Qt / PySide6", "LGPL-3.0", "PySide6-Essentials"),
    ("onnxruntime", "MIT", "onnxruntime"),
    ("OpenCV", "Apache-2.0", "opencv-python-headless"),
    ("NumPy", "BSD-3-Clause", "numpy"),
    ("scikit-learn", "BSD-3-Clause", "scikit-learn"),
    ("cryptography", QT_TRANSLATE_NOOP("about", "Apache-2.0 or BSD-3-Clause"), "cryptography"),
    ("Pillow", "HPND (MIT-CMU)", "pillow"),
)


def _version(distribution: str, module: str | None = None) -> str:
    """A package's version without importing heavy modules when the metadata knows it."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        pass
    if module:
        try:
            mod = __import__(module)
            return str(getattr(mod, "__version__", "unknown"))
        except ImportError:
            pass
    return translate("about", "not installed")


def _model_line(parent: QWidget | None) -> str:
    """The model of the unlocked library, else the configured one read from its manifest."""
    ctx = getattr(parent, "ctx", None)
    library = getattr(ctx, "library", None)
    spec = getattr(getattr(library, "embedder", None), "spec", None)
    if spec is None:
        try:
            from visrec_desktop.core.library import Settings, load_model_spec

            settings = getattr(ctx, "settings", None) or Settings()
            spec = load_model_spec(settings.model)
        except Exception:  # a missing model must not stop the About box from opening
            return translate("about", "Model: not available")
    return translate("about", "Model: {name} {version}, licence {licence}").format(
        name=spec.name, version=spec.version, licence=spec.licence)


def _tr(text: str) -> str:
    return translate("about", text)


def about_html(parent: QWidget | None = None) -> str:
    versions = [
        ("Python", platform.python_version()),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
        ("onnxruntime", _version("onnxruntime", "onnxruntime")),
        ("OpenCV", _version("opencv-python-headless", "cv2")),
        ("NumPy", _version("numpy", "numpy")),
    ]
    rows = "".join(f"<tr><td>{html.escape(n)}</td><td>{html.escape(v)}</td></tr>"
                   for n, v in versions)
    notices = "".join(f"<li>{html.escape(n)}: {html.escape(_tr(lic))}</li>"
                      for n, lic, _ in THIRD_PARTY)
    paragraphs = [
        translate("about", "Private, offline visual recommendations."),
        f"<b>{html.escape(_tr(PRIVACY))}</b>",
        None,
        html.escape(_model_line(parent)),
        translate("about", "visrec is licensed under {licence}.").format(licence=OUR_LICENCE),
        translate("about", "Third-party software:"),
    ]
    body = "".join(f"<table>{rows}</table>" if p is None else f"<p>{p}</p>" for p in paragraphs)
    lgpl = translate("about", "Qt and PySide6 are used under the LGPL-3.0 as unmodified, "
                              "replaceable libraries.")
    return (f"<h2>visrec {html.escape(__version__)}</h2>{body}<ul>{notices}</ul>"
            f"<p>{html.escape(lgpl)}</p>")


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About visrec"))
        self.text = QLabel(about_html(parent))
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.text.setAccessibleName(self.tr("About visrec"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)


def show_about(parent: QWidget | None = None) -> AboutDialog:
    """Open the About box (window-modal, without blocking) and return it."""
    dialog = AboutDialog(parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
