"""Inserting an ISO into a VM's DVD drive and ejecting it, against the simulator."""

from __future__ import annotations

import asyncio

import pytest

from xapiman.actions import REGISTRY, ActionContext, Target
from xapiman.actions.common import ActionError
from xapiman.actions.vm_cd import cd_drive, iso_choices
from xapiman.sim.testing import running_pool
from xapiman.xapi.connection import Connection
from xapiman.xapi.refs import NULL_REF


class NoQuestions:
    """A prompter for runs whose answers are all given: any question fails the test."""

    async def confirm(self, *args, **kwargs) -> bool:
        raise AssertionError("unexpected question")

    async def ask(self, form):
        raise AssertionError(f"unexpected form {form.title}")


@pytest.fixture(scope="module")
def pool():
    with running_pool(2, 20) as p:
        conn = Connection(p.url, p.user, p.password)
        conn.connect(30)
        try:
            yield p, conn
        finally:
            conn.close()


def cd_of(db, vm: str) -> dict:
    return next(v for v in db.all("VBD").values() if v["VM"] == vm and v["type"] == "CD")


def vm_where(db, predicate) -> str:
    return next(ref for ref, rec in sorted(db.all("VM").items(),
                                           key=lambda kv: kv[1]["name_label"])
                if not rec["is_a_template"] and not rec["is_control_domain"]
                and predicate(ref, rec))


def wait_for(predicate, timeout: float = 5.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_availability_follows_the_drive(pool) -> None:
    p, conn = pool
    db = p.db
    insert, eject = REGISTRY["vm.cd_insert"], REGISTRY["vm.cd_eject"]
    full = vm_where(db, lambda r, v: not cd_of(db, r)["empty"])
    empty = vm_where(db, lambda r, v: v["power_state"] == "Running" and cd_of(db, r)["empty"])
    suspended = vm_where(db, lambda r, v: v["power_state"] == "Suspended")
    snapshot = next(r for r, v in db.all("VM").items() if v["is_a_snapshot"])
    assert eject.can_run([Target(conn, "vm", full)])
    reason = insert.can_run([Target(conn, "vm", full)]).reason
    assert "eject it first" in reason
    assert db.get(cd_of(db, full)["VDI"], "VDI")["name_label"] in reason
    assert insert.can_run([Target(conn, "vm", empty)])
    assert eject.can_run([Target(conn, "vm", empty)]).reason == "The DVD drive is empty."
    assert insert.can_run([Target(conn, "vm", suspended)]).reason == \
        "Not possible while the VM is suspended."
    assert insert.can_run([Target(conn, "vm", snapshot)]).reason == "Not possible on a snapshot."
    host = next(iter(db.all("host")))
    assert not insert.can_run([Target(conn, "host", host)])


def test_iso_choices_grey_out_what_the_vm_cannot_reach(pool) -> None:
    p, conn = pool
    db = p.db
    vm = vm_where(db, lambda r, v: v["power_state"] == "Running")
    listed = iso_choices(Target(conn, "vm", vm))
    choices = {c.label: c for c in listed}
    iso_sr = next(r for r, s in db.all("SR").items() if s["name_label"] == "ISO library")
    for vdi in db.all("VDI").values():
        if vdi["SR"] == iso_sr:
            assert choices[vdi["name_label"]].enabled
    assert "guest-tools.iso" in choices
    # one physical DVD drive per host: the other host's drive is out of reach
    host = db.get(db.get(vm, "VM")["resident_on"], "host")["name_label"]
    drives = [c for c in listed if c.label.startswith("SCSI")]
    assert len(drives) == len(db.all("host"))
    for drive in drives:
        assert drive.detail.startswith("DVD drives on ")
        mine = drive.detail == f"DVD drives on {host}"
        assert drive.enabled == mine
        assert mine or drive.reason == (f"'DVD drives' belongs to another server; the VM "
                                        f"runs on {host}.")
    assert "Suspend image" not in choices


def test_insert_then_eject(pool) -> None:
    p, conn = pool
    db = p.db
    vm = vm_where(db, lambda r, v: v["power_state"] == "Running" and cd_of(db, r)["empty"])
    target = Target(conn, "vm", vm)
    image = "debian-12.5.0-amd64-netinst.iso"
    ctx = ActionContext(NoQuestions(), answers={"iso": image})
    started = asyncio.run(REGISTRY["vm.cd_insert"].run(ctx, [target]))
    assert [s.title for s in started] == [f"Insert '{image}' into '{target.name()}'"]
    started[0].handle.wait(10)
    assert db.get(cd_of(db, vm)["VDI"], "VDI")["name_label"] == image
    wait_for(lambda: not (cd_drive(target) or ("", {}))[1].get("empty", True))
    started = asyncio.run(REGISTRY["vm.cd_eject"].run(ActionContext(NoQuestions()), [target]))
    started[0].handle.wait(10)
    assert cd_of(db, vm)["empty"] and cd_of(db, vm)["VDI"] == NULL_REF


def test_insert_refuses_an_unknown_image(pool) -> None:
    p, conn = pool
    db = p.db
    vm = vm_where(db, lambda r, v: v["power_state"] == "Halted" and cd_of(db, r)["empty"])
    ctx = ActionContext(NoQuestions(), answers={"iso": "no-such.iso"})
    with pytest.raises(ActionError, match="no ISO image named"):
        asyncio.run(REGISTRY["vm.cd_insert"].run(ctx, [Target(conn, "vm", vm)]))
