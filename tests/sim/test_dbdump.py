"""Loading XAPI database dumps: every shared dump loads, counts match, and a Simulator serves it."""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
import XenAPI

from tests.sim.rpc import Wire
from xapiman.sim.db import NO_EVENTS, Database
from xapiman.sim.dbdump import load_dump, parse_sexpr, unprotect
from xapiman.sim.model.spec import DATABASE_CLASSES, MODEL
from xapiman.sim.model.values import DateTime
from xapiman.sim.testing import running_pool

DUMPS = ["Cowley-db.xml", "cowley1.xml", "state.db", "state3.xml", "tampa-db_inc_snapshots.xml"]


def dump_path(shared_dir: Path, name: str) -> Path:
    return shared_dir / "data" / "xapi-dbs" / name


def inventory(shared_dir: Path) -> dict[str, dict[str, str]]:
    """INVENTORY.md's per-file table: file name -> column -> cell."""
    text = (shared_dir / "data" / "xapi-dbs" / "INVENTORY.md").read_text()
    section = text.split("## 1. Per-file inventory", 1)[1]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    table = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) != len(header):
            break
        table[cells[0]] = dict(zip(header, cells, strict=True))
    return table


def observed_counts(db: Database) -> dict[str, str]:
    """The inventory's columns computed from a loaded database."""
    vms = db.all("VM").values()
    real = [v for v in vms if not (v["is_a_template"] or v["is_a_snapshot"] or v["is_control_domain"])]
    templates = [v for v in vms if v["is_a_template"] and not v["is_a_snapshot"]]
    default = sum(1 for v in templates if v["other_config"].get("default_template") == "true")
    sr_types = Counter(sr["type"] for sr in db.all("SR").values())
    ordered = sorted(sr_types.items(), key=lambda kv: (-kv[1], kv[0]))
    return {
        "hosts": str(len(db.all("host"))),
        "VMs": str(len(real)),
        "tmpl (default/custom)": f"{len(templates)} ({default}/{len(templates) - default})",
        "snaps": str(sum(1 for v in vms if v["is_a_snapshot"])),
        "dom0": str(sum(1 for v in vms if v["is_control_domain"])),
        "SRs by type": ", ".join(f"{t} {n}" for t, n in ordered),
        "VDIs": str(len(db.all("VDI"))),
        "VBDs": str(len(db.all("VBD"))),
        "VIFs": str(len(db.all("VIF"))),
        "nets": str(len(db.all("network"))),
        "PIFs": str(len(db.all("PIF"))),
        "bonds": str(len(db.all("Bond"))),
        "VLANs": str(len(db.all("VLAN"))),
    }


def normalise_sr_types(cell: str) -> str:
    pairs = [item.rsplit(" ", 1) for item in cell.split(", ")]
    return ", ".join(f"{t} {n}" for t, n in sorted(pairs, key=lambda p: (-int(p[1]), p[0])))


@pytest.mark.parametrize("name", DUMPS)
def test_dump_counts_match_the_inventory(shared_dir, name):
    expected = inventory(shared_dir)[name]
    observed = observed_counts(load_dump(dump_path(shared_dir, name)))
    for column, value in observed.items():
        want = expected[column]
        if column == "SRs by type":
            want = normalise_sr_types(want)
        assert value == want, f"{name}: {column}"


@pytest.mark.parametrize("name", DUMPS)
def test_a_simulator_serves_every_object_of_a_dump(shared_dir, name):
    db = load_dump(dump_path(shared_dir, name))
    expected = {cls.lower(): len(db.tables[cls]) for cls in DATABASE_CLASSES if cls not in NO_EVENTS}
    with running_pool(db=db) as p:
        s = XenAPI.Session(p.url)
        s.xenapi.login_with_password(p.user, p.password, "2.21", "xapiman-tests")
        try:
            batch = s.xenapi.event_from(["*"], "", 1.0)
            assert {e["operation"] for e in batch["events"]} == {"add"}
            served = Counter(e["class"] for e in batch["events"])
            counts = batch["valid_ref_counts"]
            for cls, n in expected.items():
                assert served.get(cls, 0) == n == counts[cls], cls
            hosts = s.xenapi.host.get_all_records()
            assert all(h["address"].startswith("127.0.0.1:") for h in hosts.values())
        finally:
            s.xenapi.session.logout()


