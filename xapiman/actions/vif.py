"""A VM's network interfaces (VIFs): add one, remove one, change its network, MAC address or
rate limit. While the VM runs the change is hot-plugged when the guest can take it; when it
cannot, the task says why and what happens at the next start."""

from __future__ import annotations

import re
from collections.abc import Sequence

from xapiman.actions.base import YES, Action, ActionContext, Availability, Started, Target, register
from xapiman.actions.common import ActionError, first_runnable, picked
from xapiman.actions.prompts import Field, Form
from xapiman.actions.sizes import as_int
from xapiman.actions.steps import StepError, StepRunner, StepTask, announce, reason_of
from xapiman.actions.task_errors import step_failure
from xapiman.actions.vm_plan import network_choices, pool_macs
from xapiman.i18n import translate
from xapiman.xapi.errors import XapiClientError, XapiError
from xapiman.xapi.refs import NULL_REF

MAC = re.compile(r"[0-9a-f]{2}(:[0-9a-f]{2}){5}\Z")
MAX_RATE = 10 * 1024 * 1024  # KiB/s


def checked_mac(cache, text: str, *, own: str = "") -> str:
    """A MAC as xapi takes it ("" for a generated one); ActionError when it is unusable."""
    mac = text.strip().lower().replace("-", ":")
    if not mac:
        return ""
    if not MAC.match(mac):
        raise ActionError(translate("Vif", "'{mac}' is not a MAC address (six pairs of hex "
                                           "digits, such as 02:16:3e:12:34:56).").format(mac=text))
    if int(mac[:2], 16) & 1:
        raise ActionError(translate("Vif", "{mac} is a multicast address; a VM's interface "
                                           "needs a unicast one.").format(mac=mac))
    users = pool_macs(cache)
    if mac in users and mac != own:
        raise ActionError(translate("Vif", "{mac} is used by '{vm}' already.").format(
            mac=mac, vm=users[mac]))
    return mac


def checked_rate(text: object) -> int:
    """A rate limit in KiB/s (0: none)."""
    value = str(text if text is not None else "").strip()
    if value in ("", "0", "none"):
        return 0
    rate = as_int(value, -1)
    if not 1 <= rate <= MAX_RATE:
        raise ActionError(translate("Vif", "The rate limit is a whole number of KiB/s between "
                                           "1 and {high}, or empty for none.").format(
            high=MAX_RATE))
    return rate


def hotplug(run: StepRunner, vif: str, op: str) -> str:
    """Plug or unplug `vif` of a running VM; "" when done, else why not (the guest cannot)."""
    run.step(translate("Vif", "Plugging it into the running VM") if op == "plug" else
             translate("Vif", "Unplugging it from the running VM"))
    try:
        run.run(f"VIF.{op}", vif)
    except XapiError as exc:
        if exc.code == "TASK_CANCELLED":
            raise
        return reason_of(exc)
    return ""


def _vm_state(target: Target) -> Availability:
    record = target.record()
    if record is None:
        return Availability(False, translate("Actions", "The object no longer exists."))
    if record.get("is_a_snapshot") or record.get("is_control_domain"):
        return Availability(False, translate("Vif", "Not possible on this VM."))
    return YES


def _rate_fields(cache, default_rate: int) -> tuple[Field, ...]:
    return (Field("rate", translate("Vif", "Rate limit (KiB/s)"),
                  default=str(default_rate) if default_rate else "",
                  help=translate("Vif", "Empty for none")),)


class AddVif(Action):
    id = "vif.add"
    label = "Add Network Interface…"
    classes = frozenset({"vm"})
    multi = False

    def check(self, target: Target) -> Availability:
        return _vm_state(target)

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        cache = target.conn.cache
        choices = tuple(network_choices(cache))
        answers = await ctx.ask(Form(
            translate("Vif", "Add Network Interface"),
            translate("Vif", "A new interface for '{vm}'.").format(vm=target.name()),
            (Field("network", translate("Vif", "Network"), kind="choice", choices=choices,
                   default=choices[0].value if choices else None),
             Field("mac", translate("Vif", "MAC address"), default="",
                   help=translate("Vif", "Empty for a generated one")),
             *_rate_fields(cache, 0)),
            ok_label=translate("Vif", "Add")))
        if answers is None:
            return []
        network = picked(choices, answers.get("network"), translate("Vif", "network")).value
        mac = checked_mac(cache, str(answers.get("mac") or ""))
        rate = checked_rate(answers.get("rate"))
        task = StepTask(target.conn, "VIF.create", lambda run: _add(run, target, network, mac,
                                                                    rate))
        started = announce(ctx, translate("Vif", "Add an interface to '{vm}'").format(
            vm=target.name()), target, task)
        task.start()
        return [started]


