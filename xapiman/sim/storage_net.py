"""The storage network the simulated hosts see: which NFS, iSCSI and SMB servers answer, from
which host, with which credentials and NFS versions.

Every server name answers from every host unless told otherwise, with three rules that need no
setting up (so that a person trying the simulator meets the errors real storage gives):

- a name under the `.invalid` domain (RFC 2606) does not resolve (`SR_BACKEND_FAILURE_140`);
- an address of TEST-NET-1 (192.0.2.0/24, RFC 5737) resolves but nothing listens there;
- an iSCSI target whose name starts with "chap-" demands CHAP user "chap", secret "secret".

Tests and demos change the rest per pool with `StorageNetwork.of(db)`: `cut(server, host)` makes
a server unreachable from one host (its PBD plug fails there with the driver's error, the
other hosts go on), `require_chap`, `require_login` (SMB) and `serve_versions` (NFS).
"""

from __future__ import annotations

import ipaddress
import threading
import weakref
from dataclasses import dataclass, field

from xapiman.sim.db import Database
from xapiman.sim.errors import Failure
from xapiman.sim.storage import sm_failure

ALL_HOSTS = "*"
NFS_VERSIONS = ("3", "4", "4.0", "4.1")
ISCSI_PORT = 3260
UNREACHABLE_NET = ipaddress.IPv4Network("192.0.2.0/24")
DEFAULT_CHAP = ("chap", "secret")

# The SM drivers' messages for the errors of reaching storage (XE_SR_ERRORCODES.xml).
MESSAGES = {
    68: "ISCSI login failed - check access settings for the initiator on the storage, if CHAP "
        "is used verify CHAP credentials",
    72: "Required NFS server version unsupported",
    108: "Unable to detect an NFS service on this target.",
    140: "Incorrect DNS name, unable to resolve.",
    141: "Unable to connect to ISCSI service on target",
    142: "Incorrect value for iSCSI port, must be a number between 1 and 65535",
    222: "Could not mount the directory specified in Device Configuration",
}


def failure(code: int, opterr: str = "") -> Failure:
    return sm_failure(code, MESSAGES[code] + (f" [opterr={opterr}]" if opterr else ""))


@dataclass
class StorageNetwork:
    """What the hosts of one simulated pool reach.

    Attributes:
        cuts: server name -> hosts (refs, or "*" for all) that cannot reach it.
        chap: iSCSI target -> the (user, secret) it demands.
        logins: SMB server -> the (user, password) it demands.
        versions: NFS server -> the protocol versions it serves (default: NFS_VERSIONS).
    """

    cuts: dict[str, set[str]] = field(default_factory=dict)
    chap: dict[str, tuple[str, str]] = field(default_factory=dict)
    logins: dict[str, tuple[str, str]] = field(default_factory=dict)
    versions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def of(cls, db: Database) -> StorageNetwork:
        with _LOCK:
            found = _NETWORKS.get(db)
            if found is None:
                found = _NETWORKS[db] = cls()
            return found

    # -- what tests change -------------------------------------------------------------------

    def cut(self, server: str, host: str = ALL_HOSTS) -> None:
        """`server` stops answering `host` (a host ref; "*": every host)."""
        with self.lock:
            self.cuts.setdefault(server, set()).add(host)

    def mend(self, server: str, host: str = ALL_HOSTS) -> None:
        """`server` answers `host` again ("*": every host, whatever was cut)."""
        with self.lock:
            if host == ALL_HOSTS:
                self.cuts.pop(server, None)
            else:
                self.cuts.get(server, set()).discard(host)

    def require_chap(self, target: str, user: str, secret: str) -> None:
        with self.lock:
            self.chap[target] = (user, secret)

    def require_login(self, server: str, user: str, password: str) -> None:
        with self.lock:
            self.logins[server] = (user, password)

    def serve_versions(self, server: str, *versions: str) -> None:
        with self.lock:
            self.versions[server] = tuple(versions)

    # -- what the drivers ask ----------------------------------------------------------------

    def reachable(self, server: str, host: str) -> bool:
        if _address_in(server, UNREACHABLE_NET):
            return False
        with self.lock:
            cut = self.cuts.get(server, set())
            return ALL_HOSTS not in cut and host not in cut

    def chap_of(self, target: str) -> tuple[str, str] | None:
        with self.lock:
            if target in self.chap:
                return self.chap[target]
        return DEFAULT_CHAP if target.startswith("chap-") else None

    def login_of(self, server: str) -> tuple[str, str] | None:
        with self.lock:
            return self.logins.get(server)

    def versions_of(self, server: str) -> tuple[str, ...]:
        with self.lock:
            return self.versions.get(server, NFS_VERSIONS)


