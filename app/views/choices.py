"""Combo boxes filled from the organisation's lists, shared by the form and the wizard."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from app.models.categories import subcategories, top_categories
from app.views.text import tr


def fill_categories(combo: QComboBox, placeholder: str) -> None:
    combo.clear()
    combo.addItem(placeholder, None)
    for category in top_categories():
        combo.addItem(category.name, category.id)


def fill_subcategories(combo: QComboBox, parent_id: int | None) -> None:
    combo.clear()
    combo.addItem(tr("Choices", "(none)"), None)
    for sub in subcategories(parent_id):
        combo.addItem(sub.name, sub.id)


def select_data(combo: QComboBox, value) -> None:
    """Select the item holding ``value``, or the first (the placeholder) when none does."""
    combo.setCurrentIndex(max(combo.findData(value), 0))
