"""The resource tree model against a real cache fed by a real simulator's events."""

from __future__ import annotations

import pytest
import XenAPI
from PyQt6.QtCore import QItemSelectionModel, Qt
from PyQt6.QtWidgets import QTreeView

from tests.gui.fixtures import attach_model_tester
from xapiman.gui.tree.layout import FOLDERS, OBJECTS, TAGS, TreeOptions, visible
from xapiman.gui.tree.model import KeyRole, ResourceTreeModel
from xapiman.sim.testing import running_pool
from xapiman.xapi.cache import ObjectCache


class Feed:
    """A cache kept up to date by hand from event.from, as the event watcher would."""

    def __init__(self, pool) -> None:
        self.session = XenAPI.Session(pool.url)
        self.session.xenapi.login_with_password(pool.user, pool.password)
        self.cache = ObjectCache()
        batch = self.session.xenapi.event_from(["*"], "", 5.0)
        self.token = batch["token"]
        self.first = self.cache.load(batch["events"])

    def pull(self):
        batch = self.session.xenapi.event_from(["*"], self.token, 5.0)
        self.token = batch["token"]
        return self.cache.apply(batch["events"])


@pytest.fixture
def feed():
    with running_pool(hosts=2, vms=20) as pool:
        yield pool, Feed(pool)


def rows(model, parent=None):
    from PyQt6.QtCore import QModelIndex

    parent = parent or QModelIndex()
    return [model.index(r, 0, parent) for r in range(model.rowCount(parent))]


def labels(model, parent=None):
    return [i.data() for i in rows(model, parent)]


def find_row(model, ref):
    index = model.find("c1", ref)
    assert index.isValid(), ref
    return index


def loaded_model(feed_obj, options=None):
    model = ResourceTreeModel(options)
    attach_model_tester(model)  # checks every change from the first one
    model.add_connection("c1", "lab", feed_obj.cache, "connected")
    model.apply("c1", feed_obj.first)
    return model


def test_infrastructure_view(feed, qtmodeltester):
    pool, f = feed
    model = loaded_model(f)
    qtmodeltester.check(model)
    [root] = rows(model)
    assert root.data() == "xapiman demo pool"
    children = labels(model, root)
    assert children[:2] == ["xcp-host-01", "xcp-host-02"]
    db = pool.db
    for ref, vm in db.all("VM").items():
        if vm["is_control_domain"] or vm["is_a_template"] or vm["is_a_snapshot"]:
            assert not model.find("c1", ref).isValid()
            continue
        parent = find_row(model, ref).parent()
        if vm["power_state"] in ("Running", "Paused"):
            assert parent.data() == db.get(vm["resident_on"])["name_label"]
        else:
            assert parent == root
    local = next(r for r, sr in db.all("SR").items() if sr["type"] == "ext")
    assert find_row(model, local).parent().data().startswith("xcp-host-")
    shared = next(r for r, sr in db.all("SR").items() if sr["type"] == "nfs")
    assert find_row(model, shared).parent() == root


def test_vm_starting_moves_under_its_host_and_keeps_the_selection(feed, qtbot, qtmodeltester):
    pool, f = feed
    model = loaded_model(f)
    view = QTreeView()
    qtbot.addWidget(view)
    view.setModel(model)
    db = pool.db
    halted = next(r for r, v in db.all("VM").items() if v["power_state"] == "Halted"
                  and not v["is_a_template"] and not v["is_control_domain"])
    host = next(iter(db.all("host")))
    host_index = find_row(model, host)
    view.expand(host_index)
    view.selectionModel().select(find_row(model, halted),
                                 QItemSelectionModel.SelectionFlag.ClearAndSelect)
    db.update(halted, power_state="Running", resident_on=host)
    change = f.pull()
    model.apply("c1", change)
    qtmodeltester.check(model)
    moved = find_row(model, halted)
    assert moved.parent().data() == db.get(host)["name_label"]
    assert view.selectionModel().isSelected(moved)
    assert view.isExpanded(find_row(model, host))


