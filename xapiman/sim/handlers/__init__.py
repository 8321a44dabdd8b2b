"""What the simulator does for each XAPI message, one module per area.

Handlers register with `@handler("VM", "start")`; a handler gets the call context first and
the call's arguments (after the session) converted to their declared types. Importing this
package registers all of them.
"""

from __future__ import annotations

import importlib
import pkgutil

from xapiman.sim.handlers.registry import HANDLERS, handler

__all__ = ["HANDLERS", "handler", "load_all"]


def load_all() -> None:
    """Import every handler module of this package (each registers its handlers)."""
    for info in pkgutil.iter_modules(__path__):
        if info.name != "registry":
            importlib.import_module(f"{__name__}.{info.name}")
