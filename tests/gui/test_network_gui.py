"""Networks in the app, driven through its widgets against the simulator: the New Network
wizard (a bond of two NICs in LACP, checked page by page), the host's NICs page (bond
membership, the management interface, the IP of a secondary NIC), and a VM's interfaces
(add one to a running VM, remove it after a confirmation). The server's records are checked
after each; the wizard's pages and the NICs page are saved as pictures
(artifacts/network-*.png)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PyQt6.QtWidgets import QComboBox, QLabel, QLineEdit, QWizard

from tests.gui.fixtures import (  # noqa: F401
    app_fixture,
    click,
    loop_fixture,
    open_dialogs,
    wait_dialog,
)
from xapiman.gui.dialogs import ConfirmDialog, FormDialog
from xapiman.gui.screenshot import save_screenshot
from xapiman.gui.wizards.new_network import NewNetworkWizard
from xapiman.sim.testing import RunningPool, running_pool

WAIT = 15_000
pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def pool() -> Iterator[RunningPool]:
    with running_pool(hosts=2, vms=6, tls=True) as p:
        yield p


def shoot(widget, artifacts_dir, name: str) -> None:
    save_screenshot(widget, artifacts_dir / f"network-{name}.png")


def next_page(qtbot, wizard) -> None:
    wizard.review_now()  # what the user typed is checked once they pause
    click(qtbot, wizard.button(QWizard.WizardButton.NextButton))


def choose(form: FormDialog, key: str, value: object) -> None:
    """Pick the option of a form's choice whose value is `value`."""
    combo = form.inputs[key]
    assert isinstance(combo, QComboBox)
    field = next(f for f in form.form.fields if f.key == key)
    combo.setCurrentIndex(next(i for i, c in enumerate(field.choices) if c.value == value))


def first_host(db) -> str:
    return min(db.all("host"), key=lambda h: db.get(h, "host")["name_label"])


def test_new_bonded_network(app, pool, artifacts_dir) -> None:
    qtbot, db = app.qtbot, pool.db
    app.connect(pool)
    host = first_host(db)
    app.select(host)
    app.wait_enabled("network.new")
    app.action("network.new").trigger()
    wizard = wait_dialog(qtbot, NewNetworkWizard)
    assert isinstance(wizard, NewNetworkWizard)
    wizard.resize(820, 560)
    page = wizard.currentPage()
    page.radios["bond"].setChecked(True)
    shoot(wizard, artifacts_dir, "new-1-type")
    next_page(qtbot, wizard)
    page = wizard.currentPage()
    qtbot.keyClicks(page.name, "Bonded uplink")
    shoot(wizard, artifacts_dir, "new-2-name")
    next_page(qtbot, wizard)
    page = wizard.currentPage()
    assert page.objectName() == "page_interface"
    page.check_nics("eth2")
    wizard.review_now()
    assert not page.isComplete() and "two to four NICs" in page.problems.text()
    page.check_nics("eth2", "eth3")
    page.mode.setCurrentIndex(page.mode.findData("lacp"))
    page.mtu.setValue(9000)
    wizard.review_now()
    assert page.isComplete() and "switch" in page.problems.text()  # LACP's warning
    assert page.hashing.isVisible()
    shoot(wizard, artifacts_dir, "new-3-interface")
    next_page(qtbot, wizard)
    shoot(wizard, artifacts_dir, "new-4-summary")
    click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
    app.wait_task("New network 'Bonded uplink'", timeout=30_000)
    net = next(r for r, n in db.all("network").items() if n["name_label"] == "Bonded uplink")
    qtbot.waitUntil(lambda: app.selected_keys() == [("lab", "network", net)], timeout=WAIT)
    assert db.get(net, "network")["MTU"] == 9000
    bonds = list(db.all("Bond").values())
    assert len(bonds) == len(db.all("host")) and {b["mode"] for b in bonds} == {"lacp"}
    # the host's NICs page shows the bond and its members, and the management interface
    app.select(host)
    assert app.window.show_tab("NICs")
    nics = app.window.tabs.currentWidget()
    qtbot.waitUntil(lambda: any(t[0] == "bond0" for t in nics.list.row_texts().values()),
                    timeout=WAIT)
    rows = {t[0]: t for t in nics.list.row_texts().values()}
    assert rows["eth2"][5] == "in bond0" and rows["bond0"][5] == "eth2 + eth3 (lacp)"
    assert rows["eth2"][2] == "Connected"
    assert rows["bond0"][3] == "20 Gbit/s"
    assert "Management interface: eth0" in nics.summary.text()
    save_screenshot(app.window, artifacts_dir / "network-host-nics.png")


