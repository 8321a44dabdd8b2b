"""The words of the property pages (General, Memory, vCPUs, Summary ...) in the user's
language.

The pages build their sections as data with English names, which the tests and the search
read; the form translates them where it shows them (`shown_label`, `shown_value`). The names
and the fixed values (Yes, None, Unknown, Not running ...) are marked here for the
translation tools; a value made of the server's data is shown as it is.
"""

from __future__ import annotations

from xapiman.i18n import QT_TRANSLATE_NOOP, translate

LABELS = (
    QT_TRANSLATE_NOOP("Properties", "Active"),
    QT_TRANSLATE_NOOP("Properties", "Device"),
    QT_TRANSLATE_NOOP("Properties", "Duplex"),
    QT_TRANSLATE_NOOP("Properties", "IP address"),
    QT_TRANSLATE_NOOP("Properties", "Link"),
    QT_TRANSLATE_NOOP("Properties", "MAC address"),
    QT_TRANSLATE_NOOP("Properties", "Management"),
    QT_TRANSLATE_NOOP("Properties", "NIC"),
    QT_TRANSLATE_NOOP("Properties", "Position"),
    QT_TRANSLATE_NOOP("Properties", "Read-only"),
    QT_TRANSLATE_NOOP("Properties", "Used"),
    QT_TRANSLATE_NOOP("Properties", "API version"),
    QT_TRANSLATE_NOOP("Properties", "Address"),
    QT_TRANSLATE_NOOP("Properties", "Allocated"),
    QT_TRANSLATE_NOOP("Properties", "At startup"),
    QT_TRANSLATE_NOOP("Properties", "Based on"),
    QT_TRANSLATE_NOOP("Properties", "Bridge"),
    QT_TRANSLATE_NOOP("Properties", "Build"),
    QT_TRANSLATE_NOOP("Properties", "CPU usage"),
    QT_TRANSLATE_NOOP("Properties", "CPUs"),
    QT_TRANSLATE_NOOP("Properties", "Connected to"),
    QT_TRANSLATE_NOOP("Properties", "Contents"),
    QT_TRANSLATE_NOOP("Properties", "Coordinator"),
    QT_TRANSLATE_NOOP("Properties", "Count"),
    QT_TRANSLATE_NOOP("Properties", "Current"),
    QT_TRANSLATE_NOOP("Properties", "Custom templates"),
    QT_TRANSLATE_NOOP("Properties", "Default storage"),
    QT_TRANSLATE_NOOP("Properties", "Description"),
    QT_TRANSLATE_NOOP("Properties", "Disks"),
    QT_TRANSLATE_NOOP("Properties", "Dynamic maximum"),
    QT_TRANSLATE_NOOP("Properties", "Dynamic minimum"),
    QT_TRANSLATE_NOOP("Properties", "Folder"),
    QT_TRANSLATE_NOOP("Properties", "Free"),
    QT_TRANSLATE_NOOP("Properties", "General"),
    QT_TRANSLATE_NOOP("Properties", "Guest tools"),
    QT_TRANSLATE_NOOP("Properties", "High availability"),
    QT_TRANSLATE_NOOP("Properties", "Holds"),
    QT_TRANSLATE_NOOP("Properties", "Hostname"),
    QT_TRANSLATE_NOOP("Properties", "IP addresses"),
    QT_TRANSLATE_NOOP("Properties", "In use now"),
    QT_TRANSLATE_NOOP("Properties", "Kind"),
    QT_TRANSLATE_NOOP("Properties", "Limits"),
    QT_TRANSLATE_NOOP("Properties", "MTU"),
    QT_TRANSLATE_NOOP("Properties", "Managed by xapi"),
    QT_TRANSLATE_NOOP("Properties", "Maximum"),
    QT_TRANSLATE_NOOP("Properties", "Memory"),
    QT_TRANSLATE_NOOP("Properties", "Mode"),
    QT_TRANSLATE_NOOP("Properties", "Model"),
    QT_TRANSLATE_NOOP("Properties", "Name"),
    QT_TRANSLATE_NOOP("Properties", "Network"),
    QT_TRANSLATE_NOOP("Properties", "Operating system"),
    QT_TRANSLATE_NOOP("Properties", "Pool"),
    QT_TRANSLATE_NOOP("Properties", "Pool role"),
    QT_TRANSLATE_NOOP("Properties", "Power state"),
    QT_TRANSLATE_NOOP("Properties", "Priority"),
    QT_TRANSLATE_NOOP("Properties", "Product"),
    QT_TRANSLATE_NOOP("Properties", "Resources"),
    QT_TRANSLATE_NOOP("Properties", "Running VMs"),
    QT_TRANSLATE_NOOP("Properties", "SR"),
    QT_TRANSLATE_NOOP("Properties", "Server"),
    QT_TRANSLATE_NOOP("Properties", "Server interfaces"),
    QT_TRANSLATE_NOOP("Properties", "Server overhead"),
    QT_TRANSLATE_NOOP("Properties", "Server uptime"),
    QT_TRANSLATE_NOOP("Properties", "Servers"),
    QT_TRANSLATE_NOOP("Properties", "Shared"),
    QT_TRANSLATE_NOOP("Properties", "Shared storage"),
    QT_TRANSLATE_NOOP("Properties", "Size"),
    QT_TRANSLATE_NOOP("Properties", "Snapshot"),
    QT_TRANSLATE_NOOP("Properties", "Snapshot of"),
    QT_TRANSLATE_NOOP("Properties", "Snapshots"),
    QT_TRANSLATE_NOOP("Properties", "Speed"),
    QT_TRANSLATE_NOOP("Properties", "State"),
    QT_TRANSLATE_NOOP("Properties", "Static maximum"),
    QT_TRANSLATE_NOOP("Properties", "Static minimum"),
    QT_TRANSLATE_NOOP("Properties", "Storage"),
    QT_TRANSLATE_NOOP("Properties", "Tags"),
    QT_TRANSLATE_NOOP("Properties", "Taken"),
    QT_TRANSLATE_NOOP("Properties", "Tools"),
    QT_TRANSLATE_NOOP("Properties", "Toolstack uptime"),
    QT_TRANSLATE_NOOP("Properties", "Topology"),
    QT_TRANSLATE_NOOP("Properties", "Type"),
    QT_TRANSLATE_NOOP("Properties", "UUID"),
    QT_TRANSLATE_NOOP("Properties", "Uptime"),
    QT_TRANSLATE_NOOP("Properties", "Usage"),
    QT_TRANSLATE_NOOP("Properties", "Use"),
    QT_TRANSLATE_NOOP("Properties", "VIFs"),
    QT_TRANSLATE_NOOP("Properties", "vCPUs"),
    QT_TRANSLATE_NOOP("Properties", "VM"),
    QT_TRANSLATE_NOOP("Properties", "VM interfaces"),
    QT_TRANSLATE_NOOP("Properties", "VMs"),
    QT_TRANSLATE_NOOP("Properties", "Version"),
    QT_TRANSLATE_NOOP("Properties", "Virtual machines"),
    QT_TRANSLATE_NOOP("Properties", "Xen"),
)

