"""The relations the cache indexes: (class, field holding a ref) pairs, kept per batch."""

from __future__ import annotations

# (lower-case class, field) -> the ref in that field is the "one" side of a one-to-many
# relation; the index answers "which objects of class point at X" without a scan.
INDEXED: frozenset[tuple[str, str]] = frozenset({
    ("vm", "resident_on"),      # a host's resident VMs
    ("vm", "snapshot_of"),      # a VM's snapshots
    ("vm", "parent"),           # the snapshot tree
    ("vbd", "VM"),              # a VM's disks and CD drives
    ("vbd", "VDI"),             # a disk's VBDs (which VMs use it)
    ("vdi", "SR"),              # an SR's disks
    ("vdi", "snapshot_of"),     # a disk's snapshots
    ("pbd", "SR"),              # an SR's hosts (through PBDs)
    ("pbd", "host"),            # a host's SRs
    ("vif", "VM"),              # a VM's network interfaces
    ("vif", "network"),         # a network's VIFs
    ("pif", "host"),            # a host's physical interfaces
    ("pif", "network"),         # a network's PIFs
    ("host_cpu", "host"),       # a host's CPUs
    ("console", "VM"),          # a VM's consoles
    ("task", "subtask_of"),     # a task's subtasks
})

FIELDS_BY_CLASS: dict[str, tuple[str, ...]] = {}
for _cls, _field in sorted(INDEXED):
    FIELDS_BY_CLASS[_cls] = (*FIELDS_BY_CLASS.get(_cls, ()), _field)
