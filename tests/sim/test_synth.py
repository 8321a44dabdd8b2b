"""Synthetic pools: counts, power states, references, relations, memory, snapshot trees, scale."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from xapiman.sim import rbac
from xapiman.sim.db import RELATIONS, Database
from xapiman.sim.model.spec import MODEL
from xapiman.sim.model.values import NULL_REF, DateTime, now
from xapiman.sim.synth import CUSTOM_TEMPLATES, SM_DRIVERS, TEMPLATES, generate_pool


@pytest.fixture(scope="module")
def demo() -> Database:
    return generate_pool(2, 20)


def real_vms(db: Database) -> dict[str, dict]:
    return {r: v for r, v in db.all("VM").items()
            if not (v["is_a_template"] or v["is_a_snapshot"] or v["is_control_domain"])}


def snapshots(db: Database) -> dict[str, dict]:
    return {r: v for r, v in db.all("VM").items() if v["is_a_snapshot"]}


def test_counts_per_class(demo):
    vms = demo.all("VM").values()
    assert len(demo.all("pool")) == 1
    assert len(demo.all("host")) == len(demo.all("host_metrics")) == 2
    assert len(demo.all("host_cpu")) == 32
    assert len(real_vms(demo)) == 20
    assert sum(1 for v in vms if v["is_control_domain"]) == 2
    defaults = [v for v in vms if v["is_default_template"]]
    assert len(defaults) == len(TEMPLATES)
    assert all(v["other_config"]["default_template"] == "true" for v in defaults)
    custom = [v for v in vms if v["is_a_template"] and not v["is_a_snapshot"]
              and not v["is_default_template"]]
    assert sorted(v["name_label"] for v in custom) == sorted(t[0] for t in CUSTOM_TEMPLATES)
    assert all(v["VBDs"] and v["VIFs"] for v in custom)
    assert 3 <= len(snapshots(demo)) <= 9
    assert len(demo.all("VM_metrics")) == len(demo.all("VM"))
    assert {sm["type"] for sm in demo.all("SM").values()} == set(SM_DRIVERS)
    assert all(sm["capabilities"] and sm["configuration"] for sm in demo.all("SM").values())
    sr_types = Counter(sr["type"] for sr in demo.all("SR").values())
    assert sr_types == {"ext": 2, "udev": 4, "nfs": 1, "lvmoiscsi": 1, "iso": 2}
    assert len(demo.all("PBD")) == 2 + 4 + 4 * 2
    assert len(demo.all("network")) == 6
    assert len(demo.all("PIF")) == len(demo.all("PIF_metrics")) == 10
    assert [v["tag"] for v in demo.all("VLAN").values()] == [100, 100]
    disks = [b for b in demo.all("VBD").values() if b["type"] == "Disk"]
    assert all(b["VDI"] != NULL_REF for b in disks)


def test_every_power_state_and_its_traits(demo):
    vms = real_vms(demo)
    assert {v["power_state"] for v in vms.values()} == {"Running", "Halted", "Suspended", "Paused"}
    hosts = demo.all("host")
    for ref, vm in vms.items():
        live = vm["power_state"] in ("Running", "Paused")
        assert (vm["resident_on"] in hosts) is live, vm["name_label"]
        assert (vm["domid"] > 0) is live
        assert all(demo.get(b, "VBD")["currently_attached"] is live for b in vm["VBDs"])
        assert len([c for c in demo.all("console").values() if c["VM"] == ref]) == (1 if live else 0)
        if vm["power_state"] == "Suspended":
            assert demo.get(vm["suspend_VDI"], "VDI")["type"] == "suspend"
        else:
            assert vm["suspend_VDI"] == NULL_REF


def test_tags_folders_and_dvds(demo):
    vms = real_vms(demo).values()
    folders = {v["other_config"].get("folder") for v in vms} - {None}
    assert "/Production/Web" in folders and len(folders) >= 4
    assert all(f.startswith("/") for f in folders)
    tags = Counter(t for v in vms for t in v["tags"])
    assert {"production", "staging", "linux", "windows"} <= set(tags)
    assert any(not v["tags"] for v in vms) and any("folder" not in v["other_config"] for v in vms)
    pool = next(iter(demo.all("pool").values()))
    assert pool["other_config"]["EMPTY_FOLDERS"].startswith(";/")
    cds = [b for b in demo.all("VBD").values() if b["type"] == "CD"]
    inserted = [b for b in cds if not b["empty"]]
    assert inserted and any(b["empty"] and b["VDI"] == NULL_REF for b in cds)
    for cd in inserted:
        sr = demo.get(demo.get(cd["VDI"], "VDI")["SR"], "SR")
        assert sr["content_type"] == "iso"


def _refs_in(value: object, t) -> list[str]:
    if t.kind == "ref":
        return [value]
    if t.kind == "set" and t.item.kind == "ref":
        return list(value)
    return []


def test_no_dangling_references(demo):
    for cls, table in demo.tables.items():
        ref_fields = [(name, f.type) for name, f in MODEL[cls].fields.items()
                      if (f.type.kind == "ref" or (f.type.kind == "set" and f.type.item.kind == "ref"))]
        for ref, rec in table.items():
            for name, t in ref_fields:
                target = t.name if t.kind == "ref" else t.item.name
                if target not in MODEL or target in ("session", "task"):
                    continue
                for value in _refs_in(rec[name], t):
                    if target == "role":  # built in, outside the database
                        assert value in rbac.roles().records, (cls, ref, name)
                    else:
                        assert value == NULL_REF or value in demo.tables[target], (cls, ref, name)


def test_relation_sets_match_their_one_side(demo):
    for (cls, field), (target_cls, set_field) in RELATIONS.items():
        expected: dict[str, set[str]] = {ref: set() for ref in demo.all(target_cls)}
        for ref, rec in demo.all(cls).items():
            for target in rec[field] if isinstance(rec[field], list) else [rec[field]]:
                if target in expected:
                    expected[target].add(ref)
        for target, refs in expected.items():
            have = demo.get(target, target_cls)[set_field]
            assert len(have) == len(set(have)) and set(have) == refs, (target_cls, set_field)


def test_memory_of_running_vms_fits_their_hosts(demo):
    for ref, host in demo.all("host").items():
        metrics = demo.get(host["metrics"], "host_metrics")
        used = sum(v["memory_static_max"] for v in demo.all("VM").values() if v["resident_on"] == ref)
        assert used + host["memory_overhead"] <= metrics["memory_total"]
        assert 0 <= metrics["memory_free"] <= metrics["memory_total"] - used


def test_snapshot_trees(demo):
    vms = demo.all("VM")
    snaps = snapshots(demo)
    assert snaps
    for snap in snaps.values():
        source = vms[snap["snapshot_of"]]
        assert snap["is_a_template"] and not source["is_a_snapshot"]
        assert snap["resident_on"] == NULL_REF and snap["snapshot_time"] < now()
        assert type(snap["snapshot_time"]) is DateTime
        assert snap["snapshot_info"] == {"power-state-at-snapshot": source["power_state"],
                                         "disk-snapshot-type": "crash_consistent"}
        assert snap["parent"] == NULL_REF or vms[snap["parent"]]["snapshot_of"] == snap["snapshot_of"]
        assert demo.find(snap["metrics"], "VM_metrics") is not None
        source_disks = {demo.get(b, "VBD")["VDI"] for b in source["VBDs"]}
        for vbd in snap["VBDs"]:
            rec = demo.get(vbd, "VBD")
            if rec["type"] == "Disk":
                vdi = demo.get(rec["VDI"], "VDI")
                assert vdi["is_a_snapshot"] and vdi["snapshot_of"] in source_disks
                assert vdi["snapshot_time"] == snap["snapshot_time"]
        macs = sorted(demo.get(v, "VIF")["MAC"] for v in snap["VIFs"])
        assert macs == sorted(demo.get(v, "VIF")["MAC"] for v in source["VIFs"])
    for vm in real_vms(demo).values():
        if vm["snapshots"]:
            assert vm["parent"] in vm["snapshots"]  # the VM hangs under its newest state
            roots = [s for s in vm["snapshots"] if vms[s]["parent"] == NULL_REF]
            assert len(roots) == 1
    checkpoints = [s for s in snaps.values() if s["power_state"] == "Suspended"]
    assert checkpoints
    assert all(demo.get(c["suspend_VDI"], "VDI")["type"] == "suspend" for c in checkpoints)
    branching = [s for s in snaps.values() if len(s["children"]) == 2]
    assert branching  # a VM reverted to an older snapshot then snapshotted again


def test_reproducible_by_seed():
    def names_and_macs(db: Database) -> list[tuple[str, ...]]:
        return sorted([(v["name_label"], v["power_state"]) for v in db.all("VM").values()]
                      + [(v["MAC"],) for v in db.all("VIF").values()])

    assert names_and_macs(generate_pool(2, 30, seed=7)) == names_and_macs(generate_pool(2, 30, seed=7))
    assert names_and_macs(generate_pool(2, 30, seed=7)) != names_and_macs(generate_pool(2, 30, seed=8))


@pytest.mark.parametrize(("hosts", "vms"), [(1, 0), (1, 1), (3, 7)])
def test_small_pools(hosts, vms):
    db = generate_pool(hosts, vms)
    assert len(db.all("host")) == hosts and len(real_vms(db)) == vms


@pytest.mark.slow
def test_a_big_pool_generates_in_seconds():
    start = time.process_time()  # CPU time: other processes on the machine do not count
    db = generate_pool(64, 5000)
    elapsed = time.process_time() - start
    total = sum(len(t) for t in db.tables.values())
    assert 45_000 <= total <= 60_000
    assert len(real_vms(db)) == 5000
    assert elapsed < 8, f"generate_pool(64, 5000) took {elapsed:.1f} s of CPU"
    for host in db.all("host").values():
        assert db.get(host["metrics"], "host_metrics")["memory_free"] >= 0
    for sr in db.all("SR").values():
        if sr["content_type"] != "iso":
            assert sr["physical_utilisation"] <= sr["physical_size"]
