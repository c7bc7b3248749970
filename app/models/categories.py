"""The organisation's list of categories and subcategories, in their order."""

from __future__ import annotations

from app.models.entities import Category


def top_categories(active_only: bool = True) -> list[Category]:
    query = Category.select().where(Category.parent.is_null())
    if active_only:
        query = query.where(Category.active)
    return list(query.order_by(Category.position, Category.name))


def subcategories(parent_id: int | None) -> list[Category]:
    if parent_id is None:
        return []
    return list(Category.select().where(Category.parent == parent_id, Category.active)
                .order_by(Category.position, Category.name))
