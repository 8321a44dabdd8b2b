"""Networks: make one (external VLAN, single-server private, bonded) and delete one; configure
the IP address of a server's secondary interface.

A new network is one task: `network.create`, then its interfaces (a VLAN on every server, or a
bond on every server, server by server); a failure part-way removes what was made. Delete
refuses while VMs have interfaces on the network (naming them) and for the network of a NIC
itself; otherwise it removes the network's VLANs or bonds first, after asking.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from xapiman.actions import labels
from xapiman.actions.base import YES, Action, ActionContext, Availability, Started, Target, register
from xapiman.actions.common import ActionError, first_runnable
from xapiman.actions.network_plan import NewNetworkPlan, kind_label, review, vlan_pif
from xapiman.actions.prompts import Choice, Field, Form
from xapiman.actions.sizes import as_int
from xapiman.actions.sr_new import host_name, pool_hosts
from xapiman.actions.steps import StepRunner, StepTask, announce
from xapiman.actions.task_errors import step_failure
from xapiman.actions.vm_plan import pool_record
from xapiman.i18n import translate
from xapiman.xapi.errors import XapiClientError
from xapiman.xapi.refs import NULL_REF


class NewNetwork(Action):
    id = "network.new"
    label = "New Network…"
    classes = frozenset({"pool", "host", "network"})
    multi = True  # whatever is selected, the first object's pool is the one

    def check(self, target: Target) -> Availability:
        if target.record() is None:
            return Availability(False, translate("Actions", "The object no longer exists."))
        return YES

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        plan = ctx.answers.get("plan")
        if not isinstance(plan, NewNetworkPlan):
            edited = await ctx.prompter.edit(NewNetworkPlan(), target)
            if edited is None:
                return []
            plan = edited
        problems = review(target.conn.cache, plan).errors()
        if problems:
            raise ActionError(" ".join(problems))
        plan = plan.copy()
        task = StepTask(target.conn, "network.create", lambda run: make_network(run, plan),
                        reveal=True)
        started = announce(ctx, translate("NewNetwork", "New network '{name}'").format(
            name=plan.name.strip()), target, task)
        task.start()
        return [started]


def make_network(run: StepRunner, plan: NewNetworkPlan) -> str:
    cache = run.conn.cache
    name = plan.name.strip()
    what = translate("NewNetwork", "Making the network '{name}'").format(name=name)
    net = ""
    bonds: list[str] = []
    try:
        run.step(translate("NewNetwork", "Making the network"), 0.05)
        net = str(run.call("network.create", {
            "name_label": name, "name_description": plan.description.strip(),
            "MTU": str(plan.mtu), "tags": [],
            "other_config": {"automatic": "true" if plan.automatic else "false"}}))
        if plan.kind == "external":
            run.step(translate("NewNetwork", "Making VLAN {tag} on {nic} of every server").format(
                tag=plan.vlan, nic=plan.nic), 0.3)
            pif = vlan_pif(cache, plan.nic)
            run.run("pool.create_VLAN_from_PIF", pif, net, str(plan.vlan))
        elif plan.kind == "bond":
            master = str(pool_record(cache).get("master", NULL_REF))
            hosts = pool_hosts(cache, master)
            for n, host in enumerate(hosts):
                run.step(translate("NewNetwork", "Bonding {nics} on {host}").format(
                    nics=", ".join(plan.bond_nics), host=host_name(cache, host)),
                    0.2 + 0.75 * n / len(hosts))
                members = [ref for ref, pif in cache.records("PIF").items()
                           if pif.get("host") == host and pif.get("device") in plan.bond_nics
                           and as_int(pif.get("VLAN"), -1) < 0]
                if len(members) != len(plan.bond_nics):
                    continue  # this server lacks some of the NICs
                bonds.append(str(run.run("Bond.create", net, members, "", plan.bond_mode,
                                         plan.properties())))
    except XapiClientError as exc:
        left = _undo(run, net, bonds)
        raise step_failure(what, exc, run.task.detail, left) from exc
    run.wait_cached("network", [net])
    run.task._set(detail=translate("NewNetwork", "Made the {kind} '{name}'.").format(
        kind=kind_label(plan.kind).lower(), name=name))
    return net


def _undo(run: StepRunner, net: str, bonds: list[str]) -> tuple[str, ...]:
    """Remove the bonds and the network made before a failure; what could not go."""
    left = []
    for bond in reversed(bonds):
        try:
            run.call("Bond.destroy", bond)
        except XapiClientError:
            left.append(translate("NewNetwork", "a bond made on the way"))
    if net:
        try:
            for pif in run.call("network.get_PIFs", net):
                vlan = run.call("PIF.get_VLAN_master_of", pif)
                if vlan != NULL_REF:
                    run.call("VLAN.destroy", vlan)
            run.call("network.destroy", net)
        except XapiClientError:
            left.append(translate("NewNetwork", "the new network"))
    return tuple(left)


# -- delete ------------------------------------------------------------------------------------


def network_users(cache, net: str) -> list[str]:
    """Names of the VMs (and templates) with an interface on the network."""
    names = set()
    for vif in cache.records("VIF").values():
        if vif.get("network") == net:
            vm = cache.record("VM", vif.get("VM", NULL_REF)) or {}
            if vm and not vm.get("is_a_snapshot"):
                names.add(str(vm.get("name_label", "")))
    return sorted(names, key=str.casefold)


class DeleteNetwork(Action):
    id = "network.delete"
    label = "Delete Network"
    classes = frozenset({"network"})
    destructive = True
    multi = False

    def check(self, target: Target) -> Availability:
        record = target.record()
        if record is None:
            return Availability(False, translate("Actions", "The object no longer exists."))
        cache = target.conn.cache
        if (record.get("other_config") or {}).get("is_host_internal_management_network") \
                == "true" or record.get("bridge") == "xenapi":
            return Availability(False, translate("NewNetwork", "This is the servers' own "
                                                               "internal network."))
        users = network_users(cache, target.ref)
        if users:
            return Availability(False, translate("NewNetwork", "VMs use it: {vms}. Move or "
                                                               "remove their interfaces first.")
                                .format(vms=", ".join(users)))
        for pif_ref in record.get("PIFs", ()):
            pif = cache.record("PIF", pif_ref) or {}
            if pif.get("management"):
                return Availability(False, translate("NewNetwork", "It carries a server's "
                                                                   "management interface."))
            if pif.get("physical"):
                return Availability(False, translate("NewNetwork", "It is the network of the "
                                                                   "NIC {nic}; it goes only "
                                                                   "with the NIC.").format(
                    nic=pif.get("device", "")))
        return YES

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        cache = target.conn.cache
        record = target.record() or {}
        interfaces = []
        for pif_ref in record.get("PIFs", ()):
            pif = cache.record("PIF", pif_ref) or {}
            interfaces.append(translate("NewNetwork", "{device} on {host}").format(
                device=pif.get("device", "") + (f" VLAN {pif.get('VLAN')}"
                                                if as_int(pif.get("VLAN"), -1) >= 0 else ""),
                host=host_name(cache, str(pif.get("host", "")))))
        destroys = [translate("NewNetwork", "the network '{name}'").format(name=target.name())]
        if interfaces:
            destroys.append(translate("NewNetwork", "its server interfaces: {list}").format(
                list=", ".join(interfaces)))
        if not await ctx.prompter.confirm(
                labels.label(self), translate("NewNetwork", "Delete the network '{name}'?").format(
                    name=target.name()),
                destroys=tuple(destroys), ok_label=translate("NewNetwork", "Delete"),
                danger=True):
            return []
        task = StepTask(target.conn, "network.destroy", lambda run: _delete(run, target))
        started = announce(ctx, translate("NewNetwork", "Delete network '{name}'").format(
            name=target.name()), target, task)
        task.start()
        return [started]


def _delete(run: StepRunner, target: Target) -> None:
    what = translate("NewNetwork", "Deleting '{name}'").format(name=target.name())
    cache = target.conn.cache
    try:
        for pif in run.call("network.get_PIFs", target.ref):
            rec = run.call("PIF.get_record", pif)
            host = host_name(cache, rec["host"])
            if rec["VLAN_master_of"] != NULL_REF:
                run.step(translate("NewNetwork", "Removing the VLAN on {host}").format(host=host))
                run.run("VLAN.destroy", rec["VLAN_master_of"])
            elif rec["bond_master_of"]:
                for bond in rec["bond_master_of"]:
                    run.step(translate("NewNetwork", "Removing the bond on {host}").format(
                        host=host))
                    run.run("Bond.destroy", bond)
        run.step(translate("NewNetwork", "Deleting the network"), 0.9)
        run.call("network.destroy", target.ref)
    except XapiClientError as exc:
        raise step_failure(what, exc, run.task.detail) from exc
    run.task._set(detail=translate("NewNetwork", "Deleted the network '{name}'.").format(
        name=target.name()))


# -- a server's interface -------------------------------------------------------------------


IP_MODES = ("DHCP", "Static", "None")


def _checked_ip(text: str, what: str, *, required: bool) -> str:
    text = text.strip()
    if not text and not required:
        return ""
    try:
        return str(ipaddress.IPv4Address(text))
    except ValueError:
        raise ActionError(translate("NewNetwork", "{what} '{text}' is not an IPv4 address.")
                          .format(what=what, text=text)) from None


class ConfigureIp(Action):
    """The IP configuration of a server's secondary interface (storage or another network):
    DHCP, a static address, or none."""

    id = "pif.configure_ip"
    label = "Configure IP Address…"
    classes = frozenset({"pif"})
    multi = False

    def check(self, target: Target) -> Availability:
        record = target.record()
        if record is None:
            return Availability(False, translate("Actions", "The object no longer exists."))
        if record.get("management"):
            return Availability(False, translate("NewNetwork", "This is the management "
                                                               "interface; it keeps its "
                                                               "address here."))
        if record.get("bond_slave_of", NULL_REF) not in (NULL_REF, ""):
            return Availability(False, translate("NewNetwork", "This NIC is part of a bond: "
                                                               "configure the bond."))
        return YES

    async def run(self, ctx: ActionContext, targets: Sequence[Target]) -> list[Started]:
        target = first_runnable(self, targets)
        rec = target.record() or {}
        modes = tuple(Choice(m, m) for m in IP_MODES)
        answers = await ctx.ask(Form(
            translate("NewNetwork", "Configure IP Address"),
            translate("NewNetwork", "{device} of {host}").format(
                device=rec.get("device", ""), host=host_name(target.conn.cache,
                                                             str(rec.get("host", "")))),
            (Field("mode", translate("NewNetwork", "Address"), kind="choice", choices=modes,
                   default=rec.get("ip_configuration_mode") or "None"),
             Field("ip", translate("NewNetwork", "IP address"), default=rec.get("IP", "")),
             Field("netmask", translate("NewNetwork", "Netmask"),
                   default=rec.get("netmask", "") or "255.255.255.0"),
             Field("gateway", translate("NewNetwork", "Gateway"), default=rec.get("gateway", "")),
             Field("dns", translate("NewNetwork", "DNS servers"), default=rec.get("DNS", ""))),
            ok_label=translate("NewNetwork", "Apply")))
        if answers is None:
            return []
        mode = str(answers.get("mode") or "None")
        if mode not in IP_MODES:
            raise ActionError(translate("NewNetwork", "The address is DHCP, Static or None."))
        ip = netmask = gateway = dns = ""
        if mode == "Static":
            ip = _checked_ip(str(answers.get("ip", "")), translate("NewNetwork", "The IP "
                                                                   "address"), required=True)
            netmask = _checked_ip(str(answers.get("netmask", "")),
                                  translate("NewNetwork", "The netmask"), required=True)
            gateway = _checked_ip(str(answers.get("gateway", "")),
                                  translate("NewNetwork", "The gateway"), required=False)
            dns = ",".join(_checked_ip(d, translate("NewNetwork", "The DNS server"),
                                       required=True)
                           for d in str(answers.get("dns", "")).replace(" ", ",").split(",")
                           if d.strip())
        return [await ctx.start(translate("NewNetwork", "Configure {device} of {host}").format(
            device=rec.get("device", ""), host=host_name(target.conn.cache,
                                                         str(rec.get("host", "")))),
            target, "PIF.reconfigure_ip", target.ref, mode, ip, netmask, gateway, dns)]


NEW_NETWORK = register(NewNetwork())
DELETE_NETWORK = register(DeleteNetwork())
CONFIGURE_IP = register(ConfigureIp())
