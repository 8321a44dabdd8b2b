"""The shell's pages against a simulated pool: Search (objects below, words, saved searches,
columns kept), the Memory, Networking and Storage pages of servers and pools, and Users (RBAC
subjects and roles: add, change the role of, remove)."""

from __future__ import annotations

import pytest
from PyQt6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton

from tests.gui.fixtures import (  # noqa: F401 (app_fixture, loop_fixture: fixtures)
    App,
    app_fixture,
    click,
    loop_fixture,
    user_vms,
    vm,
    wait_dialog,
)
from xapiman.gui.dialogs import ConfirmDialog, FormDialog
from xapiman.gui.searchpage.model import KeyRole
from xapiman.gui.tabs.search import COLUMNS_KEY, SAVED_KEY
from xapiman.sim.synth import generate_pool
from xapiman.sim.testing import running_pool

pytestmark = pytest.mark.gui

WAIT = 15_000


@pytest.fixture
def pool():
    with running_pool(hosts=2, vms=8, tls=True, speed=0,
                      db=generate_pool(2, 8, name="Pages pool")) as p:
        yield p


def open_tab(app: App, ref: str, title: str):
    app.select(ref)
    assert app.window.show_tab(title), app.window.tab_titles()
    page = app.window.tabs.currentWidget()
    app.qtbot.waitUntil(lambda: not page.dirty, timeout=WAIT)
    return page


def names_in(page) -> list[str]:
    model = page.model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_the_search_page_lists_filters_saves_and_opens(app: App, pool, qtbot) -> None:
    app.connect(pool)
    page = open_tab(app, "", "Search")
    db = pool.db
    vms = {v["name_label"] for v in db.all("VM").values() if not v["is_a_template"]
           and not v["is_control_domain"] and not v["is_a_snapshot"]}
    custom = {v["name_label"] for v in db.all("VM").values() if v["is_a_template"]
              and not v["is_default_template"] and not v["is_a_snapshot"]}
    hosts = {h["name_label"] for h in db.all("host").values()}
    shown = set(names_in(page))
    assert vms | hosts | custom <= shown
    assert "Local storage (xcp-host-01)" in shown  # twins told apart
    assert page.count.text() == f"{len(shown)} objects"
    # words narrow the list
    running = user_vms(pool, "Running")[0]
    name = vm(pool, running)["name_label"]
    page.findChild(QLineEdit, "searchWords").setText(name)
    assert names_in(page) == [name]
    # a built-in saved search, then one of the user's, kept in the settings
    page.findChild(QLineEdit, "searchWords").setText("")
    box = page.findChild(QComboBox, "savedSearches")
    box.setCurrentIndex(box.findText("Running VMs"))
    box.activated.emit(box.currentIndex())
    assert set(names_in(page)) == {vm(pool, r)["name_label"] for r in user_vms(pool, "Running")}
    assert not page.findChild(QPushButton, "deleteSearch").isEnabled()
    page.findChild(QLineEdit, "searchWords").setText("prod")
    assert page.save_search("Production running") == "Production running"
    saved = app.window.settings.get(SAVED_KEY)
    assert saved == [{"name": "Production running",
                      "query": {"text": "prod", "kinds": ["vm"], "states": ["Running"]}}]
    assert box.currentText() == "Production running"
    assert all("prod" in n for n in names_in(page))
    click(qtbot, page.findChild(QPushButton, "deleteSearch"))
    assert app.window.settings.get(SAVED_KEY) == []
    # columns: shown or hidden, kept for the next time
    cpu = next(i for i, c in enumerate(page.columns) if c.key == "cpu")
    page.set_column_shown("cpu", False)
    assert page.table.isColumnHidden(cpu)
    page.set_column_shown("tags", True)
    assert "tags" in app.window.settings.get(COLUMNS_KEY) and \
        "cpu" not in app.window.settings.get(COLUMNS_KEY)
    # double-click goes to the object
    box.setCurrentIndex(0)
    box.activated.emit(0)
    row = next(r for r in range(page.sorted.rowCount())
               if page.sorted.index(r, 0).data(KeyRole)[1] == running)
    page.table.doubleClicked.emit(page.sorted.index(row, 0))
    assert app.selected_keys() == [("lab", "vm", running)]


def test_a_server_search_lists_its_vms_and_its_own_storage(app: App, pool, qtbot) -> None:
    app.connect(pool)
    host = next(iter(pool.db.all("host")))
    page = open_tab(app, host, "Search")
    resident = {v["name_label"] for r, v in pool.db.all("VM").items()
                if v["resident_on"] == host and not v["is_control_domain"]}
    shown = set(names_in(page))
    assert resident <= shown
    assert not any(n.startswith("NFS") for n in shown)  # shared storage is the pool's


def test_memory_pages(app: App, pool, qtbot) -> None:
    app.connect(pool)
    host = next(iter(pool.db.all("host")))
    page = open_tab(app, host, "Memory")
    values = page.form.values(pool.db.get(host, "host")["name_label"])
    total = pool.db.get(pool.db.get(host, "host")["metrics"], "host_metrics")["memory_total"]
    assert values["In use"].endswith(f"of {total // 1024**3} GiB ({values['In use'].split('(')[1]}")
    resident = {v["name_label"] for v in pool.db.all("VM").values()
                if v["resident_on"] == host and not v["is_control_domain"]}
    assert {t[0] for t in page.vms.row_texts().values()} == resident
    page = open_tab(app, "", "Memory")
    assert set(page.form.values()) >= {"In use", "Free", "Control domain"}
    for host_record in pool.db.all("host").values():  # a section per server
        assert page.form.values(host_record["name_label"])["In use"]
    listed = {t[0] for t in page.vms.row_texts().values()}
    assert resident <= listed


