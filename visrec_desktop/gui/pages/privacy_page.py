"""Share a differentially private summary of your interests, within a budget that holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from visrec_desktop.core.library import ExportResult, write_export
from visrec_desktop.core.progress import Progress
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.page import Page

EXPLAIN = (
    "<h2>Share your interests privately</h2>"
    "<p>You can give a shop a rough picture of what you like (for example “mostly outdoor "
    "gear and coffee things”) without revealing any photo. visrec counts your photos per "
    "interest category and adds random noise, so that nobody can tell from the result whether "
    "any single photo is in your library (differential privacy).</p>"
    "<p><b>ε (epsilon)</b> sets how much each release may reveal: <b>smaller is more private "
    "and noisier</b>; larger is more accurate and reveals more. Every release spends its ε "
    "from your privacy budget, and once the budget is used up, no more exports are possible. "
    "Showing the preview is the release: it spends ε even if you do not save the file. Asking "
    "again today for the same thing shows the same numbers and spends nothing.</p>"
)


class PrivacyPage(Page):
    title = "Privacy"
    released = Signal(object)  # the ExportResult shown in the preview

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(ctx, parent)
        intro = QLabel(EXPLAIN)
        intro.setWordWrap(True)
        self.budget_bar = QProgressBar()
        self.budget_bar.setAccessibleName("Privacy budget remaining")
        self.budget_label = QLabel()
        self.epsilon = QDoubleSpinBox()
        self.epsilon.setRange(0.05, 3.0)
        self.epsilon.setSingleStep(0.05)
        self.epsilon.setValue(0.5)
        self.epsilon.setAccessibleName("Epsilon for this release")
        self.noise_hint = QLabel()
        self.taxonomy = QComboBox()
        self.taxonomy.addItem("General interest categories", "default")
        self.taxonomy.addItem("The catalog's own categories", "catalog")
        self.taxonomy.setAccessibleName("Categories")
        self.preview_button = QPushButton("Show preview (spends ε)")
        self.preview_button.setAccessibleName("Show preview")
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName("Exactly what will be written")
        self.save_button = QPushButton("Save to file...")
        self.save_button.setEnabled(False)
        self.lower_budget = QDoubleSpinBox()
        self.lower_budget.setRange(0.0, 10.0)
        self.lower_budget.setSingleStep(0.5)
        self.lower_budget.setAccessibleName("New total budget")
        self.lower_button = QPushButton("Lower budget")

        form = QFormLayout()
        form.addRow("Budget:", self.budget_bar)
        form.addRow("", self.budget_label)
        form.addRow("ε for this release:", self.epsilon)
        form.addRow("", self.noise_hint)
        form.addRow("Categories:", self.taxonomy)
        lower = QHBoxLayout()
        lower.addWidget(self.lower_budget)
        lower.addWidget(self.lower_button)
        lower.addStretch(1)
        form.addRow("Lower the total budget to:", lower)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.preview, 1)

        self.epsilon.valueChanged.connect(self._hint)
        self.preview_button.clicked.connect(self.release)
        self.save_button.clicked.connect(self.save_dialog)
        self.lower_button.clicked.connect(self._lower)
        self._document: dict[str, Any] | None = None
        self._hint()

    def _hint(self) -> None:
        import math

        q = math.exp(-self.epsilon.value())
        mad = 2 * q / (1 - q * q)  # mean absolute noise of the discrete Laplace, per category
        self.noise_hint.setText(f"Each count will be off by about {mad:.1f} on average.")

    def on_unlocked(self) -> None:
        self.refresh()

    def on_locked(self) -> None:
        self.preview.clear()
        self._document = None
        self.save_button.setEnabled(False)
        self.budget_label.clear()

    def refresh(self) -> None:
        lib = self.ctx.library
        if lib is None:
            return
        status = lib.privacy.status()
        total, remaining = status["budget"], status["remaining"]
        self.budget_bar.setRange(0, 1000)
        self.budget_bar.setValue(int(1000 * remaining / total) if total else 0)
        n = len(status["releases"])
        self.budget_label.setText(f"{remaining:g} of {total:g} left "
                                  f"({n} release{'' if n == 1 else 's'} so far)")
        self.lower_budget.setMaximum(total)
        self.lower_budget.setValue(total)
        self.epsilon.setMaximum(max(min(3.0, remaining), 0.05))
        self.preview_button.setEnabled(remaining >= 0.05)

    def release(self) -> None:
        """Spend ε and show exactly what would be written."""
        lib = self.ctx.require()
        eps = f"{self.epsilon.value():.2f}"
        taxonomy = str(self.taxonomy.currentData())
        self.preview_button.setEnabled(False)

        def work(progress: Progress) -> ExportResult:
            return lib.privacy.export(eps, taxonomy)

        def done(result: ExportResult) -> None:
            self._document = result.document
            self.preview.setPlainText(json.dumps(result.document, indent=2, ensure_ascii=False))
            self.save_button.setEnabled(True)
            self.refresh()
            self.released.emit(result)

        self.ctx.run(work, done, on_failure=self._failed, name="private export")

    def _failed(self, message: str) -> None:
        self.refresh()
        self.ctx.error.emit(message)

    def save_dialog(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Save interests", "interests.json",
                                              "JSON (*.json)")
        if name:
            self.save(Path(name))

    def save(self, path: Path) -> None:
        if self._document is None:
            return
        write_export(self._document, path)
        self.ctx.status.emit(f"Saved {path.name}")

    def _lower(self) -> None:
        lib = self.ctx.require()
        value = self.lower_budget.value()
        if QMessageBox.question(self, "Lower the budget",
                                f"Lower the total privacy budget to {value:g}? It cannot be "
                                "raised again.") != QMessageBox.StandardButton.Yes:
            return
        try:
            changes = lib.privacy.set_budget(value)
        except Exception as exc:  # VisrecError carries a human message
            self.ctx.error.emit(str(exc))
            self.refresh()  # puts the controls back to the budget as it is
            return
        if changes.budget:
            self.refresh()