def test_configure_a_secondary_nic(app, pool) -> None:
    qtbot, db = app.qtbot, pool.db
    app.connect(pool)
    host = first_host(db)
    app.select(host)
    assert app.window.show_tab("NICs")
    page = app.window.tabs.currentWidget()
    eth1 = next(r for r, p in db.all("PIF").items()
                if p["host"] == host and p["device"] == "eth1" and p["VLAN"] == -1)
    management = next(r for r, p in db.all("PIF").items() if p["host"] == host
                      and p["management"])
    qtbot.waitUntil(lambda: eth1 in page.list.items, timeout=WAIT)
    button = page.actions_row.buttons["pif.configure_ip"]
    page.list.items[management].setSelected(True)
    qtbot.waitUntil(lambda: not button.isEnabled(), timeout=WAIT)
    assert "management interface" in button.toolTip()
    page.list.clearSelection()
    page.list.items[eth1].setSelected(True)
    qtbot.waitUntil(button.isEnabled, timeout=WAIT)
    click(qtbot, button)
    form = wait_dialog(qtbot, FormDialog)
    mode = form.inputs["mode"]
    assert isinstance(mode, QComboBox)
    choose(form, "mode", "Static")
    for key, value in (("ip", "10.9.0.5"), ("netmask", "255.255.0.0")):
        edit = form.inputs[key]
        assert isinstance(edit, QLineEdit)
        edit.selectAll()
        qtbot.keyClicks(edit, value)
    click(qtbot, form.ok_button)
    qtbot.waitUntil(lambda: db.get(eth1, "PIF")["IP"] == "10.9.0.5", timeout=WAIT)
    assert db.get(eth1, "PIF")["netmask"] == "255.255.0.0"
    qtbot.waitUntil(lambda: page.list.row_texts()[eth1][6] == "10.9.0.5/16", timeout=WAIT)


@pytest.mark.changes_pool
def test_vm_interfaces_add_and_remove(app, pool, artifacts_dir) -> None:
    qtbot, db = app.qtbot, pool.db
    vm = next(r for r, v in sorted(db.all("VM").items(), key=lambda kv: kv[1]["name_label"])
              if v["power_state"] == "Running" and not v["is_control_domain"]
              and v["guest_metrics"] != "OpaqueRef:NULL")
    before = set(db.get(vm, "VM")["VIFs"])
    app.connect(pool)
    app.select(vm)
    assert app.window.show_tab("Networking")
    page = app.window.tabs.currentWidget()
    buttons = page.actions_row.buttons
    qtbot.waitUntil(buttons["vif.add"].isEnabled, timeout=WAIT)
    click(qtbot, buttons["vif.add"])
    form = wait_dialog(qtbot, FormDialog)
    network = form.inputs["network"]
    assert isinstance(network, QComboBox)
    dmz = next(r for r, n in db.all("network").items() if n["name_label"] == "DMZ (VLAN 100)")
    choose(form, "network", dmz)
    rate = form.inputs["rate"]
    assert isinstance(rate, QLineEdit)
    qtbot.keyClicks(rate, "1024")
    click(qtbot, form.ok_button)
    qtbot.waitUntil(lambda: len(set(db.get(vm, "VM")["VIFs"]) - before) == 1, timeout=WAIT)
    added = next(iter(set(db.get(vm, "VM")["VIFs"]) - before))
    qtbot.waitUntil(lambda: db.get(added, "VIF")["currently_attached"], timeout=WAIT)
    assert db.get(added, "VIF")["network"] == dmz
    assert db.get(added, "VIF")["qos_algorithm_params"] == {"kbps": "1024"}
    qtbot.waitUntil(lambda: added in page.list.items, timeout=WAIT)
    qtbot.waitUntil(lambda: page.list.row_texts()[added][6] == "1024 KiB/s", timeout=WAIT)
    page.list.items[added].setSelected(True)
    qtbot.waitUntil(buttons["vif.remove"].isEnabled, timeout=WAIT)
    save_screenshot(app.window, artifacts_dir / "network-vm-interfaces.png")
    click(qtbot, buttons["vif.remove"])
    question = wait_dialog(qtbot, ConfirmDialog)
    assert question.danger
    click(qtbot, question.ok_button)
    qtbot.waitUntil(lambda: db.find(added, "VIF") is None, timeout=WAIT)