_LOCK = threading.Lock()
_NETWORKS: weakref.WeakKeyDictionary[Database, StorageNetwork] = weakref.WeakKeyDictionary()


def _address_in(name: str, network: ipaddress.IPv4Network) -> bool:
    try:
        return ipaddress.ip_address(name) in network
    except ValueError:
        return False


def resolves(name: str) -> bool:
    """Whether a server name resolves (names under .invalid never do)."""
    bare = name.strip().rstrip(".").lower()
    return bool(bare) and not (bare == "invalid" or bare.endswith(".invalid"))


# -- the checks each driver makes on the host that runs it ------------------------------------


def check(db: Database, host: str, sr_type: str, config: dict[str, str]) -> None:
    """Raise the driver's SR_BACKEND_FAILURE when `host` cannot reach the storage `config`
    names (after the driver's own checks of the keys: see pbd.check_device_config)."""
    net = StorageNetwork.of(db)
    if sr_type == "nfs" and config.get("server"):
        _check_nfs(net, host, config)
    elif sr_type == "lvmoiscsi" and config.get("target"):
        _check_iscsi(net, host, config)
    elif sr_type == "iso" and config.get("location"):
        _check_iso(net, host, config)


def _check_nfs(net: StorageNetwork, host: str, config: dict[str, str]) -> None:
    server = config["server"]
    if not resolves(server):
        raise failure(140)
    if not net.reachable(server, host):
        raise failure(108)
    wanted = config.get("nfsversion") or "3"
    if not (wanted == "3" or wanted.startswith("4")):
        raise failure(72, "Invalid nfsversion.")
    served = net.versions_of(server)
    if wanted not in served and not (wanted.startswith("4") and "4" in served
                                     and wanted in NFS_VERSIONS):
        raise failure(72, f"Unsupported NFS version: {wanted}")


def nfs_versions(db: Database, server: str) -> list[str]:
    """The versions an NFS server reports (what probeversion adds to a probe's answer)."""
    served = StorageNetwork.of(db).versions_of(server)
    return sorted({v.split(".")[0] for v in served})


def iscsi_port(config: dict[str, str]) -> int:
    """The target port of an iSCSI device_config (3260 unless given)."""
    text = config.get("port", "") or str(ISCSI_PORT)
    try:
        port = int(text)
    except ValueError:
        raise failure(142) from None
    if not 1 <= port <= 65535:
        raise failure(142)
    return port


def _check_iscsi(net: StorageNetwork, host: str, config: dict[str, str]) -> None:
    target = config["target"]
    if not resolves(target):
        raise failure(140)
    iscsi_port(config)
    if not net.reachable(target, host):
        raise failure(141)
    wanted = net.chap_of(target)
    given = (config.get("chapuser", ""), config.get("chappassword", ""))
    if wanted is not None and given != wanted:
        raise failure(68)


def iso_server(location: str) -> str:
    """The server of an ISO library location ("server:/path" or "\\\\server\\share");
    "" for a local folder."""
    if location.startswith(("\\\\", "//")):
        return location[2:].replace("\\", "/").split("/", 1)[0]
    if ":/" in location:
        return location.split(":/", 1)[0]
    return ""


def _check_iso(net: StorageNetwork, host: str, config: dict[str, str]) -> None:
    server = iso_server(config["location"])
    if not server:
        return
    if not resolves(server):
        raise failure(140)
    if not net.reachable(server, host):
        raise failure(222, "mount failed: No route to host")
    if config["location"].startswith(("\\\\", "//")):
        wanted = net.login_of(server)
        given = (config.get("username", ""), config.get("cifspassword", ""))
        if wanted is not None and given != wanted:
            raise failure(222, "mount failed: Permission denied")
