"""A plan for new VMs: what the New VM wizard and `xapiman-cli vm new` fill in, and its checks.

`NewVmPlan` holds every choice (template, names, install media, home server, vCPUs, memory,
disks, interfaces, start, how many); `NewVmPlan.for_template` fills in the template's defaults;
`review` says what is wrong (blocking, per wizard page) or worth a warning; `homes` places each
new VM with `placement`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from xapiman.actions import placement
from xapiman.actions.naming import sr_label
from xapiman.actions.placement import HostRating, VmNeeds
from xapiman.actions.prompts import Choice
from xapiman.actions.sizes import as_int, format_size
from xapiman.actions.templates import Template, TemplateDisk, template
from xapiman.i18n import translate
from xapiman.xapi.refs import NULL_REF

MiB, GiB = 1024**2, 1024**3
MIN_MEMORY = 64 * MiB
MAX_COUNT = 500
MAC = re.compile(r"[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}\Z")
URL = re.compile(r"(https?|ftp|nfs)://\S+\Z")

# the wizard's pages, in order (a problem names the page it belongs to)
PAGES = ("template", "name", "install", "host", "cpu", "disks", "networks", "summary")
INSTALL_KINDS = ("iso", "dvd", "url", "pxe", "none")



@dataclass
class DiskPlan:
    """One disk of the new VM.

    Attributes:
        size: bytes; sr: the SR it goes to.
        device: the template disk it comes from ("" for a disk added in the wizard).
    """

    size: int
    sr: str
    device: str = ""


@dataclass
class VifPlan:
    """One network interface: its network and MAC ("" for one the server generates)."""

    network: str
    mac: str = ""


@dataclass
class InstallMedia:
    """How the OS gets installed.

    Attributes:
        kind: "iso" (a disc image of an ISO library), "dvd" (a host's DVD drive), "url" (a
            network install repository), "pxe" (network boot) or "none" (boot the disks).
        vdi: the disc for "iso" and "dvd"; url: the repository for "url".
    """

    kind: str = "none"
    vdi: str = NULL_REF
    url: str = ""


@dataclass
class NewVmPlan:
    """Everything a new VM (or a batch of them) is made from.

    Attributes:
        name: its name; with count > 1 a pattern where {n} is 1, 2, ... (without {n},
            "-{n}" is added).
        host: the home server (NULL_REF: placed automatically).
        cores_per_socket: the vCPU topology (vcpus must be a multiple of it).
    """

    template: str
    name: str = ""
    description: str = ""
    vcpus: int = 1
    cores_per_socket: int = 1
    memory: int = GiB
    disks: list[DiskPlan] = field(default_factory=list)
    vifs: list[VifPlan] = field(default_factory=list)
    install: InstallMedia = field(default_factory=InstallMedia)
    host: str = NULL_REF
    start: bool = True
    count: int = 1

    def copy(self) -> NewVmPlan:
        return replace(self, disks=[replace(d) for d in self.disks],
                       vifs=[replace(v) for v in self.vifs], install=replace(self.install))

    @classmethod
    def for_template(cls, cache, template_ref: str, *, name: str = "",
                     host: str = NULL_REF) -> NewVmPlan:
        """The template's defaults: its memory, vCPUs, disks (on the template's SR, else the
        pool's default one), interfaces (else one on the management network), and install
        media it can use."""
        info = template(cache, template_ref)
        if info is None:
            return cls(template_ref, name=name, host=host)
        default_sr = pool_default_sr(cache)
        disks = [DiskPlan(d.size, d.sr if d.sr != NULL_REF else default_sr, d.device)
                 for d in info.disks]
        networks = list(info.networks) or [n for n in [management_network(cache)] if n]
        install = InstallMedia("none")
        if info.needs_media:
            isos = iso_choices(cache)
            install = InstallMedia("iso", isos[0].value) if isos else InstallMedia(
                "pxe" if info.hvm else "none")
        return cls(template_ref, name=name or info.name, description="",
                   vcpus=info.vcpus, cores_per_socket=1, memory=info.memory, disks=disks,
                   vifs=[VifPlan(n) for n in networks], install=install, host=host)

    def names(self) -> list[str]:
        """The names of the VMs, in order."""
        pattern = self.name.strip()
        if self.count <= 1:
            return [pattern.replace("{n}", "1")]
        if "{n}" not in pattern:
            pattern += "-{n}"
        return [pattern.replace("{n}", str(i)) for i in range(1, self.count + 1)]

    def needs(self, cache) -> VmNeeds:
        """What each new VM asks of a host (memory, vCPUs, SRs of disks and disc, networks)."""
        srs = {d.sr for d in self.disks if cache.record("SR", d.sr) is not None}
        if self.install.kind in ("iso", "dvd"):
            disc = cache.record("VDI", self.install.vdi) or {}
            if cache.record("SR", disc.get("SR", NULL_REF)) is not None:
                srs.add(disc["SR"])
        nets = {v.network for v in self.vifs if cache.record("network", v.network) is not None}
        return VmNeeds(self.memory, self.vcpus, frozenset(srs), frozenset(nets))


# -- what the pool offers -----------------------------------------------------------------------


def pool_record(cache) -> dict:
    return next(iter(cache.records("pool").values()), {})


def is_disk_sr(sr: dict) -> bool:
    return sr.get("content_type") != "iso" and sr.get("type") not in ("iso", "udev")


def sr_attached(cache, sr_ref: str) -> bool:
    sr = cache.record("SR", sr_ref) or {}
    return any((cache.record("PBD", p) or {}).get("currently_attached") for p in sr.get("PBDs", ()))


def sr_free(sr: dict) -> int:
    return max(as_int(sr.get("physical_size")) - as_int(sr.get("physical_utilisation")), 0)


def sr_host(cache, sr_ref: str) -> str:
    """The one host of a local SR (NULL_REF for a shared one)."""
    sr = cache.record("SR", sr_ref) or {}
    if sr.get("shared"):
        return NULL_REF
    hosts = {(cache.record("PBD", p) or {}).get("host", NULL_REF) for p in sr.get("PBDs", ())}
    return hosts.pop() if len(hosts) == 1 else NULL_REF


def pool_default_sr(cache) -> str:
    """The pool's default SR when it takes disks, else the roomiest attached shared one."""
    default = pool_record(cache).get("default_SR", NULL_REF)
    sr = cache.record("SR", default)
    if sr is not None and is_disk_sr(sr) and sr_attached(cache, default):
        return default
    usable = [(ref, sr) for ref, sr in cache.records("SR").items()
              if is_disk_sr(sr) and sr_attached(cache, ref) and sr.get("physical_size")]
    usable.sort(key=lambda kv: (not kv[1].get("shared"), -sr_free(kv[1]), kv[0]))
    return usable[0][0] if usable else NULL_REF


