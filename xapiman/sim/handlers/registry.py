"""The table of message handlers: (class, message) -> function."""

from __future__ import annotations

from collections.abc import Callable

HANDLERS: dict[tuple[str, str], Callable[..., object]] = {}


def handler(cls: str, *names: str) -> Callable[[Callable[..., object]], Callable[..., object]]:
    """Register the decorated function for `cls.name` (several names may share one function)."""

    def register(fn: Callable[..., object]) -> Callable[..., object]:
        for name in names:
            key = (cls, name)
            if key in HANDLERS:
                raise RuntimeError(f"two handlers for {cls}.{name}")
            HANDLERS[key] = fn
        return fn

    return register