def _qos(rate: int) -> tuple[str, dict[str, str]]:
    return ("ratelimit", {"kbps": str(rate)}) if rate else ("", {})


def _add(run: StepRunner, target: Target, network: str, mac: str, rate: int) -> str:
    what = translate("Vif", "Adding an interface to '{vm}'").format(vm=target.name())
    try:
        run.step(translate("Vif", "Finding a free device"), 0.1)
        free = [str(d) for d in run.call("VM.get_allowed_VIF_devices", target.ref)]
        if not free:
            raise StepError(translate("Vif", "The VM has no free interface slot left."),
                            code="NO_FREE_DEVICE")
        free.sort(key=lambda d: as_int(d, 99))
        mtu = as_int((run.conn.cache.record("network", network) or {}).get("MTU"), 1500)
        algorithm, params = _qos(rate)
        run.step(translate("Vif", "Making interface {device}").format(device=free[0]), 0.4)
        vif = str(run.call("VIF.create", {
            "device": free[0], "network": network, "VM": target.ref, "MAC": mac,
            "MTU": str(mtu or 1500), "other_config": {}, "qos_algorithm_type": algorithm,
            "qos_algorithm_params": params}))
        note = translate("Vif", "Added interface {device}.").format(device=free[0])
        if run.call("VM.get_power_state", target.ref) == "Running":
            why = hotplug(run, vif, "plug")
            if why:
                note = translate("Vif", "Added interface {device}; the VM gets it at its next "
                                        "start, as it cannot take it while running: {why}").format(
                    device=free[0], why=why)
    except (XapiClientError, StepError) as exc:
        raise step_failure(what, exc, run.task.detail) from exc
    run.task._set(detail=note)
    return vif


class RemoveVif(Action):
    id = "vif.remove"
    label = "Remove Network Interface"
    classes = frozenset({"vif"})
    destructive = True
    multi = False

    def _vm(self, target: Target) -> dict:
        return target.conn.cache.record("VM", (target.record() or {}).get("VM", NULL_REF)) or {}

    def check(self, target: Target) -> Availability:
        record = target.record()
        if record is None:
            return Availability(False, translate("Actions", "The object no longer exists."))
        vm = self._vm(target)
        if vm.get("power_state") == "Running" and record.get("currently_attached") and \
                "unplug" not in record.get("allowed_operations", ()):
            return Availability(False, translate("Vif", "'{vm}' cannot give the interface up "
                                                        "while running (it needs its guest "
                                                        "tools); shut it down first.").format(
                vm=vm.get("name_label", "")))
        return YES

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        record = target.record() or {}
        vm = self._vm(target)
        device = str(record.get("device", ""))
        if not await ctx.prompter.confirm(
                translate("Vif", "Remove Network Interface"),
                translate("Vif", "Remove interface {device} ({mac}) from '{vm}'?").format(
                    device=device, mac=record.get("MAC", ""), vm=vm.get("name_label", "")),
                destroys=(translate("Vif", "the interface {device} and its MAC address "
                                           "{mac}").format(device=device,
                                                           mac=record.get("MAC", "")),),
                ok_label=translate("Vif", "Remove"), danger=True):
            return []
        task = StepTask(target.conn, "VIF.destroy", lambda run: _remove(run, target, vm))
        started = announce(ctx, translate("Vif", "Remove interface {device} of '{vm}'").format(
            device=device, vm=vm.get("name_label", "")), target, task)
        task.start()
        return [started]