def management_network(cache) -> str:
    """The network of the coordinator's management interface."""
    master = pool_record(cache).get("master", NULL_REF)
    for pif in cache.records("PIF").values():
        if pif.get("management") and pif.get("host") == master:
            return str(pif.get("network", ""))
    return ""


def is_guest_network(net: dict) -> bool:
    """Networks a VM may use (not the host-internal management network)."""
    other = net.get("other_config") or {}
    return other.get("is_host_internal_management_network") != "true" \
        and net.get("bridge") != "xenapi"


def network_choices(cache) -> list[Choice]:
    out = []
    for ref, net in sorted(cache.records("network").items(),
                           key=lambda kv: kv[1].get("name_label", "").casefold()):
        if is_guest_network(net):
            out.append(Choice(net.get("name_label", ref), ref,
                              detail=str(net.get("name_description", ""))))
    return out


def sr_choices(cache, need: int = 0) -> list[Choice]:
    """The SRs disks can go to, with their free space (greyed out when detached or too full
    for `need` bytes)."""
    out = []
    for ref, sr in sorted(cache.records("SR").items(),
                          key=lambda kv: kv[1].get("name_label", "").casefold()):
        if not is_disk_sr(sr) or not as_int(sr.get("physical_size")):
            continue
        free = sr_free(sr)
        host = cache.record("host", sr_host(cache, ref)) or {}
        where = (translate("NewVm", "shared") if sr.get("shared") else
                 translate("NewVm", "local to {host}").format(host=host.get("name_label", "?")))
        reason = ""
        if not sr_attached(cache, ref):
            reason = translate("NewVm", "The SR is not attached to any server.")
        elif free < need:
            reason = translate("NewVm", "Not enough space: {free} free.").format(
                free=format_size(free))
        out.append(Choice(sr_label(cache, ref), ref, enabled=not reason, reason=reason,
                          detail=translate("NewVm", "{free} free, {where}").format(
                              free=format_size(free), where=where)))
    return out