def run_wizard(app, kind: str, name: str, artifacts_dir, fill) -> None:
    """The New Network wizard from the pool's row, page by page, with pictures."""
    qtbot = app.qtbot
    app.select("")
    app.wait_enabled("network.new")
    app.action("network.new").trigger()
    wizard = wait_dialog(qtbot, NewNetworkWizard)
    assert isinstance(wizard, NewNetworkWizard)
    wizard.resize(820, 560)
    wizard.currentPage().radios[kind].setChecked(True)
    shoot(wizard, artifacts_dir, f"new-1-type-{kind}")
    next_page(qtbot, wizard)
    page = wizard.currentPage()
    page.name.selectAll()
    qtbot.keyClicks(page.name, name)
    next_page(qtbot, wizard)
    page = wizard.currentPage()
    assert page.objectName() == "page_interface"
    fill(page)
    wizard.review_now()
    assert page.isComplete(), page.problems.text()
    shoot(wizard, artifacts_dir, f"new-3-interface-{kind}")
    next_page(qtbot, wizard)
    shoot(wizard, artifacts_dir, f"new-4-summary-{kind}")
    click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
    app.wait_task(f"New network '{name}'", timeout=30_000)


def network_named(db, name: str) -> str:
    found = [r for r, n in db.all("network").items() if n["name_label"] == name]
    assert len(found) == 1, (name, found)
    return found[0]


def test_vlan_and_private_networks_and_deleting_them(app, pool, artifacts_dir) -> None:
    qtbot, db = app.qtbot, pool.db
    app.connect(pool)

    def vlan(page) -> None:
        page.nic.setCurrentIndex(page.nic.findData("eth1"))
        page.vlan.setValue(42)
        assert page.vlan.isVisible() and not page.nics.isVisible()

    run_wizard(app, "external", "Backup VLAN 42", artifacts_dir, vlan)
    net = network_named(db, "Backup VLAN 42")
    pifs = [db.get(p, "PIF") for p in db.get(net, "network")["PIFs"]]
    assert sorted((p["device"], p["VLAN"]) for p in pifs) == [("eth1", 42)] * len(db.all("host"))
    assert all(p["currently_attached"] for p in pifs)

    def private(page) -> None:
        assert not page.nic.isVisible() and not page.nics.isVisible() and page.mtu.isVisible()

    run_wizard(app, "internal", "Lab private", artifacts_dir, private)
    lab = network_named(db, "Lab private")
    assert db.get(lab, "network")["PIFs"] == []
    # a network VMs use cannot go, and says which VMs
    dmz = network_named(db, "DMZ (VLAN 100)")
    users = sorted({db.get(v["VM"], "VM")["name_label"] for v in db.all("VIF").values()
                    if v["network"] == dmz})
    app.select(dmz)
    qtbot.waitUntil(lambda: "VMs use it" in app.action("network.delete").toolTip(), timeout=WAIT)
    assert not app.action("network.delete").isEnabled()
    assert all(name in app.action("network.delete").toolTip() for name in users)
    # one no VM uses: asked first, naming the interfaces that go with it
    qtbot.waitUntil(lambda: app.row(net).isValid(), timeout=WAIT)
    app.select(net)
    app.wait_enabled("network.delete")
    app.action("network.delete").trigger()
    question = wait_dialog(qtbot, ConfirmDialog)
    assert question.danger
    text = " ".join(label.text() for label in question.findChildren(QLabel))
    assert "'Backup VLAN 42'" in text and "eth1 VLAN 42 on" in text
    save_screenshot(question, artifacts_dir / "network-delete-question.png")
    question.reject()
    qtbot.waitUntil(lambda: not open_dialogs(ConfirmDialog), timeout=WAIT)
    assert db.find(net, "network") is not None
    app.action("network.delete").trigger()
    question = wait_dialog(qtbot, ConfirmDialog)
    click(qtbot, question.ok_button)
    app.wait_task("Delete network 'Backup VLAN 42'")
    assert db.find(net, "network") is None
    assert not [p for p in db.all("PIF").values() if p["VLAN"] == 42]