def test_decoded_values(shared_dir):
    db = load_dump(dump_path(shared_dir, "Cowley-db.xml"))
    vms = list(db.all("VM").values())
    assert all(type(v["memory_static_max"]) is int for v in vms)
    assert all(isinstance(v["tags"], list) for v in vms)
    jenkins = [v for v in vms if v["name_label"] == "OpenStack Jenkins" and not v["is_a_snapshot"]]
    assert len(jenkins) == 1
    assert sorted(jenkins[0]["tags"]) == ["OpenStack", "Production VM"]
    assert {v["other_config"].get("folder") for v in vms} >= {"/Hello"}
    cpu = next(iter(db.all("host_cpu").values()))
    assert cpu["modelname"] == "Intel(R) Xeon(R) CPU           X5650  @ 2.67GHz"
    assert type(cpu["number"]) is int and type(cpu["utilisation"]) is float
    names = {g["os_version"].get("name", "") for g in db.all("VM_guest_metrics").values()}
    assert any(n.startswith("Microsoft® Windows Server® 2008 Enterprise |C:\\Windows|") for n in names)
    snap = next(v for v in vms if v["is_a_snapshot"])
    assert type(snap["snapshot_time"]) is DateTime
    assert re.fullmatch(r"\d{8}T\d\d:\d\d:\d\dZ", snap["snapshot_time"])
    assert snap["snapshot_of"] in db.all("VM") and snap["is_a_template"] is True
    pool = next(iter(db.all("pool").values()))
    assert pool["name_label"] == "GUI team permanent 5.6 FP1 (Cowley)"
    assert "EMPTY_FOLDERS" in pool["other_config"]
    assert all(c["location"] == "" for c in db.all("console").values())  # no real addresses
    # two SRs were mid-scan when the dump was taken: their tasks died with that xapi
    assert all(sr["current_operations"] == {} for sr in db.all("SR").values())


def test_relation_sets_are_derived_in_old_dumps(shared_dir):
    db = load_dump(dump_path(shared_dir, "state3.xml"))
    for vm_ref, vm in db.all("VM").items():
        assert sorted(vm["VBDs"]) == sorted(r for r, vbd in db.all("VBD").items() if vbd["VM"] == vm_ref)
    resident = sum(len(h["resident_VMs"]) for h in db.all("host").values())
    assert resident == sum(1 for v in db.all("VM").values() if v["resident_on"] in db.all("host"))
    assert resident >= 5  # 3 running VMs and 2 control domains
    for sr_ref, sr in db.all("SR").items():
        assert len(sr["VDIs"]) == sum(1 for v in db.all("VDI").values() if v["SR"] == sr_ref)
    # the hosts kept no metrics rows: made up so the pool can be shown
    for host in db.all("host").values():
        metrics = db.get(host["metrics"], "host_metrics")
        assert metrics["memory_total"] >= metrics["memory_free"] > 0


def test_double_quoted_dump(shared_dir):
    db = load_dump(dump_path(shared_dir, "state.db"))
    names = {g["os_version"].get("name", "") for g in db.all("VM_guest_metrics").values()}
    assert "Microsoft Windows XP Professional|C:\\WINDOWS|\\Device\\Harddisk0\\Partition1" in names
    drivers = [g["PV_drivers_version"] for g in db.all("VM_guest_metrics").values()]
    assert {"xenvbd": "1.0boot", "xennet": "1.0", "major": "4", "minor": "1", "micro": "0",
            "build": "7870"} in drivers


def test_tampa_snapshot_trees(shared_dir):
    db = load_dump(dump_path(shared_dir, "tampa-db_inc_snapshots.xml"))
    vms = db.all("VM")
    snaps = [r for r, v in vms.items() if v["is_a_snapshot"]]
    assert len(snaps) == 5
    checkpoints = [vms[r] for r in snaps if vms[r]["power_state"] == "Suspended"]
    assert len(checkpoints) == 2
    assert all(db.find(c["suspend_VDI"], "VDI") is not None for c in checkpoints)
    for ref in snaps:
        source = vms[ref]["snapshot_of"]
        if source in vms:
            assert ref in vms[source]["snapshots"]
        parent = vms[ref]["parent"]
        if parent in vms:
            assert ref in vms[parent]["children"]