def _disc_sr(cache, vdi_ref: str) -> dict:
    vdi = cache.record("VDI", vdi_ref) or {}
    return cache.record("SR", vdi.get("SR", NULL_REF)) or {}


def is_iso_image(cache, vdi_ref: str) -> bool:
    """A disc image of an ISO library (not a host's drive)."""
    sr = _disc_sr(cache, vdi_ref)
    return sr.get("content_type") == "iso" and sr.get("type") != "udev"


def is_dvd_drive(cache, vdi_ref: str) -> bool:
    """A host's physical DVD drive."""
    sr = _disc_sr(cache, vdi_ref)
    return sr.get("type") == "udev" and (sr.get("sm_config") or {}).get("type") == "cd"


def iso_choices(cache) -> list[Choice]:
    """Disc images of the ISO libraries (not the hosts' drives), by library and name."""
    out = []
    for ref, vdi in cache.records("VDI").items():
        if is_iso_image(cache, ref):
            sr = _disc_sr(cache, ref)
            out.append(Choice(vdi.get("name_label", ref), ref,
                              detail=str(sr.get("name_label", ""))))
    return sorted(out, key=lambda c: (c.detail.casefold(), c.label.casefold()))


def dvd_choices(cache) -> list[Choice]:
    """The hosts' physical DVD drives (a VM using one must run on that host)."""
    out = []
    for ref, vdi in cache.records("VDI").items():
        sr_ref = vdi.get("SR", NULL_REF)
        if is_dvd_drive(cache, ref):
            host = cache.record("host", sr_host(cache, sr_ref)) or {}
            label = translate("NewVm", "DVD drive {drive} on {host}").format(
                drive=vdi.get("name_label", ""), host=host.get("name_label", "?"))
            out.append(Choice(label, ref, detail=str(host.get("name_label", ""))))
    return sorted(out, key=lambda c: c.label.casefold())


def pool_macs(cache) -> dict[str, str]:
    """MAC (lower case) -> the name of the VM whose interface has it."""
    out = {}
    for vif in cache.records("VIF").values():
        mac = str(vif.get("MAC", "")).lower()
        if mac:
            vm = cache.record("VM", vif.get("VM", NULL_REF)) or {}
            out[mac] = str(vm.get("name_label", "?"))
    return out


# -- checks -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something wrong with a plan (blocking) or worth knowing (a warning), and its page."""

    page: str
    text: str
    blocking: bool = True


@dataclass
class Review:
    problems: list[Problem] = field(default_factory=list)
    homes: list[HostRating | None] = field(default_factory=list)

    def error(self, page: str, text: str) -> None:
        self.problems.append(Problem(page, text, True))

    def warn(self, page: str, text: str) -> None:
        self.problems.append(Problem(page, text, False))

    @property
    def ok(self) -> bool:
        return not self.errors()

    def errors(self, page: str | None = None) -> list[str]:
        return [p.text for p in self.problems if p.blocking and page in (None, p.page)]

    def warnings(self, page: str | None = None) -> list[str]:
        return [p.text for p in self.problems if not p.blocking and page in (None, p.page)]


