"""Insert an ISO image into a VM's DVD drive, and eject it."""

from __future__ import annotations

from collections.abc import Sequence

from xapiman.actions import reasons
from xapiman.actions.base import YES, Action, ActionContext, Availability, Started, Target, register
from xapiman.actions.common import ActionError, first_runnable, picked
from xapiman.actions.prompts import Choice, Field, Form
from xapiman.i18n import translate
from xapiman.xapi.refs import NULL_REF

GiB = 1024**3
MiB = 1024**2


def cd_drive(target: Target) -> tuple[str, dict] | None:
    """(ref, record) of the VM's first DVD drive (lowest position), None without one."""
    cache = target.conn.cache
    drives = []
    for ref in cache.referrers("VBD", "VM", target.ref):
        vbd = cache.record("VBD", ref)
        if vbd is not None and vbd.get("type") == "CD":
            drives.append((str(vbd.get("userdevice", "")).zfill(3), ref, vbd))
    if not drives:
        return None
    _position, ref, vbd = min(drives)
    return ref, vbd


def disc_name(target: Target, vbd: dict) -> str:
    """The name of the image in a drive ("" when empty)."""
    if vbd.get("empty") or vbd.get("VDI", NULL_REF) == NULL_REF:
        return ""
    vdi = target.conn.cache.record("VDI", vbd["VDI"]) or {}
    return str(vdi.get("name_label") or "an unnamed image")


def _size(value: object) -> str:
    number = int(value or 0)  # type: ignore[call-overload]
    return f"{number / GiB:.1f} GiB" if number >= GiB else f"{number // MiB} MiB"


def _reachable(cache, sr: str, host: str | None) -> bool:
    """Whether the SR is plugged on `host` (on any host when None)."""
    for pbd_ref in cache.referrers("PBD", "SR", sr):
        pbd = cache.record("PBD", pbd_ref) or {}
        if pbd.get("currently_attached") and (host is None or pbd.get("host") == host):
            return True
    return False


def _unreachable(cache, sr_ref: str, sr: dict, host: str | None, host_name: str) -> str:
    """Why a running VM cannot read this SR's images ("" when it can)."""
    if _reachable(cache, sr_ref, host):
        return ""
    name = sr.get("name_label", "")
    if host is None:
        return f"'{name}' is not connected to any server."
    if not sr.get("shared"):
        return f"'{name}' belongs to another server; the VM runs on {host_name}."
    return f"'{name}' is not connected to {host_name}."


def iso_choices(target: Target) -> list[Choice]:
    """Every ISO image of the pool's ISO libraries, greyed out when the VM cannot reach it."""
    cache = target.conn.cache
    record = target.record() or {}
    running = record.get("power_state") in ("Running", "Paused")
    host = record.get("resident_on") if running else None
    host_name = (cache.record("host", host or NULL_REF) or {}).get("name_label", "its server")
    out = []
    srs = sorted(cache.records("SR").items(), key=lambda kv: str(kv[1].get("name_label", "")))
    for sr_ref, sr in srs:
        if sr.get("content_type") != "iso":
            continue
        reason = _unreachable(cache, sr_ref, sr, host, host_name)
        where = str(sr.get("name_label", ""))
        if not sr.get("shared"):
            owners = {(cache.record("PBD", p) or {}).get("host", NULL_REF)
                      for p in cache.referrers("PBD", "SR", sr_ref)}
            names = sorted(str((cache.record("host", h) or {}).get("name_label", "?"))
                           for h in owners)
            if names:
                where += f" on {', '.join(names)}"
        vdis = [(ref, cache.record("VDI", ref)) for ref in cache.referrers("VDI", "SR", sr_ref)]
        for vdi_ref, vdi in sorted(vdis, key=lambda kv: str((kv[1] or {}).get("name_label"))):
            if vdi is None or vdi.get("is_a_snapshot"):
                continue
            size = int(vdi.get("virtual_size") or 0)
            detail = f"{where}, {_size(size)}" if size else where
            out.append(Choice(str(vdi.get("name_label", vdi_ref)), vdi_ref, enabled=not reason,
                              reason=reason, detail=detail))
    return out


def _drive_availability(target: Target, op: str) -> Availability:
    record = target.record()
    if record is None:
        return Availability(False, "The object no longer exists.")
    if record.get("is_a_snapshot"):
        return Availability(False, "Not possible on a snapshot.")
    if record.get("is_control_domain"):
        return Availability(False, "Not possible on a control domain.")
    drive = cd_drive(target)
    if drive is None:
        return Availability(False, "The VM has no DVD drive.")
    _ref, vbd = drive
    if op == "insert" and not vbd.get("empty"):
        return Availability(False, f"'{disc_name(target, vbd)}' is in the DVD drive; eject it "
                                   "first.")
    if op == "eject" and vbd.get("empty"):
        return Availability(False, translate("Actions", "The DVD drive is empty."))
    if op in vbd.get("allowed_operations", ()):
        return YES
    busy = reasons.describe_busy(vbd) or reasons.describe_busy(record)
    if busy:
        return Availability(False, translate("Actions", "Busy: {operations} in progress.")
                            .format(operations=busy))
    state = record.get("power_state", "")
    if not state:
        return Availability(False, translate("Actions", "The server does not allow this now."))
    return Availability(False, translate("Actions", "Not possible while the VM is {state}.")
                        .format(state=reasons.state_word(state)))


class InsertCd(Action):
    id = "vm.cd_insert"
    label = "Insert ISO"
    classes = frozenset({"vm"})
    multi = False

    def check(self, target: Target) -> Availability:
        return _drive_availability(target, "insert")

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        drive = cd_drive(target)
        assert drive is not None
        choices = tuple(iso_choices(target))
        default = next((c.value for c in choices if c.enabled), None)
        if default is None:
            raise ActionError("There is no ISO image this VM can reach. Add one to an ISO "
                              "library first.")
        answers = await ctx.ask(Form(
            "Insert ISO", f"Which ISO image goes into the DVD drive of '{target.name()}'?",
            (Field("iso", "ISO image", kind="choice", choices=choices, default=default),),
            ok_label="Insert"))
        if answers is None:
            return []
        choice = picked(choices, answers.get("iso"), "ISO image")
        return [await ctx.start(f"Insert '{choice.label}' into '{target.name()}'", target,
                                "VBD.insert", drive[0], choice.value)]


class EjectCd(Action):
    id = "vm.cd_eject"
    label = "Eject ISO"
    classes = frozenset({"vm"})
    multi = False

    def check(self, target: Target) -> Availability:
        return _drive_availability(target, "eject")

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        drive = cd_drive(target)
        assert drive is not None
        name = disc_name(target, drive[1])
        return [await ctx.start(f"Eject '{name}' from '{target.name()}'", target, "VBD.eject",
                                drive[0])]


CD_INSERT = register(InsertCd())
CD_EJECT = register(EjectCd())