def _remove(run: StepRunner, target: Target, vm: dict) -> None:
    what = translate("Vif", "Removing the interface")
    try:
        if run.call("VIF.get_currently_attached", target.ref) and \
                vm.get("power_state") == "Running":
            why = hotplug(run, target.ref, "unplug")
            if why:
                raise StepError(translate("Vif", "The running VM did not give the interface "
                                                 "up ({why}); nothing was changed.").format(
                    why=why), code="VIF_UNPLUG_REFUSED")
        run.step(translate("Vif", "Removing it"), 0.8)
        run.call("VIF.destroy", target.ref)
    except (XapiClientError, StepError) as exc:
        raise step_failure(what, exc, run.task.detail) from exc
    run.task._set(detail=translate("Vif", "Removed the interface."))


class VifProperties(Action):
    """Another network (moved live while the VM runs), another MAC (only while the VM is shut
    down: the interface is made again), or another rate limit (from the next plug)."""

    id = "vif.properties"
    label = "Interface Properties…"
    classes = frozenset({"vif"})
    multi = False

    def check(self, target: Target) -> Availability:
        if target.record() is None:
            return Availability(False, translate("Actions", "The object no longer exists."))
        return YES

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        cache = target.conn.cache
        rec = target.record() or {}
        vm = cache.record("VM", rec.get("VM", NULL_REF)) or {}
        choices = tuple(network_choices(cache))
        params = rec.get("qos_algorithm_params") or {}
        rate = as_int(params.get("kbps")) if rec.get("qos_algorithm_type") == "ratelimit" else 0
        answers = await ctx.ask(Form(
            translate("Vif", "Interface Properties"),
            translate("Vif", "Interface {device} of '{vm}'.").format(
                device=rec.get("device", ""), vm=vm.get("name_label", "")),
            (Field("network", translate("Vif", "Network"), kind="choice", choices=choices,
                   default=rec.get("network")),
             Field("mac", translate("Vif", "MAC address"), default=rec.get("MAC", "")),
             *_rate_fields(cache, rate)),
            ok_label=translate("Vif", "Apply")))
        if answers is None:
            return []
        network = picked(choices, answers.get("network"), translate("Vif", "network")).value
        mac = checked_mac(cache, str(answers.get("mac") or ""), own=str(rec.get("MAC", "")))
        new_rate = checked_rate(answers.get("rate"))
        mac_changed = bool(mac) and mac != str(rec.get("MAC", "")).lower()
        if mac_changed and vm.get("power_state") != "Halted":
            raise ActionError(translate("Vif", "The MAC address changes only while the VM is "
                                               "shut down."))
        if network == rec.get("network") and not mac_changed and new_rate == rate:
            return []
        task = StepTask(target.conn, "VIF.move", lambda run: _change(
            run, target, network, mac if mac_changed else "", new_rate))
        started = announce(ctx, translate("Vif", "Change interface {device} of '{vm}'").format(
            device=rec.get("device", ""), vm=vm.get("name_label", "")), target, task)
        task.start()
        return [started]


def _change(run: StepRunner, target: Target, network: str, mac: str, rate: int) -> str:
    what = translate("Vif", "Changing the interface")
    vif = target.ref
    try:
        rec = run.call("VIF.get_record", vif)
        algorithm, params = _qos(rate)
        if mac:
            run.step(translate("Vif", "Making the interface again with its new MAC"), 0.3)
            run.call("VIF.destroy", vif)
            vif = str(run.call("VIF.create", {
                "device": rec["device"], "network": network, "VM": rec["VM"], "MAC": mac,
                "MTU": rec["MTU"], "other_config": rec["other_config"],
                "qos_algorithm_type": algorithm, "qos_algorithm_params": params}))
        else:
            if network != rec["network"]:
                run.step(translate("Vif", "Moving it to the other network"), 0.3)
                run.run("VIF.move", vif, network)
            if (algorithm, params) != (rec["qos_algorithm_type"], rec["qos_algorithm_params"]):
                run.step(translate("Vif", "Setting the rate limit"), 0.7)
                run.call("VIF.set_qos_algorithm_type", vif, algorithm)
                run.call("VIF.set_qos_algorithm_params", vif, params)
    except (XapiClientError, StepError) as exc:
        raise step_failure(what, exc, run.task.detail) from exc
    run.task._set(detail=translate("Vif", "Changed interface {device}.").format(
        device=rec["device"]))
    return vif


ADD_VIF = register(AddVif())
REMOVE_VIF = register(RemoveVif())
VIF_PROPERTIES = register(VifProperties())