def running_vm(db, *, tools: bool) -> str:
    return next(r for r, v in sorted(db.all("VM").items(), key=lambda kv: kv[1]["name_label"])
                if v["power_state"] == "Running" and not v["is_control_domain"]
                and (v["guest_metrics"] != "OpaqueRef:NULL") == tools)


@pytest.mark.changes_pool
def test_change_an_interface_and_a_guest_that_cannot_hotplug(app, pool, artifacts_dir) -> None:
    qtbot, db = app.qtbot, pool.db
    vm = running_vm(db, tools=True)
    vif = next(v for v in db.get(vm, "VM")["VIFs"] if db.get(v, "VIF")["currently_attached"])
    other = next(r for r, n in sorted(db.all("network").items(),
                                      key=lambda kv: kv[1]["name_label"])
                 if r != db.get(vif, "VIF")["network"] and n["PIFs"]
                 and not n["other_config"].get("is_host_internal_management_network"))
    app.connect(pool)
    app.select(vm)
    assert app.window.show_tab("Networking")
    page = app.window.tabs.currentWidget()
    buttons = page.actions_row.buttons
    qtbot.waitUntil(lambda: vif in page.list.items, timeout=WAIT)
    page.list.items[vif].setSelected(True)
    qtbot.waitUntil(buttons["vif.properties"].isEnabled, timeout=WAIT)
    click(qtbot, buttons["vif.properties"])
    form = wait_dialog(qtbot, FormDialog)
    choose(form, "network", other)
    rate = form.inputs["rate"]
    assert isinstance(rate, QLineEdit)
    rate.selectAll()
    qtbot.keyClicks(rate, "512")
    save_screenshot(form, artifacts_dir / "network-interface-properties.png")
    click(qtbot, form.ok_button)
    app.wait_task("Change interface")
    rec = db.get(vif, "VIF")
    assert rec["network"] == other and rec["currently_attached"]  # moved live
    assert (rec["qos_algorithm_type"], rec["qos_algorithm_params"]) == ("ratelimit",
                                                                       {"kbps": "512"})
    # a guest that says it cannot take a new interface while running: added, with the reason
    metrics = db.get(vm, "VM")["guest_metrics"]
    db.update(metrics, can_use_hotplug_vif="no")
    before = set(db.get(vm, "VM")["VIFs"])
    qtbot.waitUntil(buttons["vif.add"].isEnabled, timeout=WAIT)
    click(qtbot, buttons["vif.add"])
    form = wait_dialog(qtbot, FormDialog)
    choose(form, "network", other)
    click(qtbot, form.ok_button)
    entry = app.wait_task("Add an interface to")
    added = next(iter(set(db.get(vm, "VM")["VIFs"]) - before))
    assert db.get(added, "VIF")["currently_attached"] is False
    said = app.task_row_text(entry)
    assert "next start" in said and "does not support VIF hotplug" in said, said


@pytest.mark.changes_pool
def test_a_halted_vms_interface_gets_a_new_mac(app, pool) -> None:
    qtbot, db = app.qtbot, pool.db
    vm = next(r for r, v in sorted(db.all("VM").items(), key=lambda kv: kv[1]["name_label"])
              if v["power_state"] == "Halted" and not v["is_a_template"]
              and not v["is_control_domain"] and not v["is_a_snapshot"] and v["VIFs"])
    vif = db.get(vm, "VM")["VIFs"][0]
    device = db.get(vif, "VIF")["device"]
    app.connect(pool)
    app.select(vm)
    assert app.window.show_tab("Networking")
    page = app.window.tabs.currentWidget()
    button = page.actions_row.buttons["vif.properties"]
    qtbot.waitUntil(lambda: vif in page.list.items, timeout=WAIT)
    page.list.items[vif].setSelected(True)
    qtbot.waitUntil(button.isEnabled, timeout=WAIT)
    click(qtbot, button)
    form = wait_dialog(qtbot, FormDialog)
    mac = form.inputs["mac"]
    assert isinstance(mac, QLineEdit)
    mac.selectAll()
    qtbot.keyClicks(mac, "02:16:3E:AB:CD:EF")
    click(qtbot, form.ok_button)
    app.wait_task("Change interface")
    (now,) = [v for v in db.get(vm, "VM")["VIFs"] if db.get(v, "VIF")["device"] == device]
    assert db.get(now, "VIF")["MAC"] == "02:16:3e:ab:cd:ef"
