"""Several cache notifications that queued up while the GUI was busy, merged into one."""

from __future__ import annotations

from collections.abc import Sequence

from xapiman.xapi.cachestate import CacheChange


def merge_changes(changes: Sequence[CacheChange], cache) -> CacheChange:
    """One change that tells the same as `changes` applied in order, judged against the
    cache as it is now: gone objects are removed, new ones added, the rest changed."""
    if len(changes) == 1:
        return changes[0]
    touched: dict[str, set[str]] = {}
    added_any: dict[str, set[str]] = {}
    for change in changes:
        for cls in change.classes:
            touched.setdefault(cls, set()).update(change.touched(cls))
            added_any.setdefault(cls, set()).update(change.added_in(cls))
    added: dict[str, frozenset[str]] = {}
    changed: dict[str, frozenset[str]] = {}
    removed: dict[str, frozenset[str]] = {}
    for cls, refs in touched.items():
        gone = {r for r in refs if cache.record(cls, r) is None}
        new = (refs - gone) & added_any.get(cls, set())
        rest = refs - gone - new
        for target, group in ((removed, gone), (added, new), (changed, rest)):
            if group:
                target[cls] = frozenset(group)
    return CacheChange(added=added, changed=changed, removed=removed,
                       resync=any(c.resync for c in changes))
