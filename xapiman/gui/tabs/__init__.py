"""The tab pages shown for the selected object; `pages_for(kind)` lists them in order."""

from __future__ import annotations

import importlib
import pkgutil

from xapiman.gui.tabs.base import PAGES, TabContext, TabPage


def load_all() -> None:
    """Import every page module (each registers its pages)."""
    for info in pkgutil.iter_modules(__path__):
        if info.name != "base":
            importlib.import_module(f"{__name__}.{info.name}")


def pages_for(kind: str) -> list[type[TabPage]]:
    load_all()
    return sorted((p for p in PAGES if kind in p.kinds), key=lambda p: p.order)


__all__ = ["PAGES", "TabContext", "TabPage", "load_all", "pages_for"]
