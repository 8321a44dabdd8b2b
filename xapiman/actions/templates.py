"""What a VM template offers a new VM: its disks, networks, install methods and the limits it
recommends (memory, vCPUs, number of disks and interfaces)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from xapiman.xapi.records.base import as_int
from xapiman.xapi.refs import NULL_REF

GiB = 1024**3
DEFAULT_MAX_VCPUS = 64
DEFAULT_MAX_MEMORY = 1024 * GiB
DEFAULT_MAX_VBDS = 255
DEFAULT_MAX_VIFS = 7
NETWORK_INSTALL = ("http", "ftp", "nfs")



@dataclass(frozen=True)
class TemplateDisk:
    """A disk a new VM gets from its template.

    Attributes:
        device: the VBD's userdevice ("0", "1" ...); size: bytes; bootable.
        sr: where the template puts it (NULL_REF: the pool's default SR).
        vdi: the template's own disk (custom templates), None for a disk the template
            describes but does not have (default templates: made by `VM.provision`).
        kind: the provision recipe's disk type ("system", "ephemeral" ...).
    """

    device: str
    size: int
    sr: str = NULL_REF
    bootable: bool = False
    vdi: str | None = None
    kind: str = "system"


@dataclass(frozen=True)
class Template:
    """A template as the New VM wizard and `vm new` see it.

    Attributes:
        default: shipped with the server (is_default_template); custom ones were made from VMs.
        memory, memory_min, vcpus: its settings; max_memory, max_vcpus, max_vbds, max_vifs:
            the limits its recommendations give (sensible defaults without any).
        disks: the disks a new VM gets; networks: the networks of its interfaces.
        install_methods: "cdrom", "http", "ftp", "nfs" from other_config["install-methods"].
        hvm: boots through a BIOS or UEFI (network boot and CD boot order apply).
    """

    ref: str
    name: str
    description: str
    default: bool
    memory: int
    memory_min: int
    vcpus: int
    max_memory: int
    max_vcpus: int
    max_vbds: int
    max_vifs: int
    disks: tuple[TemplateDisk, ...]
    networks: tuple[str, ...]
    install_methods: frozenset[str]
    hvm: bool

    @property
    def network_install(self) -> bool:
        return bool(self.install_methods & set(NETWORK_INSTALL))

    @property
    def needs_media(self) -> bool:
        """A default template makes empty disks: the OS has to be installed."""
        return self.default or bool(self.disks) and all(d.vdi is None for d in self.disks)


def recommendations(text: str) -> dict[str, int]:
    """The limits of a `recommendations` XML (`<restrictions><restriction field=... max=.../>`):
    {"memory-static-max": ..., "vcpus-max": ..., "number-of-vbds": ..., "number-of-vifs": ...}
    (only those present and readable)."""
    out: dict[str, int] = {}
    if not text:
        return out
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return out
    for item in root.iter("restriction"):
        key = item.get("field") or item.get("property")
        value = as_int(item.get("max"), -1)
        if key and value > 0:
            out[key] = value
    return out


def provision_disks(text: str) -> list[TemplateDisk]:
    """The disks of a `<provision>` recipe (other_config["disks"]); [] when there is none or it
    cannot be read."""
    if not text:
        return []
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return []
    out = []
    for disk in root.iter("disk"):
        size = as_int(disk.get("size"))
        device = disk.get("device", "")
        if size > 0 and device:
            out.append(TemplateDisk(device, size, NULL_REF, disk.get("bootable") == "true", None,
                                    disk.get("type", "system")))
    return out


def provision_xml(disks: list[tuple[TemplateDisk, int, str]]) -> str:
    """A `<provision>` recipe for (template disk, size, SR uuid) triples."""
    root = ET.Element("provision")
    for disk, size, sr_uuid in disks:
        ET.SubElement(root, "disk", {"device": disk.device, "size": str(size), "sr": sr_uuid,
                                     "bootable": "true" if disk.bootable else "false",
                                     "type": disk.kind})
    return ET.tostring(root, encoding="unicode")


def own_disks(record: dict, cache) -> list[TemplateDisk]:
    """The disks a custom template has (its Disk VBDs)."""
    out = []
    for vbd_ref in record.get("VBDs", ()):
        vbd = cache.record("VBD", vbd_ref) or {}
        if vbd.get("type") != "Disk":
            continue
        vdi = cache.record("VDI", vbd.get("VDI", NULL_REF))
        if vdi is None:
            continue
        out.append(TemplateDisk(str(vbd.get("userdevice", "")), as_int(vdi.get("virtual_size")),
                                vdi.get("SR", NULL_REF), bool(vbd.get("bootable")), vbd["VDI"]))
    return sorted(out, key=lambda d: as_int(d.device, 99))


def template(cache, ref: str) -> Template | None:
    """The template `ref`, or None when it is not a template (or gone)."""
    rec = cache.record("VM", ref)
    if rec is None or not rec.get("is_a_template") or rec.get("is_a_snapshot"):
        return None
    other = rec.get("other_config") or {}
    limits = recommendations(str(rec.get("recommendations") or ""))
    disks = provision_disks(other.get("disks", "")) or own_disks(rec, cache)
    networks = []
    for vif_ref in rec.get("VIFs", ()):
        vif = cache.record("VIF", vif_ref) or {}
        if cache.record("network", vif.get("network", NULL_REF)) is not None:
            networks.append(vif["network"])
    methods = frozenset(m.strip() for m in other.get("install-methods", "").split(",")
                        if m.strip())
    return Template(
        ref=ref, name=str(rec.get("name_label", "")),
        description=str(rec.get("name_description", "")),
        default=bool(rec.get("is_default_template")) or other.get("default_template") == "true",
        memory=as_int(rec.get("memory_static_max"), GiB),
        memory_min=as_int(rec.get("memory_static_min")),
        vcpus=max(as_int(rec.get("VCPUs_max"), 1), 1),
        max_memory=limits.get("memory-static-max", DEFAULT_MAX_MEMORY),
        max_vcpus=limits.get("vcpus-max", DEFAULT_MAX_VCPUS),
        max_vbds=limits.get("number-of-vbds", DEFAULT_MAX_VBDS),
        max_vifs=limits.get("number-of-vifs", DEFAULT_MAX_VIFS),
        disks=tuple(disks), networks=tuple(networks), install_methods=methods,
        hvm=bool(rec.get("HVM_boot_policy")) or rec.get("domain_type") in ("hvm", "pv_in_pvh"),
    )


def templates(cache) -> list[Template]:
    """Every template of the pool (not snapshots): the custom ones first, then by name."""
    out = [t for ref in cache.records("VM") if (t := template(cache, ref)) is not None]
    return sorted(out, key=lambda t: (t.default, t.name.casefold(), t.ref))
