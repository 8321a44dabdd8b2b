"""Which objects a tab page shows, so a batch about other objects does not redraw it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from xapiman.xapi.refs import NULL_REF


@dataclass
class Watch:
    """The objects a page drew from, and the relations through which new ones may appear.

    Attributes:
        refs: lower-case class -> refs the page read (a change to any of them concerns it).
        links: (lower-case class, field, value): an object of that class added or changed
            with `field` equal to `value` concerns the page (a new disk of the shown VM, a VM
            arriving on the shown host, an alert about the shown object ...).
        classes: classes any change of which concerns the page.
    """

    refs: dict[str, set[str]] = field(default_factory=dict)
    links: list[tuple[str, str, object]] = field(default_factory=list)
    classes: set[str] = field(default_factory=set)

    def add(self, cls: str, *refs: str | None) -> Watch:
        """Watch these objects of `cls` (None and the null ref are skipped)."""
        bucket = self.refs.setdefault(cls.lower(), set())
        bucket.update(r for r in refs if r and r != NULL_REF)
        return self

    def add_all(self, cls: str, refs: Iterable[str]) -> Watch:
        return self.add(cls, *refs)

    def link(self, cls: str, field_name: str, value: object) -> Watch:
        """Watch for objects of `cls` whose `field_name` becomes `value`."""
        self.links.append((cls.lower(), field_name, value))
        return self

    def link_in(self, cls: str, field_name: str, values: set[str]) -> Watch:
        """Watch for objects of `cls` whose `field_name` becomes one of `values`."""
        self.links.append((cls.lower(), field_name, frozenset(values)))
        return self

    def any_of(self, cls: str) -> Watch:
        self.classes.add(cls.lower())
        return self

    def concerns(self, change, cache) -> bool:
        """Whether a CacheChange may alter what the page shows."""
        if not change:
            return False
        if getattr(change, "resync", False):
            return True
        if any(change.touched(cls) for cls in self.classes):
            return True
        for cls, refs in self.refs.items():
            if refs and not refs.isdisjoint(change.touched(cls)):
                return True
        for cls, field_name, value in self.links:
            candidates = change.added_in(cls) | change.changed_in(cls)
            for ref in candidates:
                record = cache.record(cls, ref) if cache is not None else None
                if record is None:
                    continue
                found = record.get(field_name)
                if found == value or (isinstance(value, frozenset) and isinstance(found, str)
                                       and found in value):
                    return True
        return False
