"""Object references: the OpaqueRef type, the null reference and its test."""

from __future__ import annotations

from typing import NewType

OpaqueRef = NewType("OpaqueRef", str)

NULL_REF = OpaqueRef("OpaqueRef:NULL")


def is_ref(value: object) -> bool:
    """Whether `value` names an object (a ref string other than the null reference)."""
    return isinstance(value, str) and value.startswith("OpaqueRef:") and value != NULL_REF
