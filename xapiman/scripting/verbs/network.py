"""`xapiman-cli network ...`: list networks, make one (VLAN, private, bonded), delete one; and
`xapiman-cli host nics` / `host nic-ip`: a server's NICs and the address of a secondary one."""

from __future__ import annotations

import argparse
import ipaddress
import json

from xapiman.actions import Target
from xapiman.actions.network import network_users
from xapiman.actions.network_plan import BOND_MODES, LACP_HASHING, MTU_DEFAULT, NewNetworkPlan
from xapiman.actions.sizes import as_int
from xapiman.i18n import translate
from xapiman.scripting import resolve
from xapiman.scripting.act import act, task_options, uuid_of
from xapiman.scripting.connect import CliError, Opened
from xapiman.scripting.terminal import printable
from xapiman.scripting.tree import CommandTree
from xapiman.xapi.refs import NULL_REF


def register(tree: CommandTree) -> None:
    group = tree.group("network", translate("Cli", "the pool's networks"))
    listing = tree.verb(group, "list", translate("Cli", "name, uuid, interfaces, MTU, VMs"),
                        network_list)
    listing.add_argument("--json", action="store_true", help=translate("Cli", "print JSON"))
    new = tree.verb(group, "new", translate("Cli", "make a network: a VLAN on a NIC, a private "
                                                   "one, or a bond"), network_new)
    new.add_argument("--name", required=True)
    new.add_argument("--description", default="")
    kind = new.add_mutually_exclusive_group(required=True)
    kind.add_argument("--vlan", type=int, metavar="ID", help=translate("Cli", "VLAN tag"))
    kind.add_argument("--internal", action="store_true",
                      help=translate("Cli", "a single-server private network"))
    kind.add_argument("--bond", metavar="DEVICE,DEVICE", help=translate("Cli", "NICs to bond"))
    new.add_argument("--nic", default="", metavar="DEVICE",
                     help=translate("Cli", "the NIC of the VLAN (such as eth1 or bond0)"))
    new.add_argument("--mode", default="active-backup", choices=BOND_MODES)
    new.add_argument("--hashing", default="tcpudp_ports", choices=LACP_HASHING)
    new.add_argument("--mtu", type=int, default=MTU_DEFAULT)
    new.add_argument("--no-auto", action="store_true",
                     help=translate("Cli", "new VMs do not get an interface on it"))
    task_options(new, destructive=False)
    delete = tree.verb(group, "delete", translate("Cli", "delete a network no VM uses"),
                       network_delete)
    delete.add_argument("network", metavar="NETWORK", help=translate("Cli", "the network's name or uuid"))
    task_options(delete)
    hosts = tree.group("host", "the pool's hosts")
    nics = tree.verb(hosts, "nics", translate("Cli", "a server's NICs: link, speed, bond, "
                                                      "addresses"), host_nics)
    nics.add_argument("host", metavar="HOST", help=translate("Cli", "the server's name or uuid"))
    nics.add_argument("--json", action="store_true", help=translate("Cli", "print JSON"))
    ip = tree.verb(hosts, "nic-ip", translate("Cli", "the IP address of a secondary NIC"),
                   host_nic_ip)
    ip.add_argument("host", metavar="HOST", help=translate("Cli", "the server's name or uuid"))
    ip.add_argument("device", metavar="DEVICE", help=translate("Cli", "such as eth1"))
    how = ip.add_mutually_exclusive_group(required=True)
    how.add_argument("--dhcp", action="store_true")
    how.add_argument("--static", metavar="IP/PREFIX", help=translate("Cli", "10.0.1.5/24"))
    how.add_argument("--none", action="store_true", help=translate("Cli", "no address"))
    ip.add_argument("--gateway", default="")
    ip.add_argument("--dns", default="")
    task_options(ip, destructive=False)


def network_rows(cache) -> list[dict]:
    rows = []
    for ref, net in cache.records("network").items():
        pifs = [cache.record("PIF", p) or {} for p in net.get("PIFs", ())]
        devices = sorted({str(p.get("device", "")) + (f".{p.get('VLAN')}"
                                                      if as_int(p.get("VLAN"), -1) >= 0 else "")
                          for p in pifs})
        rows.append({"name": net.get("name_label", ""), "uuid": net.get("uuid", ""),
                     "bridge": net.get("bridge", ""), "mtu": as_int(net.get("MTU")),
                     "interfaces": devices, "servers": len(pifs),
                     "vms": network_users(cache, ref)})
    return sorted(rows, key=lambda r: (str(r["name"]).casefold(), r["uuid"]))


def network_list(opened: Opened, args: argparse.Namespace) -> int:
    rows = network_rows(opened.conn.cache)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'NAME':<36} {'UUID':<36} {'MTU':>5} {'NIC':<10} VMS")
    for r in rows:
        nic = ", ".join(r["interfaces"]) or translate("Cli", "private")
        print(f"{printable(r['name'])[:36]:<36} {printable(r['uuid']):<36} {r['mtu']:>5} "
              f"{printable(nic)[:10]:<10} {len(r['vms'])}")
    return 0


