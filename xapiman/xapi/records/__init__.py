"""Typed read-only views of cached records, with ints parsed and refs resolved."""

from __future__ import annotations

from xapiman.xapi.records.activity import Message, Task
from xapiman.xapi.records.base import (
    Record,
    as_bool,
    as_float,
    as_int,
    as_ref,
    as_time,
    view_class,
)
from xapiman.xapi.records.host import Host, HostCpu, HostMetrics, Pool
from xapiman.xapi.records.network import PIF, VIF, Network
from xapiman.xapi.records.storage import PBD, SR, VBD, VDI
from xapiman.xapi.records.vm import VM, Console, SnapshotNode, VMGuestMetrics, VMMetrics

__all__ = [
    "PBD", "PIF", "SR", "VBD", "VDI", "VIF", "VM", "Console", "Host", "HostCpu", "HostMetrics",
    "Message", "Network", "Pool", "Record", "SnapshotNode", "Task", "VMGuestMetrics",
    "VMMetrics", "as_bool", "as_float", "as_int", "as_ref", "as_time", "view_class",
]
