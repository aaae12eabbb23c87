"""Small widget builders the pages share."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView


def table(owner: QObject, columns: Sequence[str], name: str, single: bool = True,
          uniform_rows: bool = True, stretch_first: bool = True
          ) -> tuple[QStandardItemModel, QTreeView]:
    """A flat, row-selecting list with column headers, and its model."""
    model = QStandardItemModel(0, len(columns), owner)
    model.setHorizontalHeaderLabels(list(columns))
    view = QTreeView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setRootIsDecorated(False)
    view.setUniformRowHeights(uniform_rows)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single:
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    if stretch_first:
        view.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        view.header().setStretchLastSection(False)
    return model, view