def review(cache, plan: NewVmPlan, *, load: dict[str, float] | None = None) -> Review:
    """Every problem of the plan, page by page, and where each new VM would go."""
    out = Review()
    info = template(cache, plan.template)
    if info is None:
        out.error("template", translate("NewVm", "Choose a template."))
        return out
    _check_name(plan, out)
    _check_install(cache, plan, info, out)
    _check_cpu_memory(plan, info, out)
    _check_disks(cache, plan, info, out)
    _check_networks(cache, plan, info, out)
    _check_homes(cache, plan, out, load)
    return out


def _check_name(plan: NewVmPlan, out: Review) -> None:
    if not plan.name.strip():
        out.error("name", translate("NewVm", "The name may not be empty."))
    if not 1 <= plan.count <= MAX_COUNT:
        out.error("name", translate("NewVm", "Create between 1 and {max} VMs at once.").format(
            max=MAX_COUNT))
    elif plan.count > 1 and len(set(plan.names())) != plan.count:
        out.error("name", translate("NewVm", "The name pattern gives the same name twice."))


def _check_install(cache, plan: NewVmPlan, info: Template, out: Review) -> None:
    media = plan.install
    if media.kind not in INSTALL_KINDS:
        out.error("install", translate("NewVm", "Unknown installation method '{kind}'.").format(
            kind=media.kind))
    elif media.kind == "iso":
        if not is_iso_image(cache, media.vdi):
            out.error("install", translate("NewVm", "Choose an ISO image."))
    elif media.kind == "dvd":
        if not is_dvd_drive(cache, media.vdi):
            out.error("install", translate("NewVm", "Choose a DVD drive."))
    elif media.kind == "url":
        if not info.network_install:
            out.error("install", translate(
                "NewVm", "The template '{name}' cannot install from the network.").format(
                    name=info.name))
        elif not URL.match(media.url.strip()):
            out.error("install", translate(
                "NewVm", "Give the install repository as an http://, https://, ftp:// or nfs:// "
                "address."))
    elif media.kind == "pxe":
        if not plan.vifs:
            out.error("install", translate("NewVm", "Network boot needs a network interface."))
        if not info.hvm:
            out.error("install", translate("NewVm", "This template cannot boot from the "
                                           "network."))
    elif info.needs_media:
        out.warn("install", translate(
            "NewVm", "No installation media: the new VM has empty disks and will not boot "
            "until you insert a disc."))


def _check_cpu_memory(plan: NewVmPlan, info: Template, out: Review) -> None:
    if not 1 <= plan.vcpus <= info.max_vcpus:
        out.error("cpu", translate("NewVm", "The template allows 1 to {max} vCPUs.").format(
            max=info.max_vcpus))
    if plan.cores_per_socket < 1 or plan.vcpus % plan.cores_per_socket:
        out.error("cpu", translate(
            "NewVm", "The number of vCPUs must be a multiple of the cores per socket."))
    low = max(info.memory_min, MIN_MEMORY)
    if plan.memory < low:
        out.error("cpu", translate("NewVm", "The template needs at least {min} of memory.").format(
            min=format_size(low)))
    elif plan.memory > info.max_memory:
        out.error("cpu", translate("NewVm", "The template allows at most {max} of memory.").format(
            max=format_size(info.max_memory)))


