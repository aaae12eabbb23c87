"""Share a differentially private summary of your interests, within a budget that holds."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    QScrollArea,
    QTabWidget,
)

from visrec_desktop.core import library as core
from visrec_desktop.core.errors import VisrecError
from visrec_desktop.core.progress import Progress
from visrec_desktop.gui import i18n
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.page import Page
from visrec_desktop.gui.pages.privacy_chart import CountsChart
from visrec_desktop.gui.widgets import button, confirm, scrolling_layout

if TYPE_CHECKING:  # the engine (NumPy, ONNX Runtime, OpenCV) loads after the window shows
    from visrec_desktop.core.library import ExportResult


class PrivacyPage(Page):
    title = "Privacy"
    released = Signal(object)  # the ExportResult shown in the preview

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.tr("Privacy")
        intro = QLabel(self.tr(
            "<h2>Share your interests privately</h2>"
            "<p>You can give a shop a rough picture of what you like (for example “mostly "
            "outdoor gear and coffee things”) without revealing any photo. visrec counts your "
            "photos per interest category and adds random noise, so that nobody can tell from "
            "the result whether any single photo is in your library (differential privacy).</p>"
            "<p><b>ε (epsilon)</b> sets how much each release may reveal: <b>smaller is more "
            "private and noisier</b>; larger is more accurate and reveals more. Every release "
            "spends its ε from your privacy budget, and once the budget is used up, no more "
            "exports are possible. Showing the preview is the release: it spends ε even if you "
            "do not save the file. Asking again today for the same thing shows the same numbers "
            "and spends nothing.</p>"))
        intro.setWordWrap(True)
        self.budget_bar = QProgressBar()
        self.budget_bar.setAccessibleName(self.tr("Privacy budget remaining"))
        self.budget_label = QLabel()
        self.epsilon = QDoubleSpinBox()
        self.epsilon.setRange(0.05, 3.0)
        self.epsilon.setSingleStep(0.05)
        self.epsilon.setValue(0.5)
        self.epsilon.setAccessibleName(self.tr("Epsilon for this release"))
        self.noise_hint = QLabel()
        self.taxonomy = QComboBox()
        self.taxonomy.addItem(self.tr("General interest categories"), "default")
        self.taxonomy.addItem(self.tr("The catalog's own categories"), "catalog")
        self.taxonomy.setAccessibleName(self.tr("Categories"))
        self.preview_button = button(self.tr("Show preview (spends ε)..."),
                                     self.tr("Show preview"), slot=self.ask_and_release)
        self.chart = CountsChart()
        chart_area = QScrollArea()
        chart_area.setWidget(self.chart)
        chart_area.setWidgetResizable(True)
        chart_area.setAccessibleName(self.tr("Chart of the released counts"))
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName(self.tr("Exactly what will be written"))
        self.tabs = QTabWidget()
        self.tabs.addTab(chart_area, self.tr("Chart"))
        self.tabs.addTab(self.preview, self.tr("The file, as it will be saved"))
        self.save_button = button(self.tr("Save to file..."), slot=self.save_dialog)
        self.save_button.setEnabled(False)
        self.lower_budget = QDoubleSpinBox()
        self.lower_budget.setRange(0.0, 10.0)
        self.lower_budget.setSingleStep(0.5)
        self.lower_budget.setAccessibleName(self.tr("New total budget"))
        self.lower_button = button(self.tr("Lower budget..."), slot=self._lower)

        form = QFormLayout()
        form.addRow(self.tr("Budget:"), self.budget_bar)
        form.addRow("", self.budget_label)
        form.addRow(self.tr("ε for this release:"), self.epsilon)
        form.addRow("", self.noise_hint)
        form.addRow(self.tr("Categories:"), self.taxonomy)
        lower = QHBoxLayout()
        lower.addWidget(self.lower_budget)
        lower.addWidget(self.lower_button)
        lower.addStretch(1)
        form.addRow(self.tr("Lower the total budget to:"), lower)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout = scrolling_layout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.tabs, 1)

        self.epsilon.valueChanged.connect(self._hint)
        ctx.changed.connect(lambda changes, _initiator: self.refresh() if changes.budget
                            else None)  # a release or a lower budget, here or by the CLI
        self._document: dict[str, Any] | None = None
        self._remaining = 0.0
        self._total = 0.0
        self._hint()

    def _hint(self) -> None:
        q = math.exp(-self.epsilon.value())
        mad = 2 * q / (1 - q * q)  # mean absolute noise of the discrete Laplace, per category
        self.noise_hint.setText(self.tr("Each count will be off by about %1 on average.")
                                .replace("%1", i18n.number(mad, 1)))

    def on_unlocked(self) -> None:
        self.refresh()

    def on_locked(self) -> None:
        self.preview.clear()
        self.chart.clear()
        self._document = None
        self.save_button.setEnabled(False)
        self.budget_label.clear()

    def refresh(self) -> None:
        lib = self.ctx.library
        if lib is None:
            return
        status = lib.privacy.status()
        total, remaining = status["budget"], status["remaining"]
        self._total, self._remaining = float(total), float(remaining)
        self.budget_bar.setRange(0, 1000)
        self.budget_bar.setValue(int(1000 * remaining / total) if total else 0)
        n = len(status["releases"])
        releases = (self.tr("no releases yet") if n == 0 else self.tr("1 release so far")
                    if n == 1 else self.tr("%1 releases so far").replace("%1", str(n)))
        self.budget_label.setText(self.tr("%1 of %2 left (%3)").replace("%1", f"{remaining:g}")
                                  .replace("%2", f"{total:g}").replace("%3", releases))
        self.lower_budget.setMaximum(total)
        self.lower_budget.setValue(total)
        self.epsilon.setMaximum(max(min(3.0, remaining), 0.05))
        self.preview_button.setEnabled(remaining >= 0.05)

    def confirmation(self) -> tuple[str, str, str]:
        """The confirmation's title, text and action button, from the core's plan: a repeat of
        today's release says that nothing is spent."""
        eps = self.epsilon.value()
        lib = self.ctx.require()
        plan = lib.privacy.plan(f"{eps:.2f}", str(self.taxonomy.currentData()))
        if plan.repeat:
            text = self.tr(
                "This repeats today's release at ε %1: the same numbers come back and nothing "
                "is spent; %2 left.").replace("%1", i18n.number(eps, 2)).replace(
                "%2", f"{plan.remaining:g}")
            return self.tr("Show today's release again?"), text, self.tr("Show again")
        text = self.tr(
            "Showing the preview releases your noisy counts and spends ε = %1 of your privacy "
            "budget.\n\nBudget left now: %2 of %3. Left after this release: %4.\n\n"
            "(If you already released exactly this today, the same numbers are shown again "
            "and nothing is spent.)").replace("%1", i18n.number(eps, 2)).replace(
            "%2", f"{plan.remaining:g}").replace("%3", f"{plan.budget:g}").replace(
            "%4", f"{plan.remaining_after:g}")
        return (self.tr("Spend privacy budget?"), text,
                self.tr("Spend ε %1 and show").replace("%1", i18n.number(eps, 2)))

    def confirmation_text(self) -> tuple[str, str]:
        """What the confirmation says, and its action button."""
        _title, text, action = self.confirmation()
        return text, action

    def ask_and_release(self) -> None:
        """Say what the release spends (or that it repeats today's and spends nothing) and what
        is left, and release only when confirmed."""
        if not self.ctx.is_unlocked:
            return
        self.refresh()
        try:
            title, text, action = self.confirmation()
        except VisrecError as exc:  # a bad taxonomy or catalog: said as the release would
            self._failed(str(exc))
            return
        if confirm(self, title, text, action):
            self.release()

    def release(self) -> None:
        """Spend ε and show exactly what would be written."""
        lib = self.ctx.require()
        eps = f"{self.epsilon.value():.2f}"  # the core parses it: no locale here
        taxonomy = str(self.taxonomy.currentData())
        self.preview_button.setEnabled(False)

        def work(progress: Progress) -> ExportResult:
            return lib.privacy.export(eps, taxonomy)

        def done(result: ExportResult) -> None:
            self._document = result.document
            self.preview.setPlainText(json.dumps(result.document, indent=2, ensure_ascii=False))
            self.chart.set_counts(dict(result.document.get("counts", {})), result.names)
            self.save_button.setEnabled(True)
            self.refresh()
            self.released.emit(result)

        self.ctx.run(work, done, on_failure=self._failed, name="private export")

    def _failed(self, message: str) -> None:
        self.refresh()
        self.ctx.error.emit(message)

    def save_dialog(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save interests"), "interests.json",
                                              "JSON (*.json)")
        if name:
            self.save(Path(name))

    def save(self, path: Path) -> None:
        if self._document is None:
            return
        core.write_export(self._document, path)
        self.ctx.status.emit(self.tr("Saved %1").replace("%1", path.name))

    def _lower(self) -> None:
        lib = self.ctx.require()
        value = self.lower_budget.value()
        if not confirm(self, self.tr("Lower the budget"),
                       self.tr("Lower the total privacy budget to %1? It cannot be raised "
                               "again.").replace("%1", f"{value:g}"),
                       self.tr("Lower to %1").replace("%1", f"{value:g}"),
                       QMessageBox.Icon.Warning):
            return
        try:
            changes = lib.privacy.set_budget(value)
        except Exception as exc:  # VisrecError carries a human message
            self.ctx.error.emit(str(exc))
            self.refresh()  # puts the controls back to the budget as it is
            return
        if changes.budget:
            self.refresh()