VALUES = (
    QT_TRANSLATE_NOOP("Values", "Full"),
    QT_TRANSLATE_NOOP("Values", "Half"),
    QT_TRANSLATE_NOOP("Values", "Disconnected"),
    QT_TRANSLATE_NOOP("Values", "A deleted VM"),
    QT_TRANSLATE_NOOP("Values", "Connected"),
    QT_TRANSLATE_NOOP("Values", "Coordinator"),
    QT_TRANSLATE_NOOP("Values", "Created on install"),
    QT_TRANSLATE_NOOP("Values", "Default"),
    QT_TRANSLATE_NOOP("Values", "Default template"),
    QT_TRANSLATE_NOOP("Values", "Custom template"),
    QT_TRANSLATE_NOOP("Values", "Disks and memory"),
    QT_TRANSLATE_NOOP("Values", "Disks only"),
    QT_TRANSLATE_NOOP("Values", "Empty"),
    QT_TRANSLATE_NOOP("Values", "Enabled"),
    QT_TRANSLATE_NOOP("Values", "Installed"),
    QT_TRANSLATE_NOOP("Values", "Maintenance mode (disabled)"),
    QT_TRANSLATE_NOOP("Values", "No"),
    QT_TRANSLATE_NOOP("Values", "No server"),
    QT_TRANSLATE_NOOP("Values", "None"),
    QT_TRANSLATE_NOOP("Values", "None reported"),
    QT_TRANSLATE_NOOP("Values", "Not applicable to a template"),
    QT_TRANSLATE_NOOP("Values", "Not known while the VM is not running"),
    QT_TRANSLATE_NOOP("Values", "Not installed: no guest agent reports from this VM"),
    QT_TRANSLATE_NOOP("Values", "Not plugged"),
    QT_TRANSLATE_NOOP("Values", "Not reachable"),
    QT_TRANSLATE_NOOP("Values", "Not reported"),
    QT_TRANSLATE_NOOP("Values", "Not running"),
    QT_TRANSLATE_NOOP("Values", "Off"),
    QT_TRANSLATE_NOOP("Values", "On"),
    QT_TRANSLATE_NOOP("Values", "Supporter"),
    QT_TRANSLATE_NOOP("Values", "Unknown"),
    QT_TRANSLATE_NOOP("Values", "Unknown (no guest tools report)"),
    QT_TRANSLATE_NOOP("Values", "Yes"),
    QT_TRANSLATE_NOOP("Values", "No shared storage."),
    QT_TRANSLATE_NOOP("Values", "This object no longer exists."),
)
# labels of the pages' action buttons given as data (ActionButtons translates them)
BUTTONS = (
    QT_TRANSLATE_NOOP("Tabs", "Insert ISO…"),
    QT_TRANSLATE_NOOP("Tabs", "Eject"),
)
_VALUES = frozenset(VALUES)


def shown_label(label: str) -> str:
    """A section's title or a row's label, as shown."""
    return translate("Properties", label)


def shown_value(value: str) -> str:
    """A fixed value in the user's language; any other text (names, figures) as it is."""
    return translate("Values", value) if value in _VALUES else value
