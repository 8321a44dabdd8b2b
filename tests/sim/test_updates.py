"""Updates: pool_update introduced from an uploaded ISO, precheck, apply host by host or on the
pool, clean and destroy; the deprecated pool_patch forwarded to it, host_patch kept in step."""

from __future__ import annotations

import pytest
import XenAPI

from xapiman.sim.handlers.updates import patch_uuid


def failure(fn, *args) -> list[str]:
    with pytest.raises(XenAPI.Failure) as info:
        fn(*args)
    return info.value.details


def test_the_synthetic_updates_are_applied_everywhere(session):
    x = session.xenapi
    updates = x.pool_update.get_all_records()
    hosts = set(x.host.get_all())
    assert len(updates) == 2 and all(set(u["hosts"]) == hosts for u in updates.values())
    for ref, update in updates.items():
        [patch] = [p for p, r in x.pool_patch.get_all_records().items() if r["pool_update"] == ref]
        assert x.pool_patch.get_uuid(patch) == patch_uuid(update["uuid"])
        assert x.pool_patch.get_pool_applied(patch) is True
        assert len(x.pool_patch.get_host_patches(patch)) == len(hosts)
    assert failure(x.pool_update.pool_apply, ref) == ["UPDATE_ALREADY_APPLIED_IN_POOL", ref]
    assert failure(x.pool_update.destroy, ref) == ["UPDATE_IS_APPLIED"]


def upload(x) -> str:
    sr = x.SR.get_by_name_label("NFS virtual disk storage")[0]
    return x.VDI.create({"name_label": "XCP-ng-8.3-hotfix-7.iso", "SR": sr,
                         "virtual_size": str(64 * 1024**2), "type": "user", "sharable": False,
                         "read_only": False, "other_config": {}})


def test_an_update_goes_from_upload_to_every_host(session):
    x = session.xenapi
    vdi = upload(x)
    update = x.pool_update.introduce(vdi)
    assert x.pool_update.introduce(vdi) == update  # the same ISO again: the same update
    rec = x.pool_update.get_record(update)
    assert rec["name_label"] == "XCP-ng-8.3-hotfix-7" and rec["hosts"] == []
    patch = [p for p, r in x.pool_patch.get_all_records().items() if r["pool_update"] == update][0]
    hosts = x.host.get_all()
    assert x.pool_update.precheck(update, hosts[0]) == "ok"
    assert x.pool_patch.precheck(patch, hosts[0]) == ""
    x.pool_update.apply(update, hosts[0])
    assert failure(x.pool_update.apply, update, hosts[0]) == ["UPDATE_ALREADY_APPLIED", update]
    assert update in x.host.get_updates_requiring_reboot(hosts[0])
    assert x.pool_patch.get_pool_applied(patch) is False
    x.pool_update.pool_apply(update)
    assert sorted(x.pool_update.get_hosts(update)) == sorted(hosts)
    assert x.pool_patch.get_pool_applied(patch) is True
    x.pool_update.pool_clean(update)
    assert x.pool_update.get_vdi(update) == "OpaqueRef:NULL"
    assert failure(x.VDI.get_record, vdi)[0] == "HANDLE_INVALID"
    assert failure(x.pool_update.precheck, update, hosts[0]) == ["CANNOT_FIND_UPDATE"]


def test_an_unapplied_update_can_be_destroyed_with_its_patch(session):
    x = session.xenapi
    update = x.pool_update.introduce(upload(x))
    patch = [p for p, r in x.pool_patch.get_all_records().items() if r["pool_update"] == update][0]
    x.pool_patch.destroy(patch)
    assert failure(x.pool_update.get_record, update)[0] == "HANDLE_INVALID"
    assert failure(x.pool_patch.get_record, patch)[0] == "HANDLE_INVALID"
    host_patch = x.host_patch.get_all()[0]
    assert failure(x.host_patch.apply, host_patch) == ["MESSAGE_DEPRECATED"]