def test_a_move_qt_refuses_is_done_by_removing_and_inserting_the_rows(feed, qtbot,
                                                                     monkeypatch):
    """The model falls back to a remove and an insert when beginMoveRows says no."""
    pool, f = feed
    model = loaded_model(f)
    db = pool.db
    halted = next(r for r, v in db.all("VM").items() if v["power_state"] == "Halted"
                  and not v["is_a_template"] and not v["is_control_domain"])
    host = next(iter(db.all("host")))
    refused: list[tuple] = []

    def refuse(*args) -> bool:
        refused.append(args)
        return False

    monkeypatch.setattr(model, "beginMoveRows", refuse)
    db.update(halted, power_state="Running", resident_on=host)
    with qtbot.waitSignals([model.rowsRemoved, model.rowsInserted], timeout=1000):
        model.apply("c1", f.pull())
    assert refused
    moved = find_row(model, halted)
    assert moved.parent().data() == db.get(host)["name_label"]
    assert len(model._conns["c1"].placed[halted]) == 1


def test_rename_delete_and_add(feed, qtmodeltester):
    pool, f = feed
    model = loaded_model(f)
    db = pool.db
    vms = [r for r, v in db.all("VM").items() if v["power_state"] == "Halted"
           and not v["is_a_template"] and not v["is_control_domain"]]
    db.update(vms[0], name_label="aaa-first")
    db.destroy(vms[1])
    new = db.create("VM", {"name_label": "zzz-new", "power_state": "Halted"})
    model.apply("c1", f.pull())
    qtmodeltester.check(model)
    [root] = rows(model)
    names = labels(model, root)
    vm_names = [n for n in names if not n.startswith("xcp-host") and n not in
                ("NFS virtual disk storage", "ISO library", "XCP-ng Tools", "Local storage")]
    assert "aaa-first" in names and "zzz-new" in names
    assert not model.find("c1", vms[1]).isValid()
    assert model.find("c1", new).data(KeyRole) == ("c1", "vm", new)
    assert vm_names.index("aaa-first") < vm_names.index("zzz-new")


@pytest.mark.parametrize("view", [OBJECTS, FOLDERS, TAGS])
def test_other_views(feed, view, qtmodeltester):
    pool, f = feed
    model = loaded_model(f, TreeOptions(view=view))
    qtmodeltester.check(model)
    [root] = rows(model)
    groups = labels(model, root)
    db = pool.db
    if view == OBJECTS:
        assert {"Servers", "Virtual machines", "Storage", "Networks"} <= set(groups)
    elif view == TAGS:
        tags = {t for cls in ("VM", "host", "SR", "network") for v in db.all(cls).values()
                if visible(cls.lower(), v, TreeOptions()) for t in v["tags"]}
        assert set(groups) == tags and tags
        tagged = next(r for r, v in db.all("VM").items() if v["tags"] and not v["is_a_snapshot"])
        db.update(tagged, tags=["brand-new-tag"])
        model.apply("c1", f.pull())
        qtmodeltester.check(model)
        assert "brand-new-tag" in labels(model, root)
    else:
        folders = {v["other_config"]["folder"].split("/")[1] for cls in ("VM", "host", "SR",
                   "network") for v in db.all(cls).values()
                   if v["other_config"].get("folder") and visible(cls.lower(), v, TreeOptions())}
        assert set(groups) == folders and folders


def test_toggles_show_templates_and_snapshots(feed, qtmodeltester):
    pool, f = feed
    model = loaded_model(f)
    template = next(r for r, v in pool.db.all("VM").items() if v["is_default_template"])
    assert not model.find("c1", template).isValid()
    model.set_options(TreeOptions(show_default_templates=True, show_snapshots=True))
    qtmodeltester.check(model)
    assert model.find("c1", template).isValid()