# -- the text layers ------------------------------------------------------------------------


def test_unprotect():
    assert unprotect("a%_b%nc%rd%te%%f%.g") == "a  b\nc\rd\te%f g"
    assert unprotect("100%") == "100%"


def test_sexpr():
    assert parse_sexpr("()") == []
    assert parse_sexpr("('a' 'b c')") == ["a", "b c"]
    assert parse_sexpr('(("k" "v") ("q\\"x" "y\\\\z"))') == [["k", "v"], ['q"x', "y\\z"]]
    assert parse_sexpr("(('k' '((\\'a\\' \\'b\\'))'))") == [["k", "(('a' 'b'))"]]
    assert parse_sexpr("(('k' 'v')") == [["k", "v"]]  # a hand edit lost the final ')'
    with pytest.raises(ValueError):
        parse_sexpr("('a'))")


# -- hand edits and bad input -----------------------------------------------------------------

HAND_EDITED = """<database><manifest><pair key="schema_major_vsn" value="5"/></manifest>
<table name="pool"><row ref="OpaqueRef:p" name_label="edited" master="OpaqueRef:h"
  other_config="(('EMPTY_FOLDERS' ';/a;/b') ('folder' '/IT Dept')" uuid="p"/></table>
<table name="host"><row ref="OpaqueRef:h" name__label="h1" address="10.1.2.3" uuid="h"
  license_params="(('sku_type' 'free')" cpu_info="(('modelname' 'X%_Y'))"
  allowed_operations="('provision' 'teleport')"/></table>
<table name="VM"><row ref="OpaqueRef:v" name__label="vm%_1" power_state="running" uuid="v"
  memory__static_max="1073741824."
  actions__after_crash="explode" metrics="OpaqueRef:m"
  start_delay="soon" is_a_template="TRUE" snapshot_time="2011-03-22T00:00:15Z"
  resident_on="OpaqueRef:h" VBDs="('OpaqueRef:gone')"/></table>
<table name="VM_metrics"><row ref="OpaqueRef:m" VCPUs__utilisation="(('0' '0.5') ('1' 'x'))"/>
</table>
<table name="Secret"><row ref="OpaqueRef:bla" uuid="bla" value="REDACTED"/></table>
<table name="VMPP"><row ref="OpaqueRef:x" name__label="a removed class"/></table>
</database>
"""


def test_hand_edited_dump_loads(tmp_path, caplog):
    path = tmp_path / "edited.xml"
    path.write_text(HAND_EDITED)
    with caplog.at_level(logging.WARNING, logger="xapiman.sim.dbdump"):
        db = load_dump(path)
    pool = db.get("OpaqueRef:p", "pool")
    assert pool["other_config"] == {"EMPTY_FOLDERS": ";/a;/b", "folder": "/IT Dept"}
    host = db.get("OpaqueRef:h", "host")
    assert host["license_params"] == {"sku_type": "free"}
    assert host["cpu_info"] == {"modelname": "X  Y"}
    vm = db.get("OpaqueRef:v", "VM")
    assert vm["name_label"] == "vm  1"
    assert vm["power_state"] == "Running"  # case-insensitive enum
    assert vm["memory_static_max"] == 1073741824 and type(vm["memory_static_max"]) is int
    assert host["allowed_operations"] == ["provision"]  # unknown operation dropped
    assert vm["actions_after_crash"] == MODEL["VM"].fields["actions_after_crash"].default
    assert db.get("OpaqueRef:m", "VM_metrics")["VCPUs_utilisation"] == {"0": 0.5}
    assert vm["start_delay"] == 0 and vm["is_a_template"] is True
    assert vm["snapshot_time"] == "20110322T00:00:15Z"
    assert vm["VBDs"] == []  # derived, not trusted
    assert host["resident_VMs"] == ["OpaqueRef:v"]
    assert db.get("OpaqueRef:bla", "secret")["value"] == "REDACTED"
    assert db.get("OpaqueRef:x", "VMPP")["name_label"] == "a removed class"
    assert vm["uuid"] == "v" and vm["metrics"] == "OpaqueRef:m"
    assert db.find(host["metrics"], "host_metrics") is not None  # made up
    text = caplog.text
    assert "closing" in text and "actions_after_crash" in text and "teleport" in text
    assert "edited.xml: not served: VMPP (1 row: loaded, but XAPI removed the class" in text


