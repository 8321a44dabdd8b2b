"""The New VM action against the simulator: the records it makes (memory, vCPUs, disks, SRs,
VIFs, networks, boot media), many VMs at once, failures part-way and cancels that leave
nothing behind or say what is left."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from tests.client.conftest import FAST_TIMEOUTS, wait_until
from tests.gui.scripted_prompter import ScriptedPrompter
from xapiman.actions import REGISTRY, ActionContext, Target
from xapiman.actions.common import ActionError
from xapiman.actions.steps import StepError
from xapiman.actions.vm_plan import (
    DiskPlan,
    InstallMedia,
    NewVmPlan,
    VifPlan,
    dvd_choices,
    iso_choices,
    review,
)
from xapiman.sim.testing import RunningPool, running_pool
from xapiman.xapi.connection import Connection
from xapiman.xapi.refs import NULL_REF

GiB, MiB = 1024**3, 1024**2
pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def env() -> Iterator[tuple[RunningPool, Connection]]:
    with running_pool(hosts=3, vms=6) as p:
        conn = Connection(p.url, p.user, p.password, timeouts=FAST_TIMEOUTS)
        try:
            conn.connect(10)
            yield p, conn
        finally:
            conn.close()


def named(db, cls: str, name: str) -> str:
    return next(r for r, rec in db.all(cls).items() if rec["name_label"] == name)


def pool_target(conn: Connection) -> Target:
    return Target(conn, "pool", next(iter(conn.cache.records("pool"))))


def run(conn: Connection, plan: NewVmPlan, prompter=None, on_step=None):
    """Run the New VM action with `plan`; `on_step(detail)` hears each step of each VM as it
    begins (before its calls are made)."""
    def started(item) -> None:
        if on_step is not None:
            item.handle.add_listener(lambda handle: on_step(handle.detail))

    ctx = ActionContext(prompter or ScriptedPrompter(), answers={"plan": plan},
                        on_started=started)
    return asyncio.run(REGISTRY["vm.new"].run(ctx, [pool_target(conn)]))


def finish(started, timeout: float = 60) -> None:
    for item in started:
        try:
            item.handle.wait(timeout)
        except StepError:
            pass


def vm_facts(db, vm: str) -> dict:
    rec = db.get(vm, "VM")
    disks, cds = [], []
    for vbd in rec["VBDs"]:
        vbd_rec = db.get(vbd, "VBD")
        if vbd_rec["type"] == "Disk":
            vdi = db.get(vbd_rec["VDI"], "VDI")
            disks.append((vbd_rec["userdevice"], vdi["virtual_size"],
                          db.get(vdi["SR"], "SR")["name_label"]))
        else:
            cds.append(vbd_rec)
    vifs = sorted((db.get(v, "VIF")["device"], db.get(db.get(v, "VIF")["network"],
                                                      "network")["name_label"],
                   db.get(v, "VIF")["MAC"]) for v in rec["VIFs"])
    return {"rec": rec, "disks": sorted(disks), "cds": cds, "vifs": vifs}


def test_one_vm_from_a_default_template_has_every_setting(env) -> None:
    p, conn = env
    db = p.db
    template = named(db, "VM", "Debian Bookworm 12")
    nfs = named(db, "SR", "NFS virtual disk storage")
    iscsi = named(db, "SR", "iSCSI virtual disk storage")
    mgmt = named(db, "network", "Pool-wide network associated with eth0")
    dmz = named(db, "network", "DMZ (VLAN 100)")
    host = named(db, "host", "xcp-host-02")
    plan = NewVmPlan.for_template(conn.cache, template, name="app-01")
    iso = next(c.value for c in iso_choices(conn.cache) if "debian" in c.label)
    plan.description = "made by a test"
    plan.vcpus, plan.cores_per_socket, plan.memory = 4, 2, 3 * GiB
    plan.disks = [DiskPlan(20 * GiB, nfs, "0"), DiskPlan(5 * GiB, iscsi)]
    plan.vifs = [VifPlan(mgmt), VifPlan(dmz, "02:00:00:ab:cd:ef")]
    plan.install = InstallMedia("iso", iso)
    plan.host, plan.start = host, True
    started = run(conn, plan)
    assert len(started) == 1
    vm = started[0].handle.wait(60)
    facts = vm_facts(db, vm)
    rec = facts["rec"]
    assert rec["name_label"] == "app-01" and rec["name_description"] == "made by a test"
    assert not rec["is_a_template"] and rec["power_state"] == "Running"
    assert rec["resident_on"] == host and rec["affinity"] == host
    assert (rec["memory_static_max"], rec["memory_dynamic_max"], rec["memory_dynamic_min"]) \
        == (3 * GiB, 3 * GiB, 3 * GiB)
    assert rec["memory_static_min"] == 512 * MiB
    assert (rec["VCPUs_max"], rec["VCPUs_at_startup"]) == (4, 4)
    assert rec["platform"]["cores-per-socket"] == "2"
    assert "disks" not in rec["other_config"]
    assert facts["disks"] == [("0", 20 * GiB, "NFS virtual disk storage"),
                              ("1", 5 * GiB, "iSCSI virtual disk storage")]
    assert facts["vifs"][0][:2] == ("0", "Pool-wide network associated with eth0")
    assert facts["vifs"][1] == ("1", "DMZ (VLAN 100)", "02:00:00:ab:cd:ef")
    [cd] = facts["cds"]
    assert cd["VDI"] == iso and cd["mode"] == "RO" and cd["userdevice"] == "3"
    assert rec["HVM_boot_params"]["order"] == "cdn"
    detail = started[0].handle.detail
    assert "app-01" in detail and "xcp-host-02" in detail


def test_network_install_and_network_boot_set_the_boot_media(env) -> None:
    p, conn = env
    db = p.db
    template = named(db, "VM", "Debian Bookworm 12")
    plan = NewVmPlan.for_template(conn.cache, template, name="net-install")
    plan.install = InstallMedia("url", url="http://deb.debian.org/debian/")
    plan.start = False
    vm = run(conn, plan)[0].handle.wait(60)
    facts = vm_facts(db, vm)
    assert facts["rec"]["other_config"]["install-repository"] == "http://deb.debian.org/debian/"
    assert [cd["empty"] for cd in facts["cds"]] == [True]
    assert facts["rec"]["power_state"] == "Halted" and facts["rec"]["affinity"] == NULL_REF
    plan.name, plan.install = "pxe-boot", InstallMedia("pxe")
    vm = run(conn, plan)[0].handle.wait(60)
    assert db.get(vm, "VM")["HVM_boot_params"]["order"] == "ncd"


def test_a_host_dvd_drive_pins_the_vm_to_its_host(env) -> None:
    p, conn = env
    db = p.db
    template = named(db, "VM", "Windows Server 2022 (64-bit)")
    plan = NewVmPlan.for_template(conn.cache, template, name="from-dvd")
    drive = next(c for c in dvd_choices(conn.cache) if "xcp-host-03" in c.label)
    plan.install = InstallMedia("dvd", drive.value)
    result = review(conn.cache, plan)
    assert result.ok, result.errors()
    assert {r.name for r in result.homes if r} == {"xcp-host-03"}
    vm = run(conn, plan)[0].handle.wait(60)
    rec = db.get(vm, "VM")
    assert rec["resident_on"] == named(db, "host", "xcp-host-03")
    assert db.get(vm_facts(db, vm)["cds"][0]["VDI"], "VDI")["SR"] == db.get(
        drive.value, "VDI")["SR"]


def test_a_custom_template_keeps_its_disk_and_grows_it(env) -> None:
    p, conn = env
    db = p.db
    template = named(db, "VM", "web-base (Debian 12)")
    plan = NewVmPlan.for_template(conn.cache, template, name="web-custom")
    assert plan.install.kind == "none" and len(plan.disks) == 1
    plan.disks[0].size = 30 * GiB
    plan.start = False
    vm = run(conn, plan)[0].handle.wait(60)
    facts = vm_facts(db, vm)
    assert facts["disks"] == [("0", 30 * GiB, "NFS virtual disk storage")]
    assert db.get(vm, "VM")["HVM_boot_params"]["order"] == "dcn"
    # the template's own disk is untouched
    source = vm_facts(db, template)["disks"]
    assert source == [("0", 20 * GiB, "NFS virtual disk storage")]


def test_a_plan_with_problems_is_refused_with_all_of_them(env) -> None:
    p, conn = env
    db = p.db
    template = named(db, "VM", "Debian Bookworm 12")
    plan = NewVmPlan.for_template(conn.cache, template)
    assert plan.name == "Debian Bookworm 12"  # the template's name unless told otherwise
    plan.name = "  "
    plan.vcpus, plan.cores_per_socket = 3, 2
    plan.memory = 16 * MiB
    plan.disks[0].size = GiB  # the template's disk is 10 GiB
    plan.vifs = [VifPlan(plan.vifs[0].network, "01:00:5e:00:00:01")]
    plan.install = InstallMedia("url", url="gopher://example")
    before = len(db.all("VM"))
    with pytest.raises(ActionError) as caught:
        run(conn, plan)
    text = str(caught.value)
    for part in ("The name may not be empty", "multiple of the cores per socket",
                 "at least 512 MiB", "can grow, not shrink", "multicast",
                 "http://, https://, ftp:// or nfs://"):
        assert part in text
    assert len(db.all("VM")) == before


def test_fifty_vms_at_once_spread_over_the_hosts(env) -> None:
    p, conn = env
    db = p.db
    template = named(db, "VM", "Other install media")
    plan = NewVmPlan.for_template(conn.cache, template, name="web-{n}")
    plan.count, plan.start, plan.memory = 50, True, GiB
    plan.install = InstallMedia("none")
    predicted = [r.ref for r in review(conn.cache, plan).homes if r is not None]
    started = run(conn, plan)
    batch, members = started[0], started[1:]
    assert len(members) == 50
    batch.handle.wait(120)
    assert batch.handle.detail == "50 of 50 VMs created."
    made = {rec["name_label"]: ref for ref, rec in db.all("VM").items()
            if rec["name_label"].startswith("web-") and rec["name_label"][4:].isdigit()}
    assert set(made) == {f"web-{n}" for n in range(1, 51)}
    hosts = [db.get(ref, "VM")["resident_on"] for ref in made.values()]
    assert all(db.get(ref, "VM")["power_state"] == "Running" for ref in made.values())
    assert len(set(hosts)) == 3  # spread, not piled on one host
    # each VM runs where placement put it, the memory of the earlier ones counted
    assert [db.get(made[f"web-{n}"], "VM")["resident_on"] for n in range(1, 51)] == predicted
    for ref in made.values():
        assert [s for _d, s, _sr in vm_facts(db, ref)["disks"]] == [8 * GiB]


def test_a_failure_part_way_removes_what_was_made(env) -> None:
    p, conn = env
    db = p.db
    template = named(db, "VM", "Debian Bookworm 12")
    thick = named(db, "SR", "iSCSI virtual disk storage")  # space is taken as allocated
    plan = NewVmPlan.for_template(conn.cache, template, name="doomed")
    plan.disks.append(DiskPlan(4 * GiB, thick))
    plan.start = False
    vdis_before, vms_before = set(db.all("VDI")), set(db.all("VM"))
    size = db.get(thick, "SR")["physical_size"]

    def fill_up(step: str) -> None:  # someone else takes the space after the check
        if step.startswith("Sizing and adding disks"):
            db.update(thick, physical_size=db.get(thick, "SR")["physical_utilisation"] + GiB)

    try:
        started = run(conn, plan, on_step=fill_up)
        with pytest.raises(StepError) as caught:
            started[0].handle.wait(60)
    finally:
        db.update(thick, physical_size=size)
    error = caught.value
    assert started[0].handle.status == "failure"
    assert error.code == "SR_FULL"
    assert "Creating 'doomed' failed at: Sizing and adding disks" in str(error)
    assert "Everything made for it was removed" in str(error)
    assert set(db.all("VM")) == vms_before and set(db.all("VDI")) == vdis_before


def test_a_failed_start_keeps_the_vm_and_says_so(env) -> None:
    p, conn = env
    db = p.db
    template = named(db, "VM", "Other install media")
    host = named(db, "host", "xcp-host-01")
    plan = NewVmPlan.for_template(conn.cache, template, name="no-room")
    plan.host, plan.start = host, True
    plan.install = InstallMedia("none")
    assert review(conn.cache, plan).ok
    metrics = db.get(host, "host")["metrics"]
    total = db.get(metrics, "host_metrics")["memory_total"]

    def fill_up(step: str) -> None:  # the host fills up before the start
        if step.startswith("Starting"):
            db.update(metrics, memory_total=2 * GiB)

    try:
        started = run(conn, plan, on_step=fill_up)
        with pytest.raises(StepError) as caught:
            started[0].handle.wait(60)
    finally:
        db.update(metrics, memory_total=total)
    assert "'no-room' was created but not started" in str(caught.value)
    assert "kept, shut down" in str(caught.value)
    kept = named(db, "VM", "no-room")
    assert db.get(kept, "VM")["power_state"] == "Halted"


def test_cancelling_a_batch_stops_it_and_removes_the_unfinished(env) -> None:
    p, conn = env
    db = p.db
    template = named(db, "VM", "Other install media")
    plan = NewVmPlan.for_template(conn.cache, template, name="gone-{n}")
    plan.count, plan.start = 12, False
    plan.install = InstallMedia("none")
    p.sim.config.speed = 1.0  # steps take simulated time now
    try:
        started = run(conn, plan)
        batch = started[0].handle
        wait_until(lambda: any(m.handle.status == "success" or "Provisioning" in
                               m.handle.detail for m in started[1:]), timeout=30)
        batch.cancel()
        with pytest.raises(StepError):
            batch.wait(60)
    finally:
        p.sim.config.speed = 0.0
    statuses = [m.handle.status for m in started[1:]]
    assert "cancelled" in statuses and batch.status == "cancelled"
    assert "cancelled" in batch.detail
    names = {rec["name_label"] for rec in db.all("VM").values()}
    created = [m for m in started[1:] if m.handle.status == "success"]
    for member in started[1:]:
        name = member.title.split("'")[1]
        assert (name in names) == (member in created), (name, member.handle.detail)


def test_a_chosen_host_short_of_memory_warns_on_the_memory_page(env) -> None:
    p, conn = env
    db = p.db
    template = named(db, "VM", "Other install media")
    host = named(db, "host", "xcp-host-01")
    plan = NewVmPlan.for_template(conn.cache, template, name="big")
    plan.host, plan.memory, plan.start = host, 900 * GiB, False
    result = review(conn.cache, plan)
    assert result.ok  # a halted VM may wait for room: a warning, not an error
    [warning] = result.warnings("cpu")
    assert warning.startswith("xcp-host-01 cannot start VM 1 now: Not enough free memory: "
                              "the VM needs 900.0 GiB")
    plan.start = True  # starting it now cannot work: that blocks
    assert warning in review(conn.cache, plan).errors("host")