def test_networking_and_storage_pages(app: App, pool, qtbot) -> None:
    app.connect(pool)
    host = next(iter(pool.db.all("host")))
    page = open_tab(app, host, "Networking")
    rows = page.list.row_texts()
    assert any(t[2] == "eth0" for t in rows.values())
    assert not any("internal management" in t[0] for t in rows.values())
    page = open_tab(app, "", "Networking")
    eth0 = next(t for t in page.list.row_texts().values() if "eth0" in t[0])
    assert eth0[2] == "eth0 on 2 servers"
    page = open_tab(app, "", "Storage")
    rows = page.list.row_texts()
    default = pool.db.get(next(iter(pool.db.all("pool"))), "pool")["default_SR"]
    assert rows[default][7] == "Default"
    assert {t[0] for t in rows.values()} >= {"Local storage (xcp-host-01)",
                                               "Local storage (xcp-host-02)"}


def test_users_are_added_given_a_role_and_removed(app: App, pool, qtbot) -> None:
    app.connect(pool)
    page = open_tab(app, "", "Users")
    qtbot.waitUntil(lambda: "Loading…" not in str(page.list.row_texts()), timeout=WAIT)
    rows = page.list.row_texts()
    assert rows["local-root"][2] == "Pool Admin"
    bob = next(k for k, t in rows.items() if t[0].startswith("CORP\\bob"))
    assert rows[bob][2] == "VM Operator"
    # add dave as VM Admin through the form
    click(qtbot, page.actions_row.buttons["subject.add"])
    form = wait_dialog(qtbot, FormDialog)
    form.findChild(QLineEdit, "field_name").setText("dave")
    role = form.findChild(QComboBox, "field_role")
    role.setCurrentIndex(role.findText("VM Admin"))
    click(qtbot, form.ok_button)
    qtbot.waitUntil(lambda: any(t[0].startswith("CORP\\dave") and t[2] == "VM Admin"
                                for t in page.list.row_texts().values()), timeout=WAIT)
    dave = next(k for k, t in page.list.row_texts().items() if t[0].startswith("CORP\\dave"))
    assert pool.db.get(dave, "subject")["other_config"]["subject-name"] == "CORP\\dave"
    # change his role
    page.list.items[dave].setSelected(True)
    click(qtbot, page.actions_row.buttons["subject.role"])
    form = wait_dialog(qtbot, FormDialog)
    role = form.findChild(QComboBox, "field_role")
    role.setCurrentIndex(role.findText("Read Only"))
    click(qtbot, form.ok_button)
    qtbot.waitUntil(lambda: page.list.row_texts()[dave][2] == "Read Only", timeout=WAIT)
    # remove him, after a question naming him
    page.list.clearSelection()
    page.list.items[dave].setSelected(True)
    click(qtbot, page.actions_row.buttons["subject.remove"])
    question = wait_dialog(qtbot, ConfirmDialog)
    assert "'CORP\\dave'" in question.findChild(QLabel, "confirm_text").text()
    assert question.danger
    click(qtbot, question.ok_button)
    qtbot.waitUntil(lambda: dave not in page.list.row_texts(), timeout=WAIT)
    assert dave not in pool.db.all("subject")
    # the local root account cannot be removed
    page.list.clearSelection()
    page.list.items["local-root"].setSelected(True)
    assert not page.actions_row.buttons["subject.remove"].isEnabled()


def test_an_unknown_user_is_named_and_nothing_is_added(app: App, pool, qtbot) -> None:
    app.connect(pool)
    page = open_tab(app, "", "Users")
    before = set(pool.db.all("subject"))
    click(qtbot, page.actions_row.buttons["subject.add"])
    form = wait_dialog(qtbot, FormDialog)
    form.findChild(QLineEdit, "field_name").setText("mallory")
    click(qtbot, form.ok_button)
    qtbot.waitUntil(lambda: "no user or group named 'mallory'" in
                    app.window.banner.label.text(), timeout=WAIT)
    assert set(pool.db.all("subject")) == before


@pytest.fixture
def lonely():
    db = generate_pool(1, 2, name="")
    for host in db.all("host"):
        db.update(host, external_auth_type="", external_auth_service_name="")
    with running_pool(hosts=1, vms=2, tls=True, speed=0, db=db) as p:
        yield p


def test_without_a_directory_users_says_how_to_get_one(app: App, lonely, qtbot) -> None:
    app.connect(lonely)
    page = open_tab(app, "", "Users")  # a standalone server has the Users page too
    assert "has not joined a directory" in page.summary.text()
    add = page.actions_row.buttons["subject.add"]
    assert not add.isEnabled() and "Active Directory" in add.toolTip()
    host = next(iter(lonely.db.all("host")))
    assert app.window.targets()[0].ref == host