ODD_VALUES = """<database><manifest/>
<table name="pool"><row ref="OpaqueRef:p" master="OpaqueRef:h" other_config="OpaqueRef:NULL"/>
</table>
<table name="host"><row ref="OpaqueRef:h" name__label="h" current_operations="true"
  tags="'(\\'kept\\')'" memory__overhead="99999999999999999999999"/></table>
<table name="host_cpu"><row ref="OpaqueRef:c" host="OpaqueRef:h" speed="-1e400"
  utilisation="nan"/></table>
<table name="VM"><row ref="OpaqueRef:v" name__label="v" blocked_operations="('a' 'b'"
  VCPUs__params="x" user_version="-9223372036854775808"/></table>
</database>
"""


def test_values_of_the_wrong_shape_are_left_at_their_defaults(tmp_path, caplog):
    """A lone word where a map or set belongs, an int beyond 64 bits, a float that is not a
    number: each field is left at its default, with a warning, and the pool is served."""
    path = tmp_path / "odd.xml"
    path.write_text(ODD_VALUES)
    with caplog.at_level(logging.WARNING, logger="xapiman.sim.dbdump"):
        db = load_dump(path)
    host = db.get("OpaqueRef:h", "host")
    assert db.get("OpaqueRef:p", "pool")["other_config"] == {}
    assert host["current_operations"] == {} and host["tags"] == ["kept"]
    assert host["memory_overhead"] == 0
    cpu = db.get("OpaqueRef:c", "host_cpu")
    assert cpu["speed"] == 0 and cpu["utilisation"] == 0.0
    vm = db.get("OpaqueRef:v", "VM")
    assert vm["VCPUs_params"] == {} and vm["user_version"] == -(2**63)
    text = caplog.text
    assert "'OpaqueRef:NULL' is not a (string -> string) map" in text
    assert "beyond XAPI's 64-bit ints" in text and "not a finite float: 'nan'" in text
    assert "not a (key value) pair" in text  # ('a' 'b' is closed, then is no map
    with running_pool(db=db) as pool:
        for protocol in ("xml", "json"):
            wire = Wire(pool.url, protocol)
            wire.login(pool.user, pool.password)
            for cls in ("pool", "host", "host_cpu", "VM"):
                assert wire.call(f"{cls}.get_all_records")
            wire.close()


WRONG_CLASS_REFS = """<database>
<table name="pool"><row ref="OpaqueRef:p" master="OpaqueRef:h"/></table>
<table name="host"><row ref="OpaqueRef:h" name__label="h"/></table>
<table name="SR"><row ref="OpaqueRef:s" name__label="s" type="nfs" shared="true"/></table>
<table name="PBD"><row ref="OpaqueRef:b" SR="OpaqueRef:h" host="OpaqueRef:h"
  currently_attached="false"/></table>
<table name="VM"><row ref="OpaqueRef:v" name__label="v" power_state="Halted"
  resident_on="OpaqueRef:s" affinity="OpaqueRef:gone"/></table>
</database>
"""