def _check_disks(cache, plan: NewVmPlan, info: Template, out: Review) -> None:
    from_template = {d.device: d for d in info.disks}
    if len(plan.disks) + 1 > info.max_vbds:
        out.error("disks", translate("NewVm", "The template allows at most {max} drives.").format(
            max=info.max_vbds))
    if not plan.disks:
        out.warn("disks", translate("NewVm", "The VM has no disk."))
    usage: dict[str, int] = {}
    copied_to = set()
    for number, disk in enumerate(plan.disks, 1):
        sr = cache.record("SR", disk.sr)
        if sr is None or not is_disk_sr(sr):
            out.error("disks", translate("NewVm", "Disk {n}: choose an SR for it.").format(
                n=number))
            continue
        if not sr_attached(cache, disk.sr):
            out.error("disks", translate("NewVm", "Disk {n}: the SR '{sr}' is not attached.")
                      .format(n=number, sr=sr.get("name_label")))
        source = from_template.get(disk.device) if disk.device else None
        if disk.size <= 0:
            out.error("disks", translate("NewVm", "Disk {n}: give it a size.").format(n=number))
        elif source is not None and disk.size < source.size:
            out.error("disks", translate(
                "NewVm", "Disk {n}: the template's disk can grow, not shrink below {size}.")
                .format(n=number, size=format_size(source.size)))
        cost = disk.size
        if source is not None and source.vdi is not None:
            copied_to.add(disk.sr)
            if disk.sr == source.sr:
                cost = max(disk.size - source.size, 0)  # a fast clone shares the template's data
        usage[disk.sr] = usage.get(disk.sr, 0) + cost * plan.count
    if len(copied_to) > 1:
        out.error("disks", translate(
            "NewVm", "The template's own disks are copied together: put them on one SR."))
    for sr_ref, need in usage.items():
        sr = cache.record("SR", sr_ref) or {}
        if need > sr_free(sr):
            out.error("disks", translate(
                "NewVm", "Not enough space on '{sr}': the new disks need {need}, {free} are free.")
                .format(sr=sr.get("name_label"), need=format_size(need),
                        free=format_size(sr_free(sr))))


def _check_networks(cache, plan: NewVmPlan, info: Template, out: Review) -> None:
    if len(plan.vifs) > info.max_vifs:
        out.error("networks", translate(
            "NewVm", "The template allows at most {max} network interfaces.").format(
                max=info.max_vifs))
    taken = pool_macs(cache) if any(v.mac.strip() for v in plan.vifs) else {}
    seen: set[str] = set()
    for number, vif in enumerate(plan.vifs, 1):
        if cache.record("network", vif.network) is None:
            out.error("networks", translate("NewVm", "Interface {n}: choose a network.").format(
                n=number))
        mac = vif.mac.strip().lower()
        if not mac:
            continue
        if not MAC.match(mac):
            out.error("networks", translate(
                "NewVm", "Interface {n}: '{mac}' is not a MAC address (aa:bb:cc:dd:ee:ff).")
                .format(n=number, mac=vif.mac))
        elif int(mac[:2], 16) & 1:
            out.error("networks", translate(
                "NewVm", "Interface {n}: {mac} is a multicast address.").format(n=number, mac=mac))
        elif mac in taken:
            out.error("networks", translate(
                "NewVm", "Interface {n}: {mac} is already used by '{vm}'.").format(
                    n=number, mac=mac, vm=taken[mac]))
        elif mac in seen:
            out.error("networks", translate(
                "NewVm", "Interface {n}: {mac} is given twice.").format(n=number, mac=mac))
        elif plan.count > 1:
            out.error("networks", translate(
                "NewVm", "Interface {n}: a fixed MAC address cannot go to several VMs.").format(
                    n=number))
        seen.add(mac)


def homes(cache, plan: NewVmPlan, *,
          load: dict[str, float] | None = None) -> list[HostRating | None]:
    """Where each new VM goes: the chosen home server rated for it, or the best host with the
    memory of the earlier VMs of the batch counted (None: no host can take it now)."""
    needs = plan.needs(cache)
    if plan.host == NULL_REF:
        return placement.spread(cache, needs, plan.count, load=load)
    out: list[HostRating | None] = []
    facts = placement.pool_facts(cache)[plan.host]
    obstacles = placement.Obstacles.of(plan.host, cache, needs, False)
    for _ in range(plan.count):
        out.append(placement.rate_host(plan.host, cache, needs, facts=facts,
                                       obstacles=obstacles, load=(load or {}).get(plan.host)))
        facts = facts.taking(needs)
    return out


