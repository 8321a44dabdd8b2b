"""Which hosts a VM can go to, ranked best first, each with the reasons it can or cannot.

The rating reads only the cache: a host is suitable when it is reachable, enabled, has the
free memory the VM needs, at least as many CPUs as the VM has vCPUs, sees every SR holding the
VM's disks and CDs, and is connected to every network of its interfaces. Suitable hosts are
ranked by the memory they keep free after taking the VM, their vCPU commitment and, when the
caller knows it, their current CPU load (a fraction 0..1 per host, e.g. from the host metrics;
without it the load plays no part).

Start On, Migrate, the New VM wizard and `xapiman-cli host recommend` all use `rank_hosts`.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace

from xapiman.actions.naming import sr_label
from xapiman.actions.prompts import Choice
from xapiman.i18n import translate
from xapiman.xapi.records.base import as_int
from xapiman.xapi.refs import NULL_REF

GiB = 1024**3

# weights of the ranking: memory left after placement (a fraction of the host's memory), the
# CPU load (0..1) and vCPUs committed beyond the host's CPUs (per CPU)
LOAD_WEIGHT = 0.6
OVERCOMMIT_WEIGHT = 0.2



def gib(value: int) -> str:
    return translate("Placement", "{size} GiB").format(size=f"{value / GiB:.1f}")


def need_and_free(need: int, free: int) -> tuple[str, str]:
    """Two memory figures that read as they compare: the need rounded up, what is free
    rounded down (so a need above what is free always reads above it, never "needs 1.0 GiB,
    1.0 GiB free"), to a tenth of a GiB when the need is exact at that, else to a
    hundredth."""
    decimals = 1 if (need * 10) % GiB == 0 else 2
    scale = 10**decimals
    up = math.ceil(need * scale / GiB) / scale
    down = math.floor(free * scale / GiB) / scale
    return (translate("Placement", "{size} GiB").format(size=f"{up:.{decimals}f}"),
            translate("Placement", "{size} GiB").format(size=f"{down:.{decimals}f}"))


# -- what the cache says about memory, CPUs, storage and networks ----------------------------


def vm_memory(record: dict, cache, metrics_table: Mapping[str, dict] | None = None) -> int:
    """Memory a VM uses or needs on a host (bytes): what it has now when it runs, else its
    static maximum; plus its overhead. (`metrics_table`: the cache's VM_metrics records, when
    the caller reads many VMs.)"""
    ref = record.get("metrics", NULL_REF)
    metrics = (metrics_table.get(ref) if metrics_table is not None
               else cache.record("VM_metrics", ref)) or {}
    actual = as_int(metrics.get("memory_actual"))
    overhead = as_int(record.get("memory_overhead"))
    if record.get("power_state") in ("Running", "Paused") and actual:
        return actual + overhead
    return as_int(record.get("memory_static_max")) + overhead


def host_memory_total(host_ref: str, cache) -> int:
    host = cache.record("host", host_ref) or {}
    metrics = cache.record("host_metrics", host.get("metrics", NULL_REF)) or {}
    return as_int(metrics.get("memory_total"))


def host_free_memory(host_ref: str, cache) -> int:
    """Estimated free memory of a host: total less its overhead and its resident VMs."""
    return HostFacts.of(host_ref, cache).free


def host_live(host_ref: str, cache) -> bool:
    host = cache.record("host", host_ref) or {}
    metrics = cache.record("host_metrics", host.get("metrics", NULL_REF)) or {}
    return bool(metrics.get("live", True))


def host_cpus(host: dict) -> int:
    """The host's CPU count (cpu_info, else its host_CPU records); 0 when unknown."""
    count = as_int((host.get("cpu_info") or {}).get("cpu_count"))
    return count or len(host.get("host_CPUs", ()))


def vm_srs(vm_record: dict, cache) -> set[str]:
    """The SRs a VM needs to boot: those of its disks and of the discs in its CD drives."""
    out = set()
    for vbd_ref in vm_record.get("VBDs", ()):
        vbd = cache.record("VBD", vbd_ref) or {}
        if vbd.get("empty"):
            continue
        vdi = cache.record("VDI", vbd.get("VDI", NULL_REF))
        if vdi is not None and cache.record("SR", vdi.get("SR", NULL_REF)) is not None:
            out.add(vdi["SR"])
    return out


def vm_networks(vm_record: dict, cache) -> set[str]:
    out = set()
    for vif_ref in vm_record.get("VIFs", ()):
        vif = cache.record("VIF", vif_ref) or {}
        if cache.record("network", vif.get("network", NULL_REF)) is not None:
            out.add(vif["network"])
    return out


def host_sees(host_ref: str, sr_ref: str, cache) -> bool:
    """Whether the host has the SR plugged (a PBD of that SR on that host is attached)."""
    for pbd_ref in (cache.record("SR", sr_ref) or {}).get("PBDs", ()):
        pbd = cache.record("PBD", pbd_ref) or {}
        if pbd.get("host") == host_ref and pbd.get("currently_attached"):
            return True
    return False


def network_reaches(network_ref: str, host_ref: str, cache) -> bool:
    """Whether the host can attach the network: a network with interfaces (PIFs) only where
    it has one; a network without (a private one) only where the running VMs on it are."""
    net = cache.record("network", network_ref) or {}
    pifs = net.get("PIFs", ())
    if pifs:
        return any((cache.record("PIF", p) or {}).get("host") == host_ref for p in pifs)
    if (net.get("other_config") or {}).get("assume_network_is_shared") == "true" \
            or not net.get("managed", True):
        return True
    hosts = set()
    for vif_ref in net.get("VIFs", ()):
        vif = cache.record("VIF", vif_ref) or {}
        owner = cache.record("VM", vif.get("VM", NULL_REF)) or {}
        if owner.get("power_state") == "Running":
            hosts.add(owner.get("resident_on"))
    return not hosts or host_ref in hosts


# -- rating -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VmNeeds:
    """What a VM asks of a host.

    Attributes:
        memory: bytes it needs; vcpus: its vCPUs at start-up.
        srs: the SRs of its disks and CDs; networks: the networks of its interfaces.
        current: the host it runs on now (NULL_REF when none).
    """

    memory: int
    vcpus: int = 1
    srs: frozenset[str] = frozenset()
    networks: frozenset[str] = frozenset()
    current: str = NULL_REF

    @classmethod
    def of_vm(cls, record: dict, cache) -> VmNeeds:
        """The needs of an existing VM (to start it elsewhere or to migrate it)."""
        return cls(vm_memory(record, cache),
                   max(as_int(record.get("VCPUs_at_startup") or record.get("VCPUs_max")), 1),
                   frozenset(vm_srs(record, cache)), frozenset(vm_networks(record, cache)),
                   str(record.get("resident_on") or NULL_REF))


@dataclass(frozen=True)
class HostRating:
    """One host's verdict for a VM.

    Attributes:
        ref, name: the host.
        suitable: the VM can go there now.
        reasons: why it cannot (every reason, most fundamental first); empty when suitable.
        notes: facts behind the rank (memory left, CPUs, load).
        free_memory: bytes free before the VM (never negative).
        score: higher is better (only compared between suitable hosts).
        load: the CPU load used for the rank (None when unknown).
        kinds: what each reason is about, in the same order: "current", "offline",
            "disabled", "memory", "cpus", "storage", "network". Storage and networks are
            lasting obstacles; the others may pass.
        memory_left: bytes free once the VM is there; vcpus: the vCPUs it would then run;
            cpus: its CPUs (0 when unknown). Set for suitable hosts.
    """

    ref: str
    name: str
    suitable: bool
    reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    free_memory: int = 0
    score: float = 0.0
    load: float | None = None
    recommended: bool = field(default=False, compare=False)
    kinds: tuple[str, ...] = ()
    memory_left: int = 0
    vcpus: int = 0
    cpus: int = 0

    def blocked_by(self, *kinds: str) -> list[str]:
        """The reasons of these kinds."""
        return [r for r, k in zip(self.reasons, self.kinds, strict=False) if k in kinds]

    @property
    def reason(self) -> str:
        """The first reason it cannot take the VM ("" when it can)."""
        return self.reasons[0] if self.reasons else ""

    def explanation(self) -> str:
        """One line: why not, or the facts that ranked it."""
        if not self.suitable:
            return " ".join(self.reasons)
        text = "; ".join(self.notes)
        if self.recommended:
            return translate("Placement", "Recommended: {facts}.").format(facts=text)
        return translate("Placement", "Suitable: {facts}.").format(facts=text)


@dataclass(frozen=True)
class HostFacts:
    """What a host has already: free memory (bytes, may be negative when overcommitted) and
    the vCPUs of the VMs on it. `taking(needs)` is the same host once a VM arrived."""

    free: int
    committed: int

    @classmethod
    def of(cls, host_ref: str, cache) -> HostFacts:
        """Its memory total less its own overhead and what its resident VMs (the control
        domain too) use; the vCPUs those VMs start with."""
        host = cache.record("host", host_ref) or {}
        vms, metrics = cache.records("VM"), cache.records("VM_metrics")
        used = as_int(host.get("memory_overhead"))
        committed = 0
        for vm_ref in host.get("resident_VMs", ()):
            vm = vms.get(vm_ref)
            if vm is not None:
                used += vm_memory(vm, cache, metrics)
                committed += as_int(vm.get("VCPUs_at_startup") or vm.get("VCPUs_max"))
        return cls(host_memory_total(host_ref, cache) - used, committed)

    def taking(self, needs: VmNeeds) -> HostFacts:
        return HostFacts(self.free - needs.memory, self.committed + needs.vcpus)


@dataclass(frozen=True)
class Obstacles:
    """What keeps a VM off a host whatever its memory (it does not change within a batch):
    `first` (already there, unreachable, maintenance) and `then` (CPUs, storage, networks) as
    (kind, sentence) pairs, in the order they are told; with the host's CPU count and memory."""

    first: tuple[tuple[str, str], ...]
    then: tuple[tuple[str, str], ...]
    cpus: int
    memory_total: int

    @classmethod
    def of(cls, host_ref: str, cache, needs: VmNeeds, exclude_current: bool) -> Obstacles:
        host = cache.record("host", host_ref) or {}
        first: list[tuple[str, str]] = []
        then: list[tuple[str, str]] = []
        if exclude_current and host_ref == needs.current:
            first.append(("current", translate("Placement", "The VM is already on this server.")))
        if not host_live(host_ref, cache):
            first.append(("offline", translate("Placement", "The server is not reachable.")))
        if not host.get("enabled", True):
            first.append(("disabled", translate("Placement",
                                                "The server is in maintenance mode.")))
        cpus = host_cpus(host)
        if cpus and needs.vcpus > cpus:
            then.append(("cpus", translate(
                "Placement", "The VM has {vcpus} vCPUs, the server only {cpus} CPUs.").format(
                    vcpus=needs.vcpus, cpus=cpus)))
        for sr in sorted(needs.srs):
            if not host_sees(host_ref, sr, cache):
                sr_name = sr_label(cache, sr)
                then.append(("storage", translate(
                    "Placement", "The server cannot reach the storage '{sr}'.").format(
                        sr=sr_name)))
        for net in sorted(needs.networks):
            if not network_reaches(net, host_ref, cache):
                net_name = (cache.record("network", net) or {}).get("name_label", net)
                then.append(("network", translate(
                    "Placement", "The server is not connected to the network '{network}'.")
                    .format(network=net_name)))
        return cls(tuple(first), tuple(then), cpus, host_memory_total(host_ref, cache))


_FACTS_MEMO: list[tuple[object, dict[str, HostFacts]]] = []  # (cache state, facts), the last one


def pool_facts(cache) -> dict[str, HostFacts]:
    """Every host's `HostFacts`, worked out once per state of the cache (summing the memory
    of every resident VM is the costly part of a ranking; the wizard ranks at each keystroke
    while the pool barely changes). A copy: callers may change it."""
    state = cache.snapshot() if hasattr(cache, "snapshot") else None
    memo = _FACTS_MEMO[0] if _FACTS_MEMO else None
    if state is not None and memo is not None and memo[0] is state:
        return dict(memo[1])
    facts = {ref: HostFacts.of(ref, cache) for ref in cache.records("host")}
    if state is not None:
        _FACTS_MEMO[:] = [(state, facts)]
    return dict(facts)


def rate_host(host_ref: str, cache, needs: VmNeeds, *, load: float | None = None,
              facts: HostFacts | None = None, obstacles: Obstacles | None = None,
              exclude_current: bool = False) -> HostRating:
    """The verdict of one host for a VM with `needs`.

    Args:
        load: the host's current CPU load (0..1), None when unknown.
        facts: the host's free memory and vCPUs when known better than from the cache
            (counting the earlier VMs of a batch); read from the cache otherwise.
        obstacles: the host's `Obstacles` for these needs, when already known.
        exclude_current: the VM's current host does not count (migration).
    """
    host = cache.record("host", host_ref) or {}
    name = str(host.get("name_label") or host_ref)
    facts = facts or HostFacts.of(host_ref, cache)
    obstacles = obstacles or Obstacles.of(host_ref, cache, needs, exclude_current)
    free = facts.free
    refusals = list(obstacles.first)
    if host_ref != needs.current and free < needs.memory:
        refusals.append(("memory", translate(
            "Placement", "Not enough free memory: the VM needs {need}, {free} free.").format(
                **dict(zip(("need", "free"), need_and_free(needs.memory, max(free, 0)),
                           strict=True)))))
    refusals += obstacles.then
    if refusals:
        return HostRating(host_ref, name, False, tuple(text for _k, text in refusals), (),
                          max(free, 0), 0.0, load, kinds=tuple(kind for kind, _t in refusals))
    cpus = obstacles.cpus
    left = free - (0 if host_ref == needs.current else needs.memory)
    committed = facts.committed + (0 if host_ref == needs.current else needs.vcpus)
    notes = [translate("Placement", "{left} of memory left after this VM").format(
        left=gib(max(left, 0)))]
    score = left / max(obstacles.memory_total, 1)
    if cpus:
        notes.append(translate("Placement", "{committed} vCPUs on {cpus} CPUs").format(
            committed=committed, cpus=cpus))
        score -= OVERCOMMIT_WEIGHT * max(0.0, committed / cpus - 1.0)
    if load is not None:
        load = min(max(load, 0.0), 1.0)
        notes.append(translate("Placement", "CPU load {load}%").format(load=round(load * 100)))
        score -= LOAD_WEIGHT * load
    return HostRating(host_ref, name, True, (), tuple(notes), max(free, 0), score, load,
                      memory_left=max(left, 0), vcpus=committed, cpus=cpus)


def rank_hosts(cache, needs: VmNeeds, *, load: Mapping[str, float] | None = None,
               facts: Mapping[str, HostFacts] | None = None,
               obstacles: Mapping[str, Obstacles] | None = None, exclude_current: bool = False,
               hosts: Collection[str] | None = None) -> list[HostRating]:
    """Every host of the pool (or of `hosts`), suitable ones first, best first; the best one
    is marked `recommended`. Unsuitable hosts follow by name.

    Args:
        load: CPU load per host ref (0..1) where known.
        facts: free memory and vCPUs per host ref, when known better than from the cache.
        obstacles: each host's `Obstacles` for these needs, when already known.
    """
    load = load or {}
    facts = facts or pool_facts(cache)
    obstacles = obstacles or {}
    refs = list(cache.records("host")) if hosts is None else list(hosts)
    rated = [rate_host(ref, cache, needs, load=load.get(ref), facts=facts.get(ref),
                       obstacles=obstacles.get(ref), exclude_current=exclude_current)
             for ref in refs]
    good = sorted((r for r in rated if r.suitable), key=lambda r: (-r.score, r.name, r.ref))
    bad = sorted((r for r in rated if not r.suitable), key=lambda r: (r.name, r.ref))
    if good:
        best = good[0]
        good[0] = replace(best, recommended=True)
    return good + bad


def recommended(ratings: list[HostRating]) -> HostRating | None:
    return ratings[0] if ratings and ratings[0].suitable else None


def spread(cache, needs: VmNeeds, count: int, *,
           load: Mapping[str, float] | None = None) -> list[HostRating | None]:
    """Homes for `count` identical new VMs: each goes to the best host once the memory of the
    earlier ones is taken into account (None where no host can take one more)."""
    load = load or {}
    facts = pool_facts(cache)
    obstacles = {ref: Obstacles.of(ref, cache, needs, False) for ref in facts}

    def rate(ref: str) -> HostRating:
        return rate_host(ref, cache, needs, load=load.get(ref), facts=facts[ref],
                         obstacles=obstacles[ref])

    # a host's rating changes only when it takes a VM: rate it again then, not every host
    ratings = {ref: rate(ref) for ref in facts}
    out: list[HostRating | None] = []
    for _ in range(count):
        good = [r for r in ratings.values() if r.suitable]
        if not good:
            out.append(None)
            continue
        best = min(good, key=lambda r: (-r.score, r.name, r.ref))  # rank_hosts' order
        out.append(replace(best, recommended=True))
        facts[best.ref] = facts[best.ref].taking(needs)
        ratings[best.ref] = rate(best.ref)
    return out


LOAD_MAX_AGE = 120.0  # seconds after which a host's measured load no longer counts


def measured_loads(conn, *, now: float | None = None) -> dict[str, float]:
    """The CPU load (0..1) of the pool's hosts as the connection's metrics client last measured
    it (`xapiman.xapi.metrics.MetricsClient`; it never blocks). Hosts without a recent figure
    are left out, and a connection without metrics gives {}: the ranking goes without."""
    if not hasattr(conn, "add_state_listener"):
        return {}  # not a live connection (a cache-only stand-in)
    from xapiman.xapi.metrics import MetricsClient

    client = MetricsClient.of(conn)
    now = client.clock() if now is None else now
    out = {}
    for ref in conn.cache.records("host"):
        load = client.load(ref)
        status = client.status(ref)  # when it last answered, by this client's clock
        fresh = status is not None and status.last_ok is not None \
            and now - status.last_ok <= LOAD_MAX_AGE
        if fresh and load is not None and load.cpu is not None:
            out[ref] = float(load.cpu)
    return out


def host_choices(vm_record: dict, cache, *, exclude_current: bool,
                 load: Mapping[str, float] | None = None) -> list[Choice]:
    """Every host of the pool, best first; greyed out with the reason where the VM cannot go,
    the facts of the rank as detail."""
    needs = VmNeeds.of_vm(vm_record, cache)
    out = []
    for rating in rank_hosts(cache, needs, load=load, exclude_current=exclude_current):
        detail = translate("Placement", "{free} free").format(free=gib(rating.free_memory))
        if rating.suitable:
            detail = f"{detail} · {rating.explanation()}"
        out.append(Choice(rating.name, rating.ref, enabled=rating.suitable,
                          reason=rating.reason, detail=detail))
    return out


def evacuation_preview(cache, host_ref: str) -> list[tuple[str, HostRating | None, str]]:
    """Where each VM running on `host_ref` would go if the server left service, largest
    first onto the best other server once the earlier ones are counted: (VM name, the
    host's rating or None, why none can take it)."""
    facts = {ref: HostFacts.of(ref, cache) for ref in cache.records("host") if ref != host_ref}
    running = [rec for rec in cache.records("vm").values()
               if rec.get("resident_on") == host_ref and not rec.get("is_control_domain")
               and rec.get("power_state") in ("Running", "Paused")]
    out: list[tuple[str, HostRating | None, str]] = []
    for rec in sorted(running, key=lambda r: -vm_memory(r, cache)):
        needs = VmNeeds.of_vm(rec, cache)
        ratings = [rate_host(ref, cache, needs, facts=facts[ref]) for ref in facts]
        good = [r for r in ratings if r.suitable]
        name = str(rec.get("name_label", ""))
        if not good:
            why = min((r.reason for r in ratings), default="", key=len) or translate(
                "Placement", "there is no other server")
            out.append((name, None, why))
            continue
        best = min(good, key=lambda r: (-r.score, r.name, r.ref))
        facts[best.ref] = facts[best.ref].taking(needs)
        out.append((name, best, ""))
    return out