def test_a_reference_to_an_object_of_another_class_reads_as_null(tmp_path, caplog):
    """A PBD whose SR is a host would send the pool's code into a record of another shape: it
    reads as NULL, with a warning; a reference to an object the dump lacks stays, as in xapi."""
    path = tmp_path / "mangled.xml"
    path.write_text(WRONG_CLASS_REFS)
    with caplog.at_level(logging.WARNING, logger="xapiman.sim.dbdump"):
        db = load_dump(path)
    assert db.get("OpaqueRef:b", "PBD")["SR"] == "OpaqueRef:NULL"
    assert db.get("OpaqueRef:b", "PBD")["host"] == "OpaqueRef:h"
    vm = db.get("OpaqueRef:v", "VM")
    assert vm["resident_on"] == "OpaqueRef:NULL" and vm["affinity"] == "OpaqueRef:gone"
    assert db.get("OpaqueRef:h", "host")["PBDs"] == ["OpaqueRef:b"]
    assert db.get("OpaqueRef:s", "SR")["PBDs"] == []
    assert "PBD.SR: a reference to an object of another class dropped" in caplog.text
    assert "VM.resident_on: a reference to an object of another class dropped" in caplog.text
    with running_pool(db=db) as pool:
        s = XenAPI.Session(pool.url)
        s.xenapi.login_with_password(pool.user, pool.password, "2.21", "mangled")
        with pytest.raises(XenAPI.Failure) as info:
            s.xenapi.PBD.plug("OpaqueRef:b")
        assert info.value.details[0] == "HANDLE_INVALID"


def test_rows_hidden_by_a_duplicate_ref_are_named_before_the_error(tmp_path, caplog):
    path = tmp_path / "dup.xml"
    path.write_text('<database><table name="pool"><row ref="OpaqueRef:p"/></table>'
                    '<table name="SR"><row ref="OpaqueRef:h"/></table>'
                    '<table name="host"><row ref="OpaqueRef:h"/></table></database>')
    with caplog.at_level(logging.WARNING, logger="xapiman.sim.dbdump"), \
            pytest.raises(ValueError, match="no host row"):
        load_dump(path)
    assert "host row with a duplicate ref skipped" in caplog.text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("this is not XML at all", r"not a XAPI database dump: XML error: .*line 1, column 0"),
        ("", r"XML error: no element found: line 1"),
        ("<html><body/></html>", r"root element is <html>, expected <database>"),
        ("<database><manifest/></database>", r"has no <table>"),
        ("<database><table name='VM'/></database>", r"no pool row"),
        ('<database><table name="pool"><row ref="OpaqueRef:p"/></table></database>', "no host row"),
    ],
)
def test_bad_files(tmp_path, content, message):
    path = tmp_path / "bad.xml"
    path.write_text(content)
    with pytest.raises(ValueError, match=message):
        load_dump(path)


def test_truncated_dump(shared_dir, tmp_path):
    data = dump_path(shared_dir, "state3.xml").read_bytes()
    path = tmp_path / "truncated.xml"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"truncated\.xml: not a XAPI database dump: XML error: .*line \d+"):
        load_dump(path)


def test_binary_file(tmp_path):
    path = tmp_path / "state.db.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00" + bytes(range(256)))
    with pytest.raises(ValueError, match="not a XAPI database dump"):
        load_dump(path)


# -- every table ------------------------------------------------------------------------------


def unserved_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "not served" in r.getMessage()]


@pytest.mark.parametrize("name", DUMPS)
def test_every_table_of_a_dump_loads_or_is_named(shared_dir, name, caplog):
    path = dump_path(shared_dir, name)
    with caplog.at_level(logging.WARNING, logger="xapiman.sim.dbdump"):
        db = load_dump(path)
    lines = unserved_lines(caplog)
    assert len(lines) <= 1
    for table in ET.parse(path).getroot().iter("table"):
        rows = [row.get("ref") for row in table.iter("row")]
        if not rows:
            continue
        cls = next((c for c in MODEL if c.lower() == table.get("name", "").lower()), None)
        served = cls is not None and not MODEL[cls].removed and \
            all(db.cls_of(ref) == cls for ref in rows)
        if not served:
            assert lines and f"{table.get('name')} ({len(rows)} row" in lines[0], table.get("name")
    if name == "Cowley-db.xml":  # its two VM protection policies stay, named in the warning
        assert len(db.all("VMPP")) == 2
        assert "VMPP (2 rows: loaded, but XAPI removed the class" in lines[0]
        assert {v["protection_policy"] for v in db.all("VM").values()} > {"OpaqueRef:NULL"}


