"""SR.probe and SR.probe_ext: what a host finds at the storage a device_config names.

The simulated drivers are SMAPIv1 ones, so SR.probe answers what their `sr_probe` prints: an
`SRlist` of the SRs found there (with `SupportedVersions` when an NFS probe asks with
`probeversion`), or, while keys are missing, the driver's error whose last parameter lists
what the storage offers (NFS exports, iSCSI IQNs, LUNs). Reaching the storage from the host
comes first: an unknown name, a server that does not answer that host or refused CHAP
credentials give the driver's error for it (see `xapiman.sim.storage_net`).
"""

from __future__ import annotations

from xml.dom import minidom

from xapiman.sim import storage_net
from xapiman.sim.call import Call
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.pbd import probe_answer
from xapiman.sim.handlers.registry import handler
from xapiman.sim.handlers.sr import _driver

PROBE_TIME = 1.0  # simulated seconds a probe takes


@handler("SR", "probe")
def sr_probe(call: Call, host: str, device_config: dict, sr_type: str,
             sm_config: dict | None = None) -> str:
    db = call.db
    db.get(host, "host")
    driver = _driver(sr_type)
    call.sleep(PROBE_TIME)
    with db.lock:
        storage_net.check(db, host, driver, device_config)
        answer = probe_answer(db, driver, device_config)
        if driver == "nfs" and "probeversion" in device_config:
            answer = with_versions(answer, storage_net.nfs_versions(db, device_config["server"]))
        return answer


def with_versions(answer: str, versions: list[str]) -> str:
    """An SRlist with the NFS versions the server supports added (NFSSR's probeversion)."""
    doc = minidom.parseString(answer)
    for element in doc.getElementsByTagName("*"):
        for child in list(element.childNodes):
            if child.nodeType == child.TEXT_NODE and not child.data.strip():
                element.removeChild(child)
    supported = doc.createElement("SupportedVersions")
    for version in versions:
        element = doc.createElement("Version")
        element.appendChild(doc.createTextNode(version))
        supported.appendChild(element)
    root = doc.documentElement
    assert root is not None  # parsed from a document with a root element
    root.appendChild(supported)
    return doc.toprettyxml()


@handler("SR", "probe_ext")
def sr_probe_ext(call: Call, host: str, device_config: dict, sr_type: str,
                 sm_config: dict | None = None) -> list:
    """xapi refuses probe_ext for SMAPIv1 drivers (their probe answers raw XML)."""
    call.db.get(host, "host")
    _driver(sr_type)
    raise Failure("SR_OPERATION_NOT_SUPPORTED")
