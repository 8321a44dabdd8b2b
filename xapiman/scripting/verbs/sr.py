"""`xapiman-cli sr ...`: list SRs, probe storage, make or attach an SR, and rescan, repair,
set-default, detach, forget or destroy one."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from xapiman.actions import Target
from xapiman.actions.disk_facts import sr_pbds
from xapiman.actions.sizes import as_int, format_size
from xapiman.actions.sr_plan import NewSrPlan
from xapiman.actions.sr_probe import Prober
from xapiman.i18n import translate
from xapiman.scripting import resolve
from xapiman.scripting.act import act, task_options, uuid_of
from xapiman.scripting.connect import CliError, Opened
from xapiman.scripting.terminal import printable
from xapiman.scripting.tree import CommandTree
from xapiman.xapi.refs import NULL_REF

KINDS = {"nfs": "nfs", "iscsi": "iscsi", "ext": "ext", "lvm": "lvm", "iso-nfs": "iso_nfs",
         "iso-smb": "iso_smb"}
SECRET_ENV = "XAPIMAN_STORAGE_SECRET"  # the CHAP secret or SMB password
OPERATIONS = {"rescan": "sr.rescan", "repair": "sr.repair", "set-default": "pool.set_default_sr",
              "detach": "sr.detach", "forget": "sr.forget", "destroy": "sr.destroy"}
HELP = {
    "rescan": translate("Cli", "scan an SR for disks added or removed behind the pool's back"),
    "repair": translate("Cli", "connect an SR on every server, saying each server's result"),
    "set-default": translate("Cli", "make an SR the pool's default"),
    "detach": translate("Cli", "disconnect an SR from every server (its data stays)"),
    "forget": translate("Cli", "remove an SR from the pool (its data stays on the storage)"),
    "destroy": translate("Cli", "delete an SR and every disk on it"),
}


def register(tree: CommandTree) -> None:
    group = tree.group("sr", translate("Cli", "storage repositories"))
    listing = tree.verb(group, "list", translate("Cli", "name, uuid, type, size, use, servers"),
                        sr_list)
    listing.add_argument("--json", action="store_true", help=translate("Cli", "print JSON"))
    new = tree.verb(group, "new", translate(
        "Cli", "make an SR, or attach the SR found at the location"), sr_new)
    new.add_argument("kind", choices=sorted(KINDS), help=translate("Cli", "the kind of storage"))
    new.add_argument("--name", required=True, help=translate("Cli", "the SR's name"))
    new.add_argument("--description", default="")
    _location_options(new)
    new.add_argument("--iqn", default="", help=translate("Cli", "iSCSI: the target's IQN"))
    new.add_argument("--lun", default="", help=translate("Cli", "iSCSI: the LUN's number or "
                                                                "SCSI id"))
    new.add_argument("--device", default="", help=translate("Cli", "ext, lvm: the disk, such "
                                                                   "as /dev/sdb"))
    new.add_argument("--host", default="", help=translate(
        "Cli", "the server that makes it (ext, lvm: whose disk it is)"))
    new.add_argument("--share", default="", help=translate("Cli", "iso-smb: the share"))
    new.add_argument("--smb-user", default="", help=translate(
        "Cli", f"iso-smb: the share's user (password in ${SECRET_ENV})"))
    new.add_argument("--smb-version", default="3.0", choices=("3.0", "1.0"))
    what = new.add_mutually_exclusive_group()
    what.add_argument("--attach", default="", metavar="UUID",
                      help=translate("Cli", "attach this SR found at the location"))
    what.add_argument("--create-new", action="store_true", help=translate(
        "Cli", "make a new SR even when one is found there (on a LUN or disk: erases it)"))
    task_options(new)
    probe = tree.verb(group, "probe", translate(
        "Cli", "what a server offers: NFS exports and SRs, iSCSI IQNs and LUNs"), sr_probe)
    probe.add_argument("kind", choices=("nfs", "iscsi"), help=translate("Cli", "the kind of storage"))
    _location_options(probe)
    probe.add_argument("--iqn", default="", help=translate("Cli", "iSCSI: list this IQN's LUNs"))
    probe.add_argument("--host", default="", help=translate("Cli", "probe from this server"))
    probe.add_argument("--json", action="store_true", help=translate("Cli", "print JSON"))
    for verb in OPERATIONS:
        p = tree.verb(group, verb, HELP[verb], sr_operation)
        p.add_argument("sr", metavar="SR", help=translate("Cli", "the SR's name or uuid"))
        task_options(p)


def _location_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--server", default="", help=translate("Cli", "NFS or ISO server"))
    p.add_argument("--path", default="", help=translate("Cli", "NFS export path"))
    p.add_argument("--nfs-version", default="", choices=("", "3", "4", "4.1"))
    p.add_argument("--target", default="", help=translate("Cli", "iSCSI target"))
    p.add_argument("--port", type=int, default=3260)
    p.add_argument("--chap-user", default="", help=translate(
        "Cli", f"iSCSI CHAP user (secret in ${SECRET_ENV})"))


# -- list -----------------------------------------------------------------------------------------


def sr_rows(cache) -> list[dict[str, Any]]:
    pool: dict[str, Any] = next(iter(cache.records("pool").values()), {})
    rows: list[dict[str, Any]] = []
    for ref, rec in cache.records("SR").items():
        pbds = sr_pbds(cache, ref)
        rows.append({
            "name": rec.get("name_label", ""), "uuid": rec.get("uuid", ""),
            "type": rec.get("type", ""), "shared": bool(rec.get("shared")),
            "size": as_int(rec.get("physical_size")),
            "used": as_int(rec.get("physical_utilisation")),
            "connected": sum(1 for _p, r in pbds if r.get("currently_attached")),
            "servers": len(pbds), "default": pool.get("default_SR") == ref,
        })
    return sorted(rows, key=lambda r: (str(r["name"]).casefold(), r["uuid"]))


def sr_list(opened: Opened, args: argparse.Namespace) -> int:
    rows = sr_rows(opened.conn.cache)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'NAME':<30} {'UUID':<36} {'TYPE':<10} {'SIZE':>9} {'USED':>9} CONNECTED")
    for r in rows:
        name = printable(r["name"]) + (" *" if r["default"] else "")
        print(f"{name[:30]:<30} {printable(r['uuid']):<36} {printable(r['type']):<10} "
              f"{format_size(r['size']) if r['size'] else '-':>9} "
              f"{format_size(r['used']) if r['size'] else '-':>9} "
              f"{r['connected']}/{r['servers']}")
    return 0


# -- probe ----------------------------------------------------------------------------------------


def _secret() -> str:
    return os.environ.get(SECRET_ENV, "")


def _prober(opened: Opened, args: argparse.Namespace) -> Prober:
    cache = opened.conn.cache
    host = resolve.find(cache, "host", args.host, what="host") if args.host else \
        str(next(iter(cache.records("pool").values()), {}).get("master", NULL_REF))
    return Prober(opened.conn, host)


def _iscsi_plan(args: argparse.Namespace) -> NewSrPlan:
    if args.chap_user and not _secret():
        raise CliError(translate("Cli", "give the CHAP secret in ${env}").format(env=SECRET_ENV))
    return NewSrPlan(kind="iscsi", server=args.target, port=args.port,
                     chap_user=args.chap_user, chap_secret=_secret() if args.chap_user else "",
                     iqn=args.iqn)


def sr_probe(opened: Opened, args: argparse.Namespace) -> int:
    prober = _prober(opened, args)
    known: dict[str, str] = {str(rec.get("uuid")): str(rec.get("name_label", "")) for rec in
             opened.conn.cache.records("SR").values()}
    if args.kind == "nfs":
        if not args.server:
            raise CliError(translate("Cli", "give the NFS server (--server)"))
        if not args.path:
            exports = prober.nfs_exports(args.server)
            rows: list[dict[str, Any]] = [{"path": e.path, "access": e.access}
                                          for e in exports]
            _print(args, rows, [f"{r['path']}  ({r['access']})" for r in rows])
            return 0
        plan = NewSrPlan(kind="nfs", server=args.server, path=args.path,
                         nfs_version=args.nfs_version)
        found = prober.nfs_srs(plan.device_config())
        rows = [{"uuid": u, "in_pool": known.get(u)} for u in found.uuids]
        lines = [r["uuid"] + (translate("Cli", "  (in this pool: {name})").format(
            name=r["in_pool"]) if r["in_pool"] else "") for r in rows]
        lines.append(translate("Cli", "NFS versions: {v}").format(v=", ".join(found.versions)))
        _print(args, {"srs": rows, "nfs_versions": found.versions}, lines)
        return 0
    if not args.target:
        raise CliError(translate("Cli", "give the iSCSI target (--target)"))
    plan = _iscsi_plan(args)
    if not args.iqn:
        iqns = prober.iscsi_iqns(plan.iscsi_config())
        rows = [{"iqn": i.iqn, "address": i.address, "port": i.port} for i in iqns]
        _print(args, rows, [f"{r['iqn']}  {r['address']}:{r['port']}" for r in rows])
        return 0
    luns = prober.iscsi_luns({**plan.iscsi_config(), "targetIQN": args.iqn})
    rows = [{"lun": lun.lun_id, "scsi_id": lun.scsi_id, "size": lun.size,
             "vendor": lun.vendor, "sr": lun.sr_uuid, "in_pool": known.get(lun.sr_uuid)}
            for lun in luns]
    _print(args, rows, [f"LUN {r['lun']}  {format_size(r['size']):>9}  {r['scsi_id']}  "
                        f"{r['vendor']}" + (f"  SR {r['sr']}" if r["sr"] else "") for r in rows])
    return 0


def _print(args: argparse.Namespace, doc: Any, lines: list[str]) -> None:
    if args.json:
        print(json.dumps(doc, indent=2))
        return
    for text in lines:
        print(printable(text))


# -- new ------------------------------------------------------------------------------------------


def build_plan(opened: Opened, args: argparse.Namespace) -> NewSrPlan:
    """The plan the options describe, with what a probe found at the location."""
    cache = opened.conn.cache
    kind = KINDS[args.kind]
    host = resolve.find(cache, "host", args.host, what="host") if args.host else NULL_REF
    plan = NewSrPlan(kind=kind, name=args.name, description=args.description, host=host,
                     nfs_version=args.nfs_version)
    if kind in ("nfs", "iso_nfs"):
        plan.server, plan.path = args.server, args.path
    elif kind == "iso_smb":
        plan.server, plan.path = args.server, args.share
        plan.username, plan.smb_version = args.smb_user, args.smb_version
        plan.password = _secret() if args.smb_user else ""
    elif kind == "iscsi":
        plan = _iscsi_plan(args)
        plan.name, plan.description, plan.host = args.name, args.description, host
        if not (args.target and args.iqn and args.lun):
            raise CliError(translate("Cli", "an iSCSI SR needs --target, --iqn and --lun "
                                            "(sr probe iscsi lists them)"))
    else:
        plan.device = args.device
        if host == NULL_REF:
            raise CliError(translate("Cli", "a local SR needs --host (whose disk it is)"))
    prober = Prober(opened.conn, plan.probe_host(cache))
    if kind == "iscsi":
        luns = prober.iscsi_luns({**plan.iscsi_config(), "targetIQN": plan.iqn})
        lun = next((u for u in luns if args.lun in (u.lun_id, u.scsi_id)), None)
        if lun is None:
            raise CliError(translate("Cli", "the target has no LUN {lun}; it has: {luns}")
                           .format(lun=args.lun, luns=", ".join(
                               f"{u.lun_id} ({u.scsi_id})" for u in luns) or "none"))
        plan.scsi_id, plan.lun_size = lun.scsi_id, lun.size
        plan.found = [lun.sr_uuid] if lun.sr_uuid else []
    elif kind == "nfs" and plan.server and plan.path:
        plan.found = prober.nfs_srs(plan.device_config()).uuids
    elif kind in ("ext", "lvm") and plan.device:
        plan.found = prober.srs(plan.sr_type, plan.device_config()).uuids
    plan.probed = plan.location()
    _choose(plan, args)
    return plan


def _choose(plan: NewSrPlan, args: argparse.Namespace) -> None:
    """Attach what was found unless told to make a new SR; a named SR must be there."""
    if args.attach:
        if args.attach not in plan.found:
            raise CliError(translate("Cli", "no SR {uuid} at {where}; found: {found}").format(
                uuid=args.attach, where=plan.location(),
                found=", ".join(plan.found) or translate("Cli", "none")))
        plan.attach = args.attach
    elif plan.found and not args.create_new:
        if len(plan.found) > 1:
            raise CliError(translate("Cli", "{n} SRs are at {where}: choose one with --attach "
                                            "({found}), or --create-new").format(
                n=len(plan.found), where=plan.location(), found=", ".join(plan.found)))
        plan.attach = plan.found[0]
        print(translate("Cli", "found the SR {uuid} at {where}: attaching it (--create-new "
                               "makes a new one)").format(uuid=plan.attach,
                                                          where=plan.location()),
              file=sys.stderr)


def sr_new(opened: Opened, args: argparse.Namespace) -> int:
    cache = opened.conn.cache
    plan = build_plan(opened, args)
    pool = next(iter(cache.records("pool")))
    target = Target(opened.conn, "pool", pool)
    for result in act(args, "sr.new", [target], {"plan": plan}):
        print(uuid_of(cache, "SR", result))
    return 0


# -- operations -----------------------------------------------------------------------------------


def sr_operation(opened: Opened, args: argparse.Namespace) -> int:
    cache = opened.conn.cache
    sr = resolve.find(cache, "sr", args.sr, what="SR")
    action_id = OPERATIONS[args.sr_command]
    act(args, action_id, [Target(opened.conn, "sr", sr)],
        immediate=action_id == "pool.set_default_sr")
    return 0