def _check_homes(cache, plan: NewVmPlan, out: Review, load: dict[str, float] | None) -> None:
    if plan.host != NULL_REF and cache.record("host", plan.host) is None:
        out.error("host", translate("NewVm", "Choose a home server, or let xapiman place the VM."))
        return
    out.homes = homes(cache, plan, load=load)
    needs = plan.needs(cache)
    if plan.host != NULL_REF:
        first = out.homes[0]
        assert first is not None
        fatal = first.blocked_by("storage", "network")
        for reason in fatal:
            out.error("host", reason)
        short = next((i for i, r in enumerate(out.homes) if r is not None and not r.suitable), None)
        if short is not None and not fatal:
            rating = out.homes[short]
            assert rating is not None
            text = translate("NewVm", "{host} cannot start VM {n} now: {why}").format(
                host=rating.name, n=short + 1, why=" ".join(rating.reasons))
            (out.error if plan.start else out.warn)("host", text)
            if rating.blocked_by("memory"):
                out.warn("cpu", text)
        return
    missing = [i for i, r in enumerate(out.homes) if r is None]
    if missing:
        ranked = placement.rank_hosts(cache, needs)
        why = "; ".join(f"{r.name}: {r.reason}" for r in ranked[:3]) or translate(
            "NewVm", "the pool has no servers")
        text = translate("NewVm", "No server can take VM {n} now ({why}).").format(
            n=missing[0] + 1, why=why)
        (out.error if plan.start else out.warn)("host", text)
        if any(r.blocked_by("memory") for r in ranked):
            out.warn("cpu", text)


def template_disk(info: Template, device: str) -> TemplateDisk | None:
    return next((d for d in info.disks if d.device == device), None)


def describe(cache, plan: NewVmPlan, result: Review | None = None) -> list[tuple[str, str]]:
    """The plan as (label, value) lines, for the summary page and the command line."""
    info = template(cache, plan.template)
    rows: list[tuple[str, str]] = []
    rows.append((translate("NewVm", "Template"), info.name if info else "?"))
    names = plan.names()
    rows.append((translate("NewVm", "Name"), names[0] if len(names) == 1 else translate(
        "NewVm", "{first} … {last} ({count} VMs)").format(first=names[0], last=names[-1],
                                                          count=len(names))))
    if plan.description:
        rows.append((translate("NewVm", "Description"), plan.description))
    rows.append((translate("NewVm", "Installation"), install_text(cache, plan.install)))
    rows.append((translate("NewVm", "vCPUs"), translate(
        "NewVm", "{vcpus} ({sockets} socket(s) × {cores} core(s))").format(
            vcpus=plan.vcpus, sockets=plan.vcpus // max(plan.cores_per_socket, 1),
            cores=plan.cores_per_socket)))
    rows.append((translate("NewVm", "Memory"), format_size(plan.memory)))
    for number, disk in enumerate(plan.disks, 1):
        sr = cache.record("SR", disk.sr) or {}
        rows.append((translate("NewVm", "Disk {n}").format(n=number), translate(
            "NewVm", "{size} on {sr}").format(size=format_size(disk.size),
                                              sr=sr.get("name_label", "?"))))
    for number, vif in enumerate(plan.vifs, 1):
        net = cache.record("network", vif.network) or {}
        rows.append((translate("NewVm", "Interface {n}").format(n=number), translate(
            "NewVm", "{network}, MAC {mac}").format(
                network=net.get("name_label", "?"),
                mac=vif.mac or translate("NewVm", "automatic"))))
    result = result or review(cache, plan)
    if plan.host != NULL_REF:
        host = cache.record("host", plan.host) or {}
        where = str(host.get("name_label", "?"))
    else:
        placed = [r.name for r in result.homes if r is not None]
        where = translate("NewVm", "automatic: {hosts}").format(
            hosts=", ".join(sorted(set(placed))) or translate("NewVm", "no server now"))
    rows.append((translate("NewVm", "Home server"), where))
    rows.append((translate("NewVm", "Start"), translate("NewVm", "yes") if plan.start
                 else translate("NewVm", "no")))
    return rows


def install_text(cache, media: InstallMedia) -> str:
    if media.kind in ("iso", "dvd"):
        vdi: dict[str, Any] = cache.record("VDI", media.vdi) or {}
        return translate("NewVm", "from {disc}").format(disc=vdi.get("name_label", "?"))
    if media.kind == "url":
        return translate("NewVm", "from {url}").format(url=media.url)
    if media.kind == "pxe":
        return translate("NewVm", "network boot (PXE)")
    return translate("NewVm", "none (boot from disk)")