def test_connection_states(qtmodeltester):
    model = ResourceTreeModel()
    qtmodeltester.check(model)
    model.add_connection("c9", "10.0.0.9", None, "connecting")
    assert rows(model)[0].data() == "10.0.0.9 (connecting…)"
    model.set_state("c9", "reconnecting", "timed out", 3)
    assert rows(model)[0].data() == "10.0.0.9 (reconnecting, attempt 3)"
    model.set_state("c9", "failed", "connection refused")
    assert rows(model)[0].data() == "10.0.0.9 (failed: connection refused)"
    assert rows(model)[0].data(Qt.ItemDataRole.DecorationRole) is not None
    model.remove_connection("c9")
    assert model.rowCount() == 0


def test_search_filter_through_the_proxy(feed, qtmodeltester):
    from xapiman.gui.search import ResourceFilter

    pool, f = feed
    model = ResourceTreeModel()
    proxy = ResourceFilter()
    proxy.setSourceModel(model)
    attach_model_tester(model)
    qtmodeltester.check(proxy)
    model.add_connection("c1", "lab", f.cache, "connecting")
    model.apply("c1", f.first)
    assert proxy.rowCount() == 1
    db = pool.db
    vm_ref, vm = next((r, v) for r, v in db.all("VM").items() if v["power_state"] == "Running"
                      and not v["is_control_domain"] and v["guest_metrics"] != "OpaqueRef:NULL")
    ip = db.get(vm["guest_metrics"])["networks"]["0/ip"]

    def visible_refs():
        out, stack = [], [proxy.index(0, 0)]
        while stack:
            index = stack.pop()
            key = index.data(KeyRole)
            if key and key[2]:
                out.append(key[2])
            stack.extend(proxy.index(r, 0, index) for r in range(proxy.rowCount(index)))
        return out

    for needle in (vm["name_label"], vm["uuid"][:13], ip):
        proxy.set_text(needle)
        assert vm_ref in visible_refs(), needle
    proxy.set_text("no-such-thing-anywhere")
    assert visible_refs() == []
    proxy.set_text("")
    db.update(vm_ref, name_label="renamed-while-filtered")
    model.apply("c1", f.pull())
    proxy.set_text("renamed-while")
    assert set(visible_refs()) - set(db.all("host")) == {vm_ref}  # with its host above it


def test_a_big_pool_is_placed_a_slice_at_a_time(feed, qtbot, qtmodeltester):
    pool, f = feed
    model = ResourceTreeModel(load_slice=5)
    qtmodeltester.check(model)
    model.add_connection("c1", "lab", f.cache, "connected")
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.apply("c1", f.first)
        assert model.rowCount(model.index(0, 0)) == 0  # nothing shown before all is placed
        vm = next(r for r, v in pool.db.all("VM").items() if v["power_state"] == "Halted"
                  and not v["is_a_template"] and not v["is_control_domain"])
        pool.db.update(vm, name_label="renamed-during-load")
        model.apply("c1", f.pull())  # arrives while loading: applied afterwards
    assert model.find("c1", vm).data() == "renamed-during-load"
    reference = loaded_model(f)
    assert labels(model, rows(model)[0]) == labels(reference, rows(reference)[0])


def test_a_standalone_host_is_shown_as_the_pool(shared_dir, qtmodeltester):
    from xapiman.sim.dbdump import load_dump

    db = load_dump(shared_dir / "data" / "xapi-dbs" / "state.db")  # pool '' with one host
    with running_pool(db=db) as pool:
        f = Feed(pool)
        model = loaded_model(f)
        qtmodeltester.check(model)
        [root] = rows(model)
        host = next(iter(pool.db.all("host").values()))
        assert root.data() == host["name_label"] == "janitor"
        children = labels(model, root)
        assert "janitor" not in children  # the host is the top row, not a child of it
        running = [v["name_label"] for v in pool.db.all("VM").values()
                   if v["power_state"] == "Running" and not v["is_control_domain"]]
        assert running and set(running) <= set(children)
