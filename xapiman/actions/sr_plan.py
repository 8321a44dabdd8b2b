"""What a new SR will be: its kind, name and location, and whether it attaches an SR found
there or makes a new one; the checks the New SR wizard and `xapiman-cli sr new` both make.

Kinds: NFS (virtual disks as VHD files on an export), iSCSI (LVM on a LUN), local ext or LVM on
a disk of one server, and ISO libraries on NFS or SMB. A probe of the location (see
`sr_probe`) tells which SRs already live there: such an SR is attached (its disks kept), never
overwritten unless the user asks for a new one to be made there, which for iSCSI and local
disks erases it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from xapiman.actions.sizes import format_size
from xapiman.actions.vm_plan import Review, pool_record
from xapiman.i18n import translate
from xapiman.xapi.refs import NULL_REF

KINDS = ("nfs", "iscsi", "ext", "lvm", "iso_nfs", "iso_smb")
PAGES = ("type", "name", "location", "summary")
SR_TYPES = {"nfs": "nfs", "iscsi": "lvmoiscsi", "ext": "ext", "lvm": "lvm", "iso_nfs": "iso",
            "iso_smb": "iso"}
NFS_VERSIONS = ("", "3", "4", "4.1")  # "": the host picks
SMB_VERSIONS = ("3.0", "1.0")
LOCAL_KINDS = ("ext", "lvm")
PROBED_KINDS = ("nfs", "iscsi", "ext", "lvm")  # where SR.probe says which SRs live there
ERASING_KINDS = ("iscsi", "ext", "lvm")  # a new SR there wipes what the device held


def kind_label(kind: str) -> str:
    return {
        "nfs": translate("NewSr", "NFS"),
        "iscsi": translate("NewSr", "iSCSI"),
        "ext": translate("NewSr", "Local disk (ext, thin)"),
        "lvm": translate("NewSr", "Local disk (LVM, thick)"),
        "iso_nfs": translate("NewSr", "ISO library on NFS"),
        "iso_smb": translate("NewSr", "ISO library on SMB (Windows share)"),
    }[kind]


def kind_help(kind: str) -> str:
    return {
        "nfs": translate("NewSr", "Virtual disks as VHD files on an NFS export, shared by every "
                                  "server of the pool; thin provisioned."),
        "iscsi": translate("NewSr", "Virtual disks in LVM on a LUN of an iSCSI target, shared by "
                                    "every server of the pool."),
        "ext": translate("NewSr", "Virtual disks as VHD files on a disk of one server; thin "
                                  "provisioned. Making it erases that disk."),
        "lvm": translate("NewSr", "Virtual disks in LVM on a disk of one server. Making it "
                                  "erases that disk."),
        "iso_nfs": translate("NewSr", "Installation images (ISO files) on an NFS export, for the "
                                      "VMs' DVD drives."),
        "iso_smb": translate("NewSr", "Installation images (ISO files) on a Windows (SMB) "
                                      "share, for the VMs' DVD drives."),
    }[kind]


@dataclass
class NewSrPlan:
    """A new SR.

    Attributes:
        kind: one of KINDS; host: the server that makes or probes it (the only one of a local
            SR; NULL_REF: the pool's coordinator).
        server, path: NFS server and export, ISO library server and path (or share).
        nfs_version: "" lets the server pick; port, chap_user, chap_secret, iqn, scsi_id: the
            iSCSI target, its login and the LUN; device: a local disk ("/dev/sdb").
        username, password, smb_version: an SMB share's login.
        found: uuids of the SRs the last probe found at this location; probed: the location
            that probe looked at (a location changed since is not checked yet).
        attach: the uuid of a found SR to attach ("": make a new SR).
        lun_size: the size of the chosen LUN (for the summary).
    """

    kind: str = "nfs"
    name: str = ""
    description: str = ""
    host: str = NULL_REF
    server: str = ""
    path: str = ""
    nfs_version: str = ""
    port: int = 3260
    chap_user: str = ""
    chap_secret: str = ""
    iqn: str = ""
    scsi_id: str = ""
    device: str = ""
    username: str = ""
    password: str = ""
    smb_version: str = "3.0"
    found: list[str] = field(default_factory=list)
    probed: str = ""
    attach: str = ""
    lun_size: int = 0

    def copy(self) -> NewSrPlan:
        return replace(self, found=list(self.found))

    @property
    def sr_type(self) -> str:
        return SR_TYPES[self.kind]

    @property
    def content_type(self) -> str:
        return "iso" if self.kind.startswith("iso") else "user"

    @property
    def shared(self) -> bool:
        return self.kind not in LOCAL_KINDS

    def probe_host(self, cache) -> str:
        """Where to probe and create: the chosen server, else the coordinator."""
        return self.host if self.host != NULL_REF else str(pool_record(cache).get("master", NULL_REF))

    def device_config(self) -> dict[str, str]:
        kind = self.kind
        if kind == "nfs":
            config = {"server": self.server.strip(), "serverpath": self.path.strip()}
            if self.nfs_version:
                config["nfsversion"] = self.nfs_version
            return config
        if kind == "iscsi":
            config = self.iscsi_config()
            config.update({"targetIQN": self.iqn, "SCSIid": self.scsi_id})
            return config
        if kind in LOCAL_KINDS:
            return {"device": self.device.strip()}
        if kind == "iso_nfs":
            config = {"location": self.location(), "type": "nfs_iso"}
            if self.nfs_version:
                config["nfsversion"] = self.nfs_version
            return config
        config = {"location": self.location(), "type": "cifs", "vers": self.smb_version}
        if self.username:
            config.update({"username": self.username, "cifspassword": self.password})
        return config

    def iscsi_config(self) -> dict[str, str]:
        """The target part of an iSCSI device_config (no IQN or LUN)."""
        config = {"target": self.server.strip(), "port": str(self.port)}
        if self.chap_user:
            config.update({"chapuser": self.chap_user, "chappassword": self.chap_secret})
        return config

    def sm_config(self) -> dict[str, str]:
        if self.kind == "iso_nfs":
            return {"iso_type": "nfs_iso"}
        if self.kind == "iso_smb":
            return {"iso_type": "cifs"}
        return {}

    def location(self) -> str:
        """Where the SR lives, as people write it."""
        server, path = self.server.strip(), self.path.strip()
        if self.kind in ("nfs", "iso_nfs"):
            return f"{server}:{path}"
        if self.kind == "iso_smb":
            share = path.strip("\\/").replace("/", "\\")
            return f"\\\\{server}\\{share}"
        if self.kind == "iscsi":
            return translate("NewSr", "LUN {scsi} of {iqn} on {target}:{port}").format(
                scsi=self.scsi_id, iqn=self.iqn, target=server, port=self.port)
        return self.device.strip()

    def default_name(self) -> str:
        kind = self.kind
        if kind in ("nfs", "iscsi"):
            return translate("NewSr", "{kind} virtual disk storage").format(
                kind=kind_label(kind))
        if kind in LOCAL_KINDS:
            return translate("NewSr", "Local storage on {device}").format(
                device=self.device.rsplit("/", 1)[-1] or "disk")
        return translate("NewSr", "ISO library")


def _host_name(cache, ref: str) -> str:
    return str((cache.record("host", ref) or {}).get("name_label", ref))


def known_uuids(cache) -> dict[str, str]:
    """SR uuid -> ref of the SRs this pool knows."""
    return {str(rec.get("uuid", "")): ref for ref, rec in cache.records("SR").items()}


def review(cache, plan: NewSrPlan) -> Review:
    """Every problem of the plan, page by page (blocking ones stop the wizard's Next)."""
    out = Review()
    if plan.kind not in KINDS:
        out.error("type", translate("NewSr", "Choose the kind of storage."))
        return out
    if not plan.name.strip():
        out.error("name", translate("NewSr", "The name may not be empty."))
    elif any(rec.get("name_label") == plan.name.strip() for rec in cache.records("SR").values()):
        out.warn("name", translate("NewSr", "Another SR of this pool has this name.").format())
    _check_location(cache, plan, out)
    _check_found(cache, plan, out)
    return out


def _check_location(cache, plan: NewSrPlan, out: Review) -> None:
    kind = plan.kind
    say = out.error
    if kind in LOCAL_KINDS:
        if cache.record("host", plan.host) is None:
            say("location", translate("NewSr", "Choose the server whose disk holds the SR."))
        if not plan.device.strip().startswith("/dev/"):
            say("location", translate("NewSr", "Give the disk's device, such as /dev/sdb."))
        return
    if not plan.server.strip():
        say("location", {
            "nfs": translate("NewSr", "Give the NFS server's name or address."),
            "iscsi": translate("NewSr", "Give the iSCSI target's name or address."),
        }.get(kind, translate("NewSr", "Give the server's name or address.")))
    if kind in ("nfs", "iso_nfs") and not plan.path.strip().startswith("/"):
        say("location", translate("NewSr", "Give the export's path, such as /export/vms."))
    if kind == "iso_smb" and not plan.path.strip("\\/"):
        say("location", translate("NewSr", "Give the share's name."))
    if kind == "iso_smb" and plan.smb_version not in SMB_VERSIONS:
        say("location", translate("NewSr", "Choose SMB version 3.0 or 1.0."))
    if kind in ("nfs", "iso_nfs") and plan.nfs_version not in NFS_VERSIONS:
        say("location", translate("NewSr", "Choose NFS version 3, 4 or 4.1, or let the server "
                                           "pick."))
    if kind == "iscsi":
        if not 1 <= plan.port <= 65535:
            say("location", translate("NewSr", "The port must be between 1 and 65535."))
        if bool(plan.chap_user) != bool(plan.chap_secret):
            say("location", translate("NewSr", "Give both the CHAP user and its secret, or "
                                               "neither."))
        if not plan.iqn:
            say("location", translate("NewSr", "Discover the target's IQNs and choose one."))
        elif not plan.scsi_id:
            say("location", translate("NewSr", "Discover the target's LUNs and choose one."))


def _check_found(cache, plan: NewSrPlan, out: Review) -> None:
    if plan.kind in PROBED_KINDS and not out.errors("location") and \
            plan.probed != plan.location():
        out.error("location", translate("NewSr", "Check the location: what lives there "
                                                 "decides whether an SR is attached or made."))
        return
    known = known_uuids(cache)
    if plan.attach:
        if plan.attach in known:
            name = (cache.record("SR", known[plan.attach]) or {}).get("name_label", "")
            out.error("location", translate("NewSr", "The SR found there ('{name}') is "
                                            "attached to this pool already.").format(name=name))
        elif plan.found and plan.attach not in plan.found:
            out.error("location", translate("NewSr", "Choose one of the SRs found there."))
        return
    if not plan.found:
        return
    in_pool = [known[uuid] for uuid in plan.found if uuid in known]
    if plan.kind in ERASING_KINDS and in_pool:
        name = (cache.record("SR", in_pool[0]) or {}).get("name_label", "")
        out.error("location", translate("NewSr", "The SR found there ('{name}') is one of this "
                                        "pool's: a new SR would erase it under its VMs. Destroy "
                                        "it from the pool first if it should go.").format(
            name=name))
    elif plan.kind in ERASING_KINDS:
        out.warn("location", translate(
            "NewSr", "An SR is on this {where} already: making a new one erases it and every "
                     "disk on it. Attach it instead to keep them.").format(
            where=translate("NewSr", "LUN") if plan.kind == "iscsi" else
            translate("NewSr", "disk")))
    elif plan.kind == "nfs":
        out.warn("location", translate("NewSr", "SRs exist on this export already; a new one "
                                                "is made beside them (they are kept)."))


def erases(plan: NewSrPlan) -> bool:
    """Whether making the plan's SR erases an SR found at its location."""
    return not plan.attach and bool(plan.found) and plan.kind in ERASING_KINDS


def wipes(plan: NewSrPlan) -> bool:
    """Whether making the plan's SR formats its device (a LUN or a server's disk)."""
    return not plan.attach and plan.kind in ERASING_KINDS


def erase_warning(cache, plan: NewSrPlan) -> str:
    """What making the plan's SR erases, in words ("" when nothing)."""
    if erases(plan):
        return translate("NewSr", "Making this SR erases the SR found on {where} and every "
                                  "disk on it.").format(where=plan.location())
    if not wipes(plan):
        return ""
    if plan.kind == "iscsi":
        return translate("NewSr", "Making this SR erases everything on {where}.").format(
            where=plan.location())
    return translate("NewSr", "Making this SR erases everything on {device} of {host}.").format(
        device=plan.location(), host=_host_name(cache, plan.host))


def describe(cache, plan: NewSrPlan) -> list[tuple[str, str]]:
    """The summary: what will be done, where, and by whom."""
    rows = [(translate("NewSr", "Kind"), kind_label(plan.kind)),
            (translate("NewSr", "Name"), plan.name.strip())]
    if plan.description.strip():
        rows.append((translate("NewSr", "Description"), plan.description.strip()))
    rows.append((translate("NewSr", "Location"), plan.location()))
    if plan.kind == "iscsi" and plan.lun_size:
        rows.append((translate("NewSr", "LUN size"), format_size(plan.lun_size)))
    if plan.kind in LOCAL_KINDS:
        rows.append((translate("NewSr", "Server"), _host_name(cache, plan.host)))
    else:
        rows.append((translate("NewSr", "Servers"), translate("NewSr", "every server of the "
                                                                       "pool")))
    if plan.attach:
        action = translate("NewSr", "Attach the existing SR {uuid}; its disks are kept.").format(
            uuid=plan.attach)
    elif erases(plan):
        action = translate("NewSr", "Make a new SR, ERASING the SR found there and its disks.")
    elif wipes(plan):
        action = translate("NewSr", "Make a new SR; whatever the {where} holds is erased.").format(
            where=translate("NewSr", "LUN") if plan.kind == "iscsi" else translate("NewSr", "disk"))
    else:
        action = translate("NewSr", "Make a new SR.")
    rows.append((translate("NewSr", "What happens"), action))
    return rows
