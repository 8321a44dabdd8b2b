"""Storage driver errors (`SR_BACKEND_FAILURE_<n>`) in words.

xapi passes an SM driver's error on as `SR_BACKEND_FAILURE_<n>` with the parameters
[status, message, detail]: `n` is the driver's code (the SM's XE_SR_ERRORCODES.xml), the
message its text, which may end with "[opterr=<what the tool said>]", and the detail what the
driver printed on stderr (during a probe: XML listing what the storage offers). `explain` turns
that into a sentence: what the server said, then what to check or do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from xapiman.i18n import translate

PREFIX = "SR_BACKEND_FAILURE"
_OPTERR = re.compile(r"\s*\[opterr=(.*)\]\s*\Z", re.DOTALL)


@dataclass(frozen=True)
class BackendFailure:
    """One driver error, taken apart.

    Attributes:
        number: the driver's code (None when the code carries none); message: its text without
        the tool's detail; opterr: what the tool under the driver said; detail: what the
        driver printed (XML during probes).
    """

    number: int | None
    message: str
    opterr: str
    detail: str


def parse(code: str, params: Sequence[str]) -> BackendFailure | None:
    """The parts of an SR_BACKEND_FAILURE error; None for any other code."""
    if not code.startswith(PREFIX):
        return None
    suffix = code[len(PREFIX):].lstrip("_")
    number = int(suffix) if suffix.isdigit() else None
    texts = [str(p) for p in params]
    message = texts[1] if len(texts) > 1 else (texts[0] if texts else "")
    detail = texts[2] if len(texts) > 2 else ""
    opterr = ""
    found = _OPTERR.search(message)
    if found:
        opterr = found.group(1).strip()
        message = message[:found.start()]
    return BackendFailure(number, message.strip(), opterr, detail.strip())


def advice(number: int | None) -> str:
    """What to check for a driver error code ("" when there is nothing specific to say)."""
    texts = {
        140: translate("SmErrors", "Check the server's name, or use its IP address."),
        108: translate("SmErrors", "Check the address, that the NFS service runs on the server "
                                   "and that no firewall blocks this host (port 2049)."),
        72: translate("SmErrors", "Choose an NFS version the server offers, or let the host "
                                  "pick one."),
        73: translate("SmErrors", "Check that the server exports this path to this host."),
        141: translate("SmErrors", "Check the target's address and port, that the iSCSI "
                                   "service runs and that no firewall blocks this host."),
        142: translate("SmErrors", "Give a port between 1 and 65535 (iSCSI uses 3260)."),
        68: translate("SmErrors", "Check the CHAP user and secret, and that the target lets "
                                  "this host's initiator IQN log in."),
        83: translate("SmErrors", "Check the target's address, port and CHAP settings."),
        96: translate("SmErrors", "Choose one of the IQNs the target offers."),
        107: translate("SmErrors", "Choose one of the LUNs the target offers."),
        101: translate("SmErrors", "Give the path of an export on the server."),
        102: translate("SmErrors", "Give the NFS server's name or address."),
        95: translate("SmErrors", "Give the iSCSI target's name or address."),
        90: translate("SmErrors", "Give the disk device, such as /dev/sdb."),
        220: translate("SmErrors", "Give the location of the ISO library."),
        222: translate("SmErrors", "Check the location, that the share exists and the user "
                                   "name and password."),
        224: translate("SmErrors", "Check the share's name and that the user may read it."),
        225: translate("SmErrors", "Write the location as server:/path for NFS or "
                                   "\\\\server\\share for SMB."),
        47: translate("SmErrors", "The storage may be offline or gone: check it, then repair "
                                  "the SR."),
        44: translate("SmErrors", "Free space on the SR or choose another one."),
        79: translate("SmErrors", "Choose a size the storage accepts (disks cannot shrink)."),
    }
    return texts.get(number, "") if number is not None else ""


def explain(code: str, params: Sequence[str]) -> str:
    """A sentence for a driver error: what the server said, and what to do."""
    failure = parse(code, params)
    if failure is None:
        return ""
    said = failure.message or failure.opterr or translate("SmErrors", "no reason given")
    if failure.opterr and failure.message:
        said = f"{failure.message.rstrip('.')} ({failure.opterr})"
    text = translate("SmErrors", "The storage driver on the server failed: {said}.").format(
        said=said.rstrip("."))
    hint = advice(failure.number)
    return f"{text} {hint}" if hint else \
        text + " " + translate("SmErrors", "Check the storage repository and its server.")
