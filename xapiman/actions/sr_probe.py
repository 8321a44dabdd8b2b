"""What a host finds on a storage server, asked with `SR.probe`: NFS exports and the SRs on an
export, iSCSI targets (IQNs), their LUNs with sizes and the SR already on each, local devices.

SMAPIv1 drivers answer a probe in XML; while keys of the device_config are missing they fail
with a driver error whose last parameter lists what the storage offers (the exports of an NFS
server, the IQNs of an iSCSI portal, the LUNs of a target). These functions ask step by step
and give back what was found; any other failure is raised as the XapiError it is, whose
sentence says what the server answered, in words (`xapiman.xapi.sm_errors`).

They block (one call each); the app runs them off the GUI thread.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from xapiman.actions.common import ActionError
from xapiman.i18n import translate
from xapiman.xapi.errors import XapiError

MAX_XML = 1024 * 1024  # bytes of probe XML read at most
ISCSI_PORT = 3260
# driver codes whose error lists what the storage offers
LISTS_EXPORTS, LISTS_IQNS, LISTS_LUNS = 101, 96, 107


@dataclass(frozen=True)
class NfsExport:
    path: str
    access: str = "*"


@dataclass(frozen=True)
class IscsiIqn:
    address: str
    port: int
    iqn: str


@dataclass
class Lun:
    """A LUN of an iSCSI target; `sr_uuid` is the SR found on it ("" when none)."""

    scsi_id: str
    lun_id: str
    size: int
    vendor: str = ""
    serial: str = ""
    sr_uuid: str = ""


@dataclass
class FoundSrs:
    """The SRs found at a location (uuids) and, for NFS, the versions the server offers."""

    uuids: list[str] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)


def _root(text: str) -> ET.Element:
    if len(text) > MAX_XML:
        raise ActionError(translate("Probe", "The server's answer is too large to read."))
    try:
        return ET.fromstring(text.strip())
    except ET.ParseError as exc:
        raise ActionError(translate("Probe", "The server's answer is not the XML a storage "
                                    "driver prints: {why}").format(why=exc)) from None


def _text(element: ET.Element, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "").strip() if found is not None else ""


def parse_exports(text: str) -> list[NfsExport]:
    root = _root(text)
    return [NfsExport(_text(e, "Path"), _text(e, "Accesslist") or "*")
            for e in root.iter("Export") if _text(e, "Path")]


def parse_iqns(text: str, default_port: int = ISCSI_PORT) -> list[IscsiIqn]:
    root = _root(text)
    out = []
    for entry in root.iter("TGT"):
        port = _text(entry, "Port")
        out.append(IscsiIqn(_text(entry, "IPAddress"), int(port) if port.isdigit()
                            else default_port, _text(entry, "TargetIQN")))
    return [i for i in out if i.iqn]


def parse_luns(text: str) -> list[Lun]:
    root = _root(text)
    out = []
    for entry in root.iter("LUN"):
        size = _text(entry, "size")
        out.append(Lun(_text(entry, "SCSIid"), _text(entry, "LUNid"),
                       int(size) if size.isdigit() else 0, _text(entry, "vendor"),
                       _text(entry, "serial")))
    return [lun for lun in out if lun.scsi_id]


def parse_srlist(text: str) -> FoundSrs:
    root = _root(text)
    return FoundSrs([_text(e, "UUID") for e in root.iter("SR") if _text(e, "UUID")],
                    [(v.text or "").strip() for v in root.iter("Version") if v.text])


def _driver_number(exc: XapiError) -> int | None:
    suffix = exc.code.removeprefix("SR_BACKEND_FAILURE_")
    return int(suffix) if suffix != exc.code and suffix.isdigit() else None


def _listing(exc: XapiError) -> str:
    return exc.params[-1] if exc.params else ""


class Prober:
    """Probes from one host of a pool (the coordinator unless told)."""

    def __init__(self, conn: Any, host: str) -> None:
        self.conn = conn
        self.host = host

    def probe(self, sr_type: str, config: Mapping[str, str]) -> str:
        return str(self.conn.call("SR.probe", self.host, dict(config), sr_type, {}))

    def _listed(self, sr_type: str, config: Mapping[str, str], number: int) -> str | None:
        """The XML the driver lists in its error `number`; None when the probe succeeded."""
        try:
            self.probe(sr_type, config)
        except XapiError as exc:
            if _driver_number(exc) == number and _listing(exc).lstrip().startswith("<"):
                return _listing(exc)
            raise
        return None

    # -- NFS ----------------------------------------------------------------------------------

    def nfs_exports(self, server: str) -> list[NfsExport]:
        listed = self._listed("nfs", {"server": server}, LISTS_EXPORTS)
        return parse_exports(listed) if listed else []

    def nfs_srs(self, config: Mapping[str, str]) -> FoundSrs:
        return parse_srlist(self.probe("nfs", {**config, "probeversion": "true"}))

    # -- iSCSI --------------------------------------------------------------------------------

    def iscsi_iqns(self, config: Mapping[str, str]) -> list[IscsiIqn]:
        base = {k: v for k, v in config.items() if k not in ("targetIQN", "SCSIid")}
        listed = self._listed("lvmoiscsi", base, LISTS_IQNS)
        port = int(config.get("port") or ISCSI_PORT)
        return parse_iqns(listed, port) if listed else []

    def iscsi_luns(self, config: Mapping[str, str]) -> list[Lun]:
        """The LUNs of the target and IQN in `config`, each with the SR found on it."""
        base = {k: v for k, v in config.items() if k != "SCSIid"}
        listed = self._listed("lvmoiscsi", base, LISTS_LUNS)
        luns = parse_luns(listed) if listed else []
        for lun in luns:
            found = self.srs("lvmoiscsi", {**base, "SCSIid": lun.scsi_id})
            lun.sr_uuid = found.uuids[0] if found.uuids else ""
        return luns

    # -- any type -----------------------------------------------------------------------------

    def srs(self, sr_type: str, config: Mapping[str, str]) -> FoundSrs:
        """The SRs at the location `config` names."""
        return parse_srlist(self.probe(sr_type, config))
