"""A plan for moving VMs: what the Migrate wizard and `xapiman-cli vm migrate` fill in, and its
checks.

`MigratePlan` holds the VMs, the destination pool (this one or another open pool) and host,
the SR each disk goes to and the network each interface joins, and whether running VMs move
live. `MigratePlan.for_vms` fills in defaults the way XenCenter does (a disk stays where the
destination host sees it, else goes to the destination pool's default SR; an interface joins
the network of the same name). `review` says what is wrong, page by page, from the caches
alone; `precheck` asks the servers (`host.migrate_receive` then `VM.assert_can_migrate`) and
`method` says which XAPI call a VM needs: `VM.pool_migrate` when it runs and nothing but the
host changes inside the pool, else `VM.migrate_send` with its disk and interface maps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, cast

from xapiman.actions import peers, placement, reasons
from xapiman.actions.base import Availability
from xapiman.actions.naming import sr_label
from xapiman.actions.placement import HostRating, VmNeeds
from xapiman.actions.sizes import as_int, format_size
from xapiman.actions.vm_plan import (
    Review,
    is_disk_sr,
    is_guest_network,
    pool_record,
    sr_free,
)
from xapiman.i18n import translate
from xapiman.xapi.errors import XapiError
from xapiman.xapi.refs import NULL_REF

PAGES = ("destination", "storage", "network", "summary")
LIVE = ("Running", "Paused")
# SM features a disk's SR needs to send it, and the destination SR to receive it
SEND_FEATURES = ("VDI_SNAPSHOT", "VDI_MIRROR")
RECEIVE_FEATURES = ("VDI_SNAPSHOT", "VDI_MIRROR_IN")


@dataclass
class DiskMove:
    """One disk of a VM: where it is and where it goes (`sr` = `dest_sr` when it stays)."""

    vm: str
    vdi: str
    name: str
    size: int
    sr: str
    dest_sr: str = NULL_REF

    @property
    def moves(self) -> bool:
        """It goes to another SR (an SR not chosen yet counts as staying)."""
        return self.dest_sr not in (NULL_REF, self.sr)


@dataclass
class VifMove:
    """One network interface of a VM and the network it joins at the destination."""

    vm: str
    vif: str
    device: str
    mac: str
    network: str
    dest_network: str = NULL_REF


@dataclass
class MigratePlan:
    """Everything a move needs (see the module's description).

    Attributes:
        source: the connection of the VMs' pool; vms: their refs.
        dest: the connection of the destination pool (`source` itself inside the pool);
        dest_name: the name the app knows that connection by ("" when not known).
        host: the destination host (in `dest`'s pool).
        disks, vifs: every disk and interface of the VMs with its destination.
        live: running VMs keep running while they move.
    """

    source: Any
    vms: list[str]
    dest: Any
    dest_name: str = ""
    host: str = NULL_REF
    disks: list[DiskMove] = field(default_factory=list)
    vifs: list[VifMove] = field(default_factory=list)
    live: bool = True

    @classmethod
    def for_vms(cls, source: Any, vms: Iterable[str], dest: Any = None,
                dest_name: str = "", host: str = NULL_REF) -> MigratePlan:
        """A plan with every disk and interface listed and defaults filled in."""
        plan = cls(source, list(vms), dest if dest is not None else source, dest_name)
        cache = source.cache
        for vm in plan.vms:
            for vdi, rec in vm_disks(cache, vm):
                plan.disks.append(DiskMove(vm, vdi, str(rec.get("name_label", "")),
                                           as_int(rec.get("virtual_size")),
                                           str(rec.get("SR", NULL_REF))))
            for vif_ref in (cache.record("VM", vm) or {}).get("VIFs", ()):
                vif = cache.record("VIF", vif_ref) or {}
                plan.vifs.append(VifMove(vm, vif_ref, str(vif.get("device", "")),
                                         str(vif.get("MAC", "")),
                                         str(vif.get("network", NULL_REF))))
        plan.set_host(host if host != NULL_REF else plan.best_host())
        return plan

    def copy(self) -> MigratePlan:
        return replace(self, vms=list(self.vms), disks=[replace(d) for d in self.disks],
                       vifs=[replace(v) for v in self.vifs])

    # -- what it is --------------------------------------------------------------------------

    @property
    def cross_pool(self) -> bool:
        return self.dest is not self.source

    @property
    def dest_cache(self):
        return self.dest.cache

    def vm_record(self, vm: str) -> dict:
        return self.source.cache.record("VM", vm) or {}

    def vm_name(self, vm: str) -> str:
        return str(self.vm_record(vm).get("name_label") or vm)

    def disks_of(self, vm: str) -> list[DiskMove]:
        return [d for d in self.disks if d.vm == vm]

    def vifs_of(self, vm: str) -> list[VifMove]:
        return [v for v in self.vifs if v.vm == vm]

    def method(self, vm: str) -> str:
        """The XAPI call that moves `vm`: "VM.pool_migrate" or "VM.migrate_send"."""
        if not self.cross_pool and self.vm_record(vm).get("power_state") in LIVE \
                and not any(d.moves for d in self.disks_of(vm)):
            return "VM.pool_migrate"
        return "VM.migrate_send"

    def vdi_map(self, vm: str) -> dict[str, str]:
        return {d.vdi: d.dest_sr for d in self.disks_of(vm)}

    def vif_map(self, vm: str) -> dict[str, str]:
        """Interfaces and their networks (empty inside the pool, where xapi allows none)."""
        if not self.cross_pool:
            return {}
        return {v.vif: v.dest_network for v in self.vifs_of(vm)}

    def moving_live(self, vm: str) -> bool:
        return self.vm_record(vm).get("power_state") in LIVE

    # -- choosing ----------------------------------------------------------------------------

    def retarget(self, dest: Any, dest_name: str = "") -> None:
        """Another destination pool (`dest`): a new host and fresh defaults."""
        self.dest, self.dest_name = dest, dest_name
        for disk in self.disks:
            disk.dest_sr = NULL_REF
        for vif in self.vifs:
            vif.dest_network = NULL_REF
        self.set_host(self.best_host())

    def set_host(self, host: str) -> None:
        """The destination host; disks and interfaces it cannot take get its defaults."""
        self.host = host
        cache = self.dest_cache
        for disk in self.disks:
            current = None if self.cross_pool else disk.sr
            wanted = disk.dest_sr if disk.dest_sr != NULL_REF else (current or NULL_REF)
            if wanted != NULL_REF and usable_sr(cache, host, wanted, current):
                disk.dest_sr = wanted
            else:
                disk.dest_sr = default_sr(cache, host, disk, self.cross_pool)
        for vif in self.vifs:
            if not self.cross_pool:
                vif.dest_network = vif.network
            elif vif.dest_network == NULL_REF or not placement.network_reaches(
                    vif.dest_network, host, cache):
                vif.dest_network = default_network(self.source.cache, cache, host, vif.network)

    def needs(self) -> VmNeeds:
        """What the VMs together ask of the destination host (disks are placed apart)."""
        cache = self.source.cache
        memory, vcpus, networks, current = 0, 1, set(), set()
        for vm in self.vms:
            rec = self.vm_record(vm)
            if rec.get("power_state") in LIVE:
                memory += placement.vm_memory(rec, cache)
                current.add(str(rec.get("resident_on", NULL_REF)))
            vcpus = max(vcpus, as_int(rec.get("VCPUs_at_startup") or rec.get("VCPUs_max")))
            if not self.cross_pool:
                networks |= placement.vm_networks(rec, cache)
        here = current.pop() if len(current) == 1 and not self.cross_pool else NULL_REF
        return VmNeeds(memory, vcpus, frozenset(), frozenset(networks), here)

    def host_ratings(self) -> list[HostRating]:
        """Every host of the destination pool, those that can take the VMs first."""
        cache = self.dest_cache
        needs = self.needs()
        out = []
        for rating in placement.rank_hosts(cache, needs):
            reasons, kinds = list(rating.reasons), list(rating.kinds)
            if not self.cross_pool and self._nothing_changes_on(rating.ref):
                reasons.insert(0, translate("Migrate", "The VM is already on this server."))
                kinds.insert(0, "current")
            for disk in self.disks:
                if not any(usable_sr(cache, rating.ref, sr, None if self.cross_pool else disk.sr)
                           for sr in cache.records("SR")):
                    reasons.append(translate(
                        "Migrate", "The server reaches no storage the disks could go to."))
                    kinds.append("storage")
                    break
            if reasons != list(rating.reasons):
                rating = replace(rating, suitable=False, reasons=tuple(reasons),
                                 kinds=tuple(kinds), recommended=False)
            out.append(rating)
        good = [r for r in out if r.suitable]
        if good and not any(r.recommended for r in good):
            good[0] = replace(good[0], recommended=True)
        return good + [r for r in out if not r.suitable]

    def best_host(self) -> str:
        best = next((r for r in self.host_ratings() if r.suitable), None)
        return best.ref if best is not None else NULL_REF

    def _nothing_changes_on(self, host: str) -> bool:
        """Inside the pool, a VM of the plan already runs on `host` (a move to the server it
        runs on is not a migration)."""
        return any(self.moving_live(vm) and self.vm_record(vm).get("resident_on") == host
                   for vm in self.vms)


# -- what the pools offer -----------------------------------------------------------------------


def vm_disks(cache, vm: str) -> list[tuple[str, dict]]:
    """(VDI, record) of the VM's disks (not CDs, not empty drives): what migration moves."""
    out = []
    for vbd_ref in (cache.record("VM", vm) or {}).get("VBDs", ()):
        vbd = cache.record("VBD", vbd_ref) or {}
        if vbd.get("empty") or vbd.get("type") == "CD":
            continue
        vdi = cache.record("VDI", vbd.get("VDI", NULL_REF))
        if vdi is not None:
            out.append((vbd["VDI"], vdi))
    return out


def sm_features(cache, sr: dict) -> set[str]:
    for sm in cache.records("SM").values():
        if sm.get("type") == sr.get("type"):
            names = sm.get("features") or sm.get("capabilities") or ()
            return {str(n).split("/")[0] for n in names}
    return set()


def missing_features(cache, sr: dict, wanted: tuple[str, ...]) -> list[str]:
    have = sm_features(cache, sr)
    if "VDI_MIRROR" in have:
        have.add("VDI_MIRROR_IN")
    return [f for f in wanted if f not in have]


def usable_sr(cache, host: str, sr_ref: str, current: str | None) -> bool:
    """Whether a disk now in SR `current` (None: in another pool) can end up in `sr_ref` with
    `host` running the VM: the host sees it, it takes disks, and when the disk changes SR it
    can receive one."""
    sr = cache.record("SR", sr_ref)
    if sr is None or not is_disk_sr(sr) or not placement.host_sees(host, sr_ref, cache):
        return False
    return sr_ref == current or not missing_features(cache, sr, RECEIVE_FEATURES)


def default_sr(cache, host: str, disk: DiskMove, cross_pool: bool) -> str:
    """Where a disk goes by default: the pool's default SR when the host sees it, else the
    shared SR with most room, else the host's local SR with most room."""
    current = None if cross_pool else disk.sr
    default = pool_record(cache).get("default_SR", NULL_REF)
    if usable_sr(cache, host, default, current) and \
            sr_free(cache.record("SR", default) or {}) >= disk.size:
        return str(default)
    usable = [(ref, sr) for ref, sr in cache.records("SR").items()
              if usable_sr(cache, host, ref, current)]
    usable.sort(key=lambda kv: (sr_free(kv[1]) < disk.size, not kv[1].get("shared"),
                                -sr_free(kv[1]), kv[0]))
    return usable[0][0] if usable else NULL_REF


def every_disk_sr(plan: MigratePlan, usable: Iterable[str]) -> str:
    """The SR offered first for every disk at once, among `usable`: the destination pool's
    default SR, else the SR most of the disks go to now, else the one with most room."""
    refs = list(usable)
    if not refs:
        return NULL_REF
    default = str(pool_record(plan.dest_cache).get("default_SR", NULL_REF))
    if default in refs:
        return default
    counts = Counter(d.dest_sr for d in plan.disks if d.dest_sr in refs)
    if counts:
        return max(counts, key=lambda ref: (counts[ref], ref))
    return max(refs, key=lambda ref: (sr_free(plan.dest_cache.record("SR", ref) or {}), ref))


def host_network_choices(cache, host: str) -> list[tuple[str, dict]]:
    """The guest networks `host` is connected to, by name."""
    nets = [(ref, net) for ref, net in cache.records("network").items()
            if is_guest_network(net) and placement.network_reaches(ref, host, cache)]
    return sorted(nets, key=lambda kv: (str(kv[1].get("name_label", "")).casefold(), kv[0]))


def management_network_of(cache, host: str) -> str:
    """The network of `host`'s management interface (NULL_REF when none is known)."""
    for pif_ref in (cache.record("host", host) or {}).get("PIFs", ()):
        pif = cache.record("PIF", pif_ref) or {}
        if pif.get("management"):
            return str(pif.get("network", NULL_REF))
    return NULL_REF


def default_network(source_cache, cache, host: str, network: str) -> str:
    """The destination network for an interface now on `network`: the one of the same name,
    else of the same bridge, else the host's management network."""
    old = source_cache.record("network", network) or {}
    choices = host_network_choices(cache, host)
    for key in ("name_label", "bridge"):
        match = next((ref for ref, net in choices if old.get(key) and net.get(key) == old[key]),
                     None)
        if match is not None:
            return match
    mgmt = management_network_of(cache, host)
    return mgmt if mgmt != NULL_REF else (choices[0][0] if choices else NULL_REF)


def host_label(cache, ref: str) -> str:
    return str((cache.record("host", ref) or {}).get("name_label") or ref)


def network_label(cache, ref: str) -> str:
    return str((cache.record("network", ref) or {}).get("name_label") or ref)


# -- the checks ---------------------------------------------------------------------------------


def review(plan: MigratePlan) -> Review:
    """Every problem of the plan the caches show, page by page (blocking or a warning)."""
    out = Review()
    _check_vms(plan, out)
    _check_destination(plan, out)
    _check_storage(plan, out)
    _check_networks(plan, out)
    return out


def _check_vms(plan: MigratePlan, out: Review) -> None:
    if not plan.vms:
        out.error("destination", translate("Migrate", "There is no VM to move."))
    for vm in plan.vms:
        rec = plan.vm_record(vm)
        if not rec:
            out.error("destination", translate("Migrate", "A VM to move no longer exists."))
        elif not (allowed := operation_allowed(plan, vm)):
            out.error("destination", translate("Migrate", "'{vm}' cannot move now: {why}")
                      .format(vm=plan.vm_name(vm), why=allowed.reason))
        elif not plan.cross_pool and rec.get("power_state") not in LIVE and \
                not any(d.moves for d in plan.disks_of(vm)):
            out.error("storage", translate(
                "Migrate", "'{vm}' is not running and its disks stay where they are: nothing "
                "would move. Choose another SR for a disk, or another pool.").format(
                    vm=plan.vm_name(vm)))


def operation_allowed(plan: MigratePlan, vm: str) -> Availability:
    """Whether the server lets `vm` do the operation its move needs now (a running VM
    without guest tools, for one, cannot move live)."""
    op = "pool_migrate" if plan.method(vm) == "VM.pool_migrate" else "migrate_send"
    return reasons.vm_operation(plan.vm_record(vm), op, cache=plan.source.cache)


def _check_destination(plan: MigratePlan, out: Review) -> None:
    if plan.dest_cache is None or not plan.dest_cache.records("pool"):
        out.error("destination", translate("Migrate", "The destination pool is not connected."))
        return
    if plan.host == NULL_REF or plan.dest_cache.record("host", plan.host) is None:
        out.error("destination", translate("Migrate", "Choose the server the VMs go to."))
        return
    rating = next((r for r in plan.host_ratings() if r.ref == plan.host), None)
    if rating is not None and not rating.suitable:
        for reason in rating.reasons:
            out.error("destination", translate("Migrate", "{host}: {reason}").format(
                host=rating.name, reason=reason))
    if not plan.live and any(plan.moving_live(vm) for vm in plan.vms):
        out.warn("destination", translate(
            "Migrate", "Running VMs are suspended while they move and resumed afterwards."))


def _check_storage(plan: MigratePlan, out: Review) -> None:
    cache, host = plan.dest_cache, plan.host
    if host == NULL_REF or cache is None:
        return
    src = plan.source.cache
    need: dict[str, int] = {}
    for disk in plan.disks:
        name = translate("Migrate", "'{disk}' of '{vm}'").format(disk=disk.name,
                                                                   vm=plan.vm_name(disk.vm))
        if disk.dest_sr == NULL_REF or cache.record("SR", disk.dest_sr) is None:
            out.error("storage", translate("Migrate", "Choose an SR for the disk {disk}.")
                      .format(disk=name))
            continue
        sr = cache.record("SR", disk.dest_sr) or {}
        if not is_disk_sr(sr):
            out.error("storage", translate("Migrate", "'{sr}' does not hold VM disks.").format(
                sr=sr_label(cache, disk.dest_sr)))
            continue
        if not placement.host_sees(host, disk.dest_sr, cache):
            out.error("storage", translate(
                "Migrate", "{host} cannot reach '{sr}', chosen for the disk {disk}.").format(
                    host=host_label(cache, host), sr=sr_label(cache, disk.dest_sr), disk=name))
            continue
        if not disk.moves:
            continue
        old = src.record("SR", disk.sr) or {}
        lacking = missing_features(src, old, SEND_FEATURES) if old else []
        if lacking:
            out.error("storage", translate(
                "Migrate", "The disk {disk} is on '{sr}', whose type ({type}) cannot send disks "
                "while they are in use.").format(disk=name, sr=sr_label(src, disk.sr),
                                                  type=old.get("type", "?")))
        lacking = missing_features(cache, sr, RECEIVE_FEATURES)
        if lacking:
            out.error("storage", translate(
                "Migrate", "'{sr}' ({type}) cannot receive a disk being moved.").format(
                    sr=sr_label(cache, disk.dest_sr), type=sr.get("type", "?")))
        need[disk.dest_sr] = need.get(disk.dest_sr, 0) + disk.size
    for sr_ref, size in need.items():
        free = sr_free(cache.record("SR", sr_ref) or {})
        if size > free:
            out.error("storage", translate(
                "Migrate", "'{sr}' has {free} free; the disks moving there need {need}.").format(
                    sr=sr_label(cache, sr_ref), free=format_size(free), need=format_size(size)))


def _check_networks(plan: MigratePlan, out: Review) -> None:
    cache, host = plan.dest_cache, plan.host
    if host == NULL_REF or cache is None:
        return
    for vif in plan.vifs:
        net = vif.dest_network
        if net == NULL_REF or cache.record("network", net) is None:
            out.error("network", translate(
                "Migrate", "Choose a network for interface {device} of '{vm}'.").format(
                    device=vif.device, vm=plan.vm_name(vif.vm)))
        elif not placement.network_reaches(net, host, cache):
            out.error("network", translate(
                "Migrate", "{host} is not connected to the network '{network}' of interface "
                "{device} of '{vm}'.").format(host=host_label(cache, host),
                                              network=network_label(cache, net),
                                              device=vif.device, vm=plan.vm_name(vif.vm)))


def describe(plan: MigratePlan) -> list[tuple[str, str]]:
    """The plan in lines of (label, value) for the summary page and `--dry-run`."""
    src, cache = plan.source.cache, plan.dest_cache
    lines = [(translate("Migrate", "VMs"), ", ".join(plan.vm_name(vm) for vm in plan.vms))]
    pool = peers.pool_title(plan.dest) if plan.dest_cache is not None else "?"
    where = translate("Migrate", "{host} in pool {pool}").format(
        host=host_label(cache, plan.host), pool=pool) if plan.cross_pool else \
        host_label(cache, plan.host)
    lines.append((translate("Migrate", "Destination"), where))
    for vm in plan.vms:
        how = {"VM.pool_migrate": translate("Migrate", "live migration within the pool"),
               "VM.migrate_send": translate("Migrate", "migration with its disks")}[
            plan.method(vm)]
        if plan.cross_pool:
            how = translate("Migrate", "migration to another pool")
        state = translate("Migrate", "live") if plan.moving_live(vm) and plan.live else \
            translate("Migrate", "not running") if not plan.moving_live(vm) else \
            translate("Migrate", "suspended while it moves")
        lines.append((plan.vm_name(vm), f"{how} ({state})"))
        for disk in plan.disks_of(vm):
            target = sr_label(cache, disk.dest_sr)
            text = translate("Migrate", "{size} on '{old}' → '{new}'").format(
                size=format_size(disk.size), old=sr_label(src, disk.sr), new=target) \
                if disk.moves else translate("Migrate", "{size} stays on '{sr}'").format(
                    size=format_size(disk.size), sr=target)
            lines.append((translate("Migrate", "  disk {name}").format(name=disk.name), text))
        for vif in plan.vifs_of(vm):
            lines.append((translate("Migrate", "  interface {device}").format(device=vif.device),
                          f"{network_label(src, vif.network)} → "
                          f"{network_label(cache, vif.dest_network)}"))
    return lines


# -- asking the servers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """Why a server refuses to move a VM: in words, with the XAPI error behind it."""

    vm: str
    text: str
    code: str = ""
    params: tuple[str, ...] = ()


def receive_network(plan: MigratePlan) -> str:
    """The network the destination receives the VM over (its host's management network)."""
    return management_network_of(plan.dest_cache, plan.host)


def receive(plan: MigratePlan) -> dict[str, str]:
    """`host.migrate_receive` on the destination: where and how to send (blocking call)."""
    answer = plan.dest.call("host.migrate_receive", plan.host, receive_network(plan), {})
    return {str(k): str(v) for k, v in cast(dict, answer).items()}


def options(plan: MigratePlan) -> dict[str, str]:
    return {"live": "true"} if plan.live else {}


def assert_can_migrate(plan: MigratePlan, vm: str, dest: dict[str, str]) -> None:
    """`VM.assert_can_migrate` for one VM of the plan (raises the server's refusal)."""
    plan.source.call("VM.assert_can_migrate", vm, dest, plan.live and plan.moving_live(vm),
                     plan.vdi_map(vm), plan.vif_map(vm), {})


def precheck(plan: MigratePlan) -> list[Refusal]:
    """Ask the servers whether each VM can move as planned (blocking; nothing moves): the
    refusals, in words (empty when all can)."""
    try:
        dest = receive(plan)
    except XapiError as exc:
        return [refusal(plan, vm, exc) for vm in plan.vms]
    out = []
    for vm in plan.vms:
        try:
            assert_can_migrate(plan, vm, dest)
        except XapiError as exc:
            out.append(refusal(plan, vm, exc))
    return out


def refusal(plan: MigratePlan, vm: str, exc: XapiError) -> Refusal:
    text = translate("Migrate", "'{vm}' cannot move: {why}").format(
        vm=plan.vm_name(vm), why=explain_refusal(plan, vm, exc))
    return Refusal(vm, text, exc.code, exc.params)


def explain_refusal(plan: MigratePlan, vm: str, exc: XapiError) -> str:
    """Why a server refuses to move `vm`, naming the objects it is about."""
    src, cache = plan.source.cache, plan.dest_cache
    params = list(exc.params)
    host = host_label(cache, plan.host)

    def param(i: int) -> str:
        return params[i] if len(params) > i else ""

    def any_sr(ref: str) -> str:
        return sr_label(cache, ref) if cache.record("SR", ref) is not None else sr_label(src, ref)

    texts = {
        "VM_REQUIRES_SR": lambda: translate(
            "Migrate", "{host} cannot reach the storage '{sr}' it would use.").format(
                host=host, sr=any_sr(param(1))),
        "VM_REQUIRES_NETWORK": lambda: translate(
            "Migrate", "{host} is not connected to its network '{network}'.").format(
                host=host, network=network_label(src, param(1))),
        "SR_DOES_NOT_SUPPORT_MIGRATION": lambda: translate(
            "Migrate", "the storage '{sr}' cannot take part in moving a disk (it lacks "
            "{features}).").format(sr=any_sr(param(0)), features=param(1).replace(";", ", ")),
        "HOST_NOT_ENOUGH_FREE_MEMORY": lambda: translate(
            "Migrate", "{host} has not enough free memory. {sentence}").format(
                host=host, sentence=exc.sentence),
        "HOST_DISABLED": lambda: translate(
            "Migrate", "{host} is in maintenance mode.").format(host=host),
    }
    text = texts.get(exc.code)
    return text() if text is not None else exc.sentence