def network_new(opened: Opened, args: argparse.Namespace) -> int:
    conn = opened.conn
    cache = conn.cache
    plan = NewNetworkPlan(name=args.name, description=args.description, mtu=args.mtu,
                          automatic=not args.no_auto)
    if args.internal:
        plan.kind = "internal"
    elif args.bond:
        plan.kind = "bond"
        plan.bond_nics = [d.strip() for d in args.bond.split(",") if d.strip()]
        plan.bond_mode, plan.hashing = args.mode, args.hashing
    else:
        if not args.nic:
            raise CliError(translate("Cli", "a VLAN needs its NIC (--nic eth1)"))
        plan.kind, plan.nic, plan.vlan = "external", args.nic, args.vlan
    pool = next(iter(cache.records("pool")))
    for result in act(args, "network.new", [Target(conn, "pool", pool)], {"plan": plan}):
        print(uuid_of(cache, "network", result))
    return 0


def network_delete(opened: Opened, args: argparse.Namespace) -> int:
    net = resolve.find(opened.conn.cache, "network", args.network, what="network")
    act(args, "network.delete", [Target(opened.conn, "network", net)])
    return 0


def nic_rows(cache, host: str) -> list[dict]:
    rows = []
    for ref, pif in cache.records("PIF").items():
        if pif.get("host") != host:
            continue
        metrics = cache.record("PIF_metrics", pif.get("metrics", NULL_REF)) or {}
        bond = cache.record("Bond", pif.get("bond_slave_of", NULL_REF)) or {}
        master = cache.record("PIF", bond.get("master", NULL_REF)) or {}
        net = cache.record("network", pif.get("network", NULL_REF)) or {}
        rows.append({
            "device": pif.get("device", ""), "vlan": as_int(pif.get("VLAN"), -1),
            "mac": pif.get("MAC", ""), "physical": bool(pif.get("physical")),
            "carrier": bool(metrics.get("carrier")), "speed": as_int(metrics.get("speed")),
            "duplex": bool(metrics.get("duplex")), "bond": master.get("device", ""),
            "management": bool(pif.get("management")),
            "ip_mode": pif.get("ip_configuration_mode", ""), "ip": pif.get("IP", ""),
            "netmask": pif.get("netmask", ""), "network": net.get("name_label", ""),
            "ref": ref})
    return sorted(rows, key=lambda r: (str(r["device"]), r["vlan"]))


def host_nics(opened: Opened, args: argparse.Namespace) -> int:
    cache = opened.conn.cache
    host = resolve.find(cache, "host", args.host, what="host")
    rows = nic_rows(cache, host)
    if args.json:
        print(json.dumps([{k: v for k, v in r.items() if k != "ref"} for r in rows], indent=2))
        return 0
    print(f"{'NIC':<10} {'MAC':<18} {'LINK':<5} {'SPEED':>7} {'BOND':<6} {'ADDRESS':<18} NETWORK")
    for r in rows:
        name = r["device"] + (f".{r['vlan']}" if r["vlan"] >= 0 else "")
        link = ("up" if r["carrier"] else "down") if r["physical"] or r["speed"] else "-"
        speed = f"{r['speed']}M" if r["speed"] else "-"
        address = (r["ip"] or r["ip_mode"]) + (" *" if r["management"] else "")
        print(f"{printable(name):<10} {printable(r['mac']):<18} {link:<5} {speed:>7} "
              f"{printable(r['bond']) or '-':<6} {printable(address):<18} "
              f"{printable(r['network'])}")
    return 0


def host_nic_ip(opened: Opened, args: argparse.Namespace) -> int:
    cache = opened.conn.cache
    host = resolve.find(cache, "host", args.host, what="host")
    found = [r for r in nic_rows(cache, host) if r["device"] == args.device and r["vlan"] < 0]
    if not found:
        raise CliError(translate("Cli", "{host} has no NIC {device}").format(
            host=args.host, device=args.device))
    answers = {"mode": "DHCP" if args.dhcp else "None", "ip": "", "netmask": "",
               "gateway": args.gateway, "dns": args.dns}
    if args.static:
        address, _, prefix = args.static.partition("/")
        try:
            netmask = str(ipaddress.IPv4Network(f"0.0.0.0/{prefix or 24}").netmask)
        except ValueError:
            raise CliError(translate("Cli", "{prefix!r} is not a prefix length").format(
                prefix=prefix)) from None
        answers.update(mode="Static", ip=address, netmask=netmask)
    act(args, "pif.configure_ip", [Target(opened.conn, "pif", found[0]["ref"])], answers)
    return 0