EVERY_TABLE = """<database><manifest><pair key="schema_major_vsn" value="5"/></manifest>
<table name="pool"><row ref="OpaqueRef:p" name__label="apps" master="OpaqueRef:h" uuid="p"/></table>
<table name="host"><row ref="OpaqueRef:h" name__label="h1" uuid="h" updates="('OpaqueRef:u')"/></table>
<table name="VM_appliance"><row ref="OpaqueRef:app" name__label="web stack" uuid="a"
  allowed_operations="('start')"/></table>
<table name="VMSS"><row ref="OpaqueRef:ss" name__label="nightly" type="snapshot" frequency="daily"
  schedule="(('hour' '2') ('min' '30'))" retained_snapshots="7" uuid="s"/></table>
<table name="VM"><row ref="OpaqueRef:v" name__label="web" power_state="Halted" uuid="v"
  appliance="OpaqueRef:app" snapshot_schedule="OpaqueRef:ss" order="1"/></table>
<table name="pool_patch"><row ref="OpaqueRef:pp" name__label="XS56E001" uuid="pp" size="1024"/></table>
<table name="host_patch"><row ref="OpaqueRef:hp" name__label="XS56E001" uuid="hp" host="OpaqueRef:h"
  pool_patch="OpaqueRef:pp" applied="true"/></table>
<table name="pool_update"><row ref="OpaqueRef:u" name__label="XS82ECU1001" uuid="u"/></table>
<table name="PCI"><row ref="OpaqueRef:pci" class_name="VGA compatible controller" host="OpaqueRef:h"
  uuid="pci"/></table>
<table name="GPU_group"><row ref="OpaqueRef:g" name__label="Group of Matrox G200eR2" uuid="g"/></table>
<table name="PGPU"><row ref="OpaqueRef:pg" PCI="OpaqueRef:pci" GPU_group="OpaqueRef:g" host="OpaqueRef:h"
  uuid="pg"/></table>
<table name="session"><row ref="OpaqueRef:s1" uuid="s1"/></table>
<table name="Frobnicator"><row ref="OpaqueRef:f" uuid="f"/><row ref="OpaqueRef:f2" uuid="f2"/></table>
</database>
"""


def test_tables_beyond_vms_load_and_are_served(tmp_path, caplog):
    path = tmp_path / "apps.xml"
    path.write_text(EVERY_TABLE)
    with caplog.at_level(logging.WARNING, logger="xapiman.sim.dbdump"):
        db = load_dump(path)
    lines = unserved_lines(caplog)
    assert lines == ["apps.xml: not served: Frobnicator (2 rows: not a class of the XAPI "
                     "datamodel); session (1 row: not kept across a restart of xapi)"]
    assert db.get("OpaqueRef:app", "VM_appliance")["VMs"] == ["OpaqueRef:v"]
    assert db.get("OpaqueRef:ss", "VMSS")["VMs"] == ["OpaqueRef:v"]
    assert db.get("OpaqueRef:ss", "VMSS")["schedule"] == {"hour": "2", "min": "30"}
    host = db.get("OpaqueRef:h", "host")
    assert host["patches"] == ["OpaqueRef:hp"] and host["PCIs"] == ["OpaqueRef:pci"]
    assert host["PGPUs"] == ["OpaqueRef:pg"]
    assert db.get("OpaqueRef:pp", "pool_patch")["host_patches"] == ["OpaqueRef:hp"]
    assert db.get("OpaqueRef:u", "pool_update")["hosts"] == ["OpaqueRef:h"]
    assert db.get("OpaqueRef:g", "GPU_group")["PGPUs"] == ["OpaqueRef:pg"]
    assert db.cls_of("OpaqueRef:s1") is None and db.cls_of("OpaqueRef:f") is None
    with running_pool(db=db) as p:
        s = XenAPI.Session(p.url)
        s.xenapi.login_with_password(p.user, p.password, "2.21", "xapiman-tests")
        try:
            apps = s.xenapi.VM_appliance.get_all_records()
            assert apps["OpaqueRef:app"]["name_label"] == "web stack"
            assert s.xenapi.host_patch.get_pool_patch("OpaqueRef:hp") == "OpaqueRef:pp"
            assert s.xenapi.PGPU.get_GPU_group("OpaqueRef:pg") == "OpaqueRef:g"
            counts = s.xenapi.event_from(["*"], "", 0.0)["valid_ref_counts"]
            assert counts["vm_appliance"] == 1 and counts["pool_patch"] == 1
        finally:
            s.xenapi.session.logout()
