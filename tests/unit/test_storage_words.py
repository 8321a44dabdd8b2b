"""Storage driver errors in words, the probe answers read from the drivers' XML, and disk image
files told apart (raw, VHD, broken VHD) without a server."""

from __future__ import annotations

import pytest

from xapiman.actions.common import ActionError
from xapiman.actions.sr_probe import parse_exports, parse_iqns, parse_luns, parse_srlist
from xapiman.sim import vhd
from xapiman.xapi.disk_image import ImageError, format_for, inspect_image
from xapiman.xapi.errors import XapiError
from xapiman.xapi.sm_errors import explain, parse


def test_driver_errors_say_what_the_server_said_and_what_to_do() -> None:
    error = XapiError("SR_BACKEND_FAILURE_72", ["", "Required NFS server version unsupported "
                                                    "[opterr=Unsupported NFS version: 4.1]", ""])
    assert error.sentence == (
        "The storage driver on the server failed: Required NFS server version unsupported "
        "(Unsupported NFS version: 4.1). Choose an NFS version the server offers, or let the "
        "host pick one.")
    failure = parse("SR_BACKEND_FAILURE_96", ["", "The request is missing or has an incorrect "
                                                  "target IQN parameter", "<iscsi-target-iqns/>"])
    assert failure is not None and failure.number == 96 and failure.detail.startswith("<")
    assert "IQNs the target offers" in explain("SR_BACKEND_FAILURE_96", ["", "missing", ""])
    assert explain("SR_BACKEND_FAILURE", []) == (
        "The storage driver on the server failed: no reason given. Check the storage "
        "repository and its server.")
    assert parse("SR_FULL", ["1", "2"]) is None


def test_probe_answers_are_read_from_the_drivers_xml() -> None:
    exports = parse_exports("<nfs-exports><Export><Target>nas</Target><Path>/vms</Path>"
                            "<Accesslist>10.0.0.0/8</Accesslist></Export></nfs-exports>")
    assert [(e.path, e.access) for e in exports] == [("/vms", "10.0.0.0/8")]
    iqns = parse_iqns("<iscsi-target-iqns><TGT><Index>0</Index><IPAddress>10.0.1.5</IPAddress>"
                      "<Port>3261</Port><TargetIQN>iqn.x:y</TargetIQN></TGT>"
                      "</iscsi-target-iqns>")
    assert [(i.address, i.port, i.iqn) for i in iqns] == [("10.0.1.5", 3261, "iqn.x:y")]
    luns = parse_luns("<iscsi-target><LUN><vendor>LIO</vendor><LUNid>2</LUNid>"
                      "<size>1073741824</size><SCSIid>3600</SCSIid></LUN></iscsi-target>")
    assert [(u.lun_id, u.size, u.scsi_id) for u in luns] == [("2", 1024**3, "3600")]
    found = parse_srlist("<SRlist><SR><UUID>u-1</UUID></SR><SupportedVersions>"
                         "<Version>3</Version></SupportedVersions></SRlist>")
    assert (found.uuids, found.versions) == (["u-1"], ["3"])
    with pytest.raises(ActionError, match="not the XML"):
        parse_srlist("<SRlist><SR>")


def test_disk_images_are_told_apart(tmp_path) -> None:
    raw = tmp_path / "disk.img"
    raw.write_bytes(b"\x55" * 5000)
    info = inspect_image(raw)
    assert (info.format, info.virtual_size, info.file_size) == ("raw", 5000, 5000)
    packed = tmp_path / "disk.vhd"
    packed.write_bytes(b"".join(vhd.write(8 * 1024**2, {1: b"data"})))
    info = inspect_image(packed)
    assert (info.format, info.virtual_size) == ("vhd", 8 * 1024**2)
    cut = tmp_path / "cut.vhd"
    cut.write_bytes(packed.read_bytes()[:-512])
    with pytest.raises(ImageError, match="incomplete VHD"):
        inspect_image(cut)
    empty = tmp_path / "empty.img"
    empty.write_bytes(b"")
    with pytest.raises(ImageError, match="empty"):
        inspect_image(empty)
    assert (format_for("a/b.VHD"), format_for("b.img")) == ("vhd", "raw")
