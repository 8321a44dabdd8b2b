"""The New SR wizard's location page: one panel per kind of storage, each probing the server
off the GUI thread (`sr_probe.Prober`) and saying what it answered, in words when it failed.

NFS lists the server's exports, then the SRs on the chosen export; iSCSI discovers the target's
IQNs, then its LUNs with their sizes and the SR on each; a local disk is checked for an SR.
When SRs are found the page offers to attach one (the default) or to make a new SR anyway.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xapiman.actions.common import ActionError
from xapiman.actions.sizes import format_size
from xapiman.actions.sr_plan import NFS_VERSIONS, SMB_VERSIONS, known_uuids
from xapiman.actions.sr_probe import Lun, Prober
from xapiman.gui.dialogs.confirm import DANGER_COLOUR, text_label
from xapiman.gui.wizards.new_sr import SrPage
from xapiman.i18n import translate
from xapiman.xapi.errors import XapiClientError, XapiError

LUN_ROLE = Qt.ItemDataRole.UserRole


def _version_combo(name: str, versions: tuple[str, ...], auto: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    for version in versions:
        combo.addItem(version or auto, version)
    return combo


def _row(*widgets: QWidget) -> QWidget:
    cell = QWidget()
    box = QHBoxLayout(cell)
    box.setContentsMargins(0, 0, 0, 0)
    for n, widget in enumerate(widgets):
        box.addWidget(widget, 1 if n == 0 else 0)
    return cell


def _button(text: str, name: str, slot: Callable[[], object]) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.clicked.connect(lambda _checked=False: slot())
    return button


class LocationPage(SrPage):
    key = "location"
    title_text = translate("NewSr", "Location")
    subtitle_text = translate("NewSr", "Where the SR lives. The server is asked what is there "
                                       "already before anything is made.")

    def build(self, layout: QVBoxLayout) -> None:
        self.panels: dict[str, QWidget] = {}
        for kind, make in (("nfs", self._nfs_panel), ("iscsi", self._iscsi_panel),
                           ("ext", self._local_panel), ("iso_nfs", self._iso_nfs_panel),
                           ("iso_smb", self._smb_panel)):
            panel = make()
            panel.setObjectName(f"panel_{kind}")
            panel.hide()  # only the kind's own panel shows (and takes room)
            self.panels[kind] = panel
            layout.addWidget(panel)
        self.panels["lvm"] = self.panels["ext"]
        self.status = text_label("", "probeStatus")
        layout.addWidget(self.status)
        self.choice = QComboBox()
        self.choice.setObjectName("srChoice")
        self.choice.currentIndexChanged.connect(self._choose)
        self.choice_row = QWidget()
        form = QFormLayout(self.choice_row)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(translate("NewSr", "What to do:"), self.choice)
        layout.addWidget(self.choice_row)
        self.busy = False
        self._task: asyncio.Future | None = None

    # -- panels ---------------------------------------------------------------------------------

    def _nfs_panel(self) -> QWidget:
        panel = QWidget()
        form = QFormLayout(panel)
        self.nfs_server = QLineEdit()
        self.nfs_server.setObjectName("nfsServer")
        self.nfs_server.setPlaceholderText("nas.example.com")
        self.nfs_server.textEdited.connect(self._edit)
        self.nfs_scan = _button(translate("NewSr", "Scan"), "nfsScan", self._scan_exports)
        form.addRow(translate("NewSr", "Server:"), _row(self.nfs_server, self.nfs_scan))
        self.nfs_path = QComboBox()
        self.nfs_path.setObjectName("nfsPath")
        self.nfs_path.setEditable(True)
        self.nfs_path.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.nfs_path.editTextChanged.connect(self._edit)
        self.nfs_path.activated.connect(lambda _i: self._check())
        self.nfs_check = _button(translate("NewSr", "Check"), "nfsCheck", self._check)
        form.addRow(translate("NewSr", "Export:"), _row(self.nfs_path, self.nfs_check))
        self.nfs_version = _version_combo("nfsVersion", NFS_VERSIONS,
                                          translate("NewSr", "Let the server choose"))
        self.nfs_version.currentIndexChanged.connect(self._edit)
        form.addRow(translate("NewSr", "NFS version:"), self.nfs_version)
        return panel

    def _iscsi_panel(self) -> QWidget:
        panel = QWidget()
        form = QFormLayout(panel)
        self.target = QLineEdit()
        self.target.setObjectName("iscsiTarget")
        self.target.setPlaceholderText("san.example.com")
        self.target.textEdited.connect(self._edit)
        self.port = QSpinBox()
        self.port.setObjectName("iscsiPort")
        self.port.setRange(1, 65535)
        self.port.valueChanged.connect(self._edit)
        form.addRow(translate("NewSr", "Target:"), _row(self.target, self.port))
        self.chap_user = QLineEdit()
        self.chap_user.setObjectName("chapUser")
        self.chap_user.setPlaceholderText(translate("NewSr", "none"))
        self.chap_user.textEdited.connect(self._edit)
        form.addRow(translate("NewSr", "CHAP user:"), self.chap_user)
        self.chap_secret = QLineEdit()
        self.chap_secret.setObjectName("chapSecret")
        self.chap_secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.chap_secret.textEdited.connect(self._edit)
        form.addRow(translate("NewSr", "CHAP secret:"), self.chap_secret)
        self.iqn = QComboBox()
        self.iqn.setObjectName("iscsiIqn")
        self.iqn.currentIndexChanged.connect(self._edit)
        self.discover = _button(translate("NewSr", "Discover IQNs"), "iscsiDiscover",
                                self._discover_iqns)
        form.addRow(translate("NewSr", "Target IQN:"), _row(self.iqn, self.discover))
        self.lun_button = _button(translate("NewSr", "Discover LUNs"), "iscsiLuns",
                                  self._discover_luns)
        form.addRow("", _row(QWidget(), self.lun_button))
        self.luns = QTreeWidget()
        self.luns.setObjectName("lunList")
        self.luns.setRootIsDecorated(False)
        self.luns.setHeaderLabels([translate("NewSr", "LUN"), translate("NewSr", "Size"),
                                   translate("NewSr", "Vendor"), translate("NewSr", "SCSI id"),
                                   translate("NewSr", "SR on it")])
        self.luns.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.luns.setMinimumHeight(110)
        self.luns.itemSelectionChanged.connect(self._lun_chosen)
        form.addRow(translate("NewSr", "LUNs:"), self.luns)
        return panel

    def _local_panel(self) -> QWidget:
        panel = QWidget()
        form = QFormLayout(panel)
        self.local_host = QComboBox()
        self.local_host.setObjectName("localHost")
        self.local_host.currentIndexChanged.connect(self._edit)
        form.addRow(translate("NewSr", "Server:"), self.local_host)
        self.device = QLineEdit()
        self.device.setObjectName("localDevice")
        self.device.setPlaceholderText("/dev/sdb")
        self.device.textEdited.connect(self._edit)
        self.local_check = _button(translate("NewSr", "Check"), "localCheck", self._check)
        form.addRow(translate("NewSr", "Disk:"), _row(self.device, self.local_check))
        return panel

    def _iso_nfs_panel(self) -> QWidget:
        panel = QWidget()
        form = QFormLayout(panel)
        self.iso_server = QLineEdit()
        self.iso_server.setObjectName("isoServer")
        self.iso_server.textEdited.connect(self._edit)
        form.addRow(translate("NewSr", "Server:"), self.iso_server)
        self.iso_path = QLineEdit()
        self.iso_path.setObjectName("isoPath")
        self.iso_path.setPlaceholderText("/export/iso")
        self.iso_path.textEdited.connect(self._edit)
        form.addRow(translate("NewSr", "Export:"), self.iso_path)
        self.iso_version = _version_combo("isoNfsVersion", NFS_VERSIONS,
                                          translate("NewSr", "Let the server choose"))
        self.iso_version.currentIndexChanged.connect(self._edit)
        form.addRow(translate("NewSr", "NFS version:"), self.iso_version)
        return panel

    def _smb_panel(self) -> QWidget:
        panel = QWidget()
        form = QFormLayout(panel)
        self.smb_server = QLineEdit()
        self.smb_server.setObjectName("smbServer")
        self.smb_server.textEdited.connect(self._edit)
        form.addRow(translate("NewSr", "Server:"), self.smb_server)
        self.smb_share = QLineEdit()
        self.smb_share.setObjectName("smbShare")
        self.smb_share.setPlaceholderText("isos")
        self.smb_share.textEdited.connect(self._edit)
        form.addRow(translate("NewSr", "Share:"), self.smb_share)
        self.smb_user = QLineEdit()
        self.smb_user.setObjectName("smbUser")
        self.smb_user.textEdited.connect(self._edit)
        form.addRow(translate("NewSr", "User:"), self.smb_user)
        self.smb_password = QLineEdit()
        self.smb_password.setObjectName("smbPassword")
        self.smb_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.smb_password.textEdited.connect(self._edit)
        form.addRow(translate("NewSr", "Password:"), self.smb_password)
        self.smb_version = _version_combo("smbVersion", SMB_VERSIONS, "")
        self.smb_version.currentIndexChanged.connect(self._edit)
        form.addRow(translate("NewSr", "SMB version:"), self.smb_version)
        return panel

    # -- showing the plan -------------------------------------------------------------------

    def load(self) -> None:
        plan = self.plan
        for panel in set(self.panels.values()):
            panel.setVisible(panel is self.panels[plan.kind])
        if plan.kind in ("nfs",):
            self.nfs_server.setText(plan.server)
            self.nfs_path.setEditText(plan.path)
            self.nfs_version.setCurrentIndex(max(self.nfs_version.findData(plan.nfs_version), 0))
        elif plan.kind == "iscsi":
            self.target.setText(plan.server)
            self.port.setValue(plan.port)
            self.chap_user.setText(plan.chap_user)
            self.chap_secret.setText(plan.chap_secret)
        elif plan.kind in ("ext", "lvm"):
            self.local_host.clear()
            hosts = sorted(self.cache.records("host").items(),
                           key=lambda kv: str(kv[1].get("name_label", "")))
            for ref, rec in hosts:
                self.local_host.addItem(str(rec.get("name_label", ref)), ref)
            index = self.local_host.findData(plan.host)
            self.local_host.setCurrentIndex(max(index, 0))
            if index < 0 and hosts:
                plan.host = hosts[0][0]
            self.device.setText(plan.device)
        elif plan.kind == "iso_nfs":
            self.iso_server.setText(plan.server)
            self.iso_path.setText(plan.path)
        elif plan.kind == "iso_smb":
            self.smb_server.setText(plan.server)
            self.smb_share.setText(plan.path)
            self.smb_user.setText(plan.username)
            self.smb_password.setText(plan.password)
        self._show_choice()

    def _edit(self, *_args: object) -> None:
        """The user changed a field: the plan follows; an earlier probe no longer counts."""
        if self._loading:
            return
        plan = self.plan
        kind = plan.kind
        if kind == "nfs":
            plan.server, plan.path = self.nfs_server.text(), self.nfs_path.currentText()
            plan.nfs_version = str(self.nfs_version.currentData() or "")
        elif kind == "iscsi":
            old = (plan.server, plan.port, plan.chap_user, plan.chap_secret)
            plan.server, plan.port = self.target.text(), self.port.value()
            plan.chap_user, plan.chap_secret = self.chap_user.text(), self.chap_secret.text()
            if old != (plan.server, plan.port, plan.chap_user, plan.chap_secret):
                self.iqn.clear()
                self.luns.clear()
            iqn = str(self.iqn.currentData() or "")
            if iqn != plan.iqn:
                self.luns.clear()
                plan.iqn, plan.scsi_id = iqn, ""
        elif kind in ("ext", "lvm"):
            plan.host = str(self.local_host.currentData() or plan.host)
            plan.device = self.device.text()
        elif kind == "iso_nfs":
            plan.server, plan.path = self.iso_server.text(), self.iso_path.text()
            plan.nfs_version = str(self.iso_version.currentData() or "")
        elif kind == "iso_smb":
            plan.server, plan.path = self.smb_server.text(), self.smb_share.text()
            plan.username, plan.password = self.smb_user.text(), self.smb_password.text()
            plan.smb_version = str(self.smb_version.currentData() or "3.0")
        if plan.probed and plan.probed != plan.location():
            plan.found, plan.attach, plan.probed = [], "", ""
            self.status.setText("")
            self._show_choice()
        self.changed()

    def _show_choice(self) -> None:
        plan = self.plan
        self.choice_row.setVisible(bool(plan.found))
        self.choice.blockSignals(True)
        self.choice.clear()
        known = known_uuids(self.cache)
        for uuid in plan.found:
            text = translate("NewSr", "Attach the SR {uuid}").format(uuid=uuid)
            if uuid in known:
                text += translate("NewSr", " (in this pool already)")
            self.choice.addItem(text, uuid)
        if plan.found:
            self.choice.addItem(translate("NewSr", "Make a new SR, erasing the one found") if
                                plan.kind in ("iscsi", "ext", "lvm") else
                                translate("NewSr", "Make a new SR beside them"), "")
        self.choice.setCurrentIndex(max(self.choice.findData(plan.attach), 0))
        self.choice.blockSignals(False)

    def _choose(self, _index: int) -> None:
        if self._loading or not self.plan.found:
            return
        self.plan.attach = str(self.choice.currentData() or "")
        self.changed()

    # -- probing ----------------------------------------------------------------------------

    def _prober(self) -> Prober:
        return Prober(self.owner.conn, self.plan.probe_host(self.cache))

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {DANGER_COLOUR};" if error else "")

    def _probe(self, what: str, work: Callable[[Prober], Any],
               done: Callable[[Any], None]) -> None:
        """Run `work` off the GUI thread; `done(result)` on success, the server's answer in
        words on failure."""
        if self.busy:
            return
        self.busy = True
        self._say(what)
        self._set_buttons(False)
        prober = self._prober()

        async def probe() -> None:
            try:
                result = await asyncio.to_thread(work, prober)
            except XapiError as exc:
                self._say(translate("NewSr", "The server answered: {why}").format(
                    why=exc.sentence), error=True)
            except (XapiClientError, ActionError) as exc:
                self._say(str(exc), error=True)
            else:
                done(result)
            finally:
                self.busy = False
                self._set_buttons(True)
                self.owner.review_now()

        self._task = asyncio.ensure_future(probe())

    def _set_buttons(self, enabled: bool) -> None:
        for button in (self.nfs_scan, self.nfs_check, self.discover, self.lun_button,
                       self.local_check):
            button.setEnabled(enabled)

    def _scan_exports(self) -> None:
        server = self.plan.server.strip()

        def done(exports: list) -> None:
            current = self.nfs_path.currentText()
            self.nfs_path.clear()
            for export in exports:
                self.nfs_path.addItem(export.path)
            self.nfs_path.setEditText(current or (exports[0].path if exports else ""))
            self._say(translate("NewSr", "{server} exports {n} paths.").format(
                server=server, n=len(exports)))

        self._probe(translate("NewSr", "Asking {server} for its exports…").format(
            server=server), lambda p: p.nfs_exports(server), done)

    def _check(self) -> None:
        self._edit()
        plan = self.plan
        location = plan.location()
        config = plan.device_config()
        kind = plan.kind

        def work(prober: Prober) -> Any:
            if kind == "nfs":
                return prober.nfs_srs(config)
            return prober.srs(plan.sr_type, config)

        def done(found) -> None:
            plan.found, plan.probed = list(found.uuids), location
            plan.attach = plan.found[0] if plan.found else ""
            if found.uuids:
                self._say(translate("NewSr", "{n} SR(s) found at {where}.").format(
                    n=len(found.uuids), where=location))
            else:
                self._say(translate("NewSr", "No SR is at {where}: a new one will be made.")
                          .format(where=location))
            self._show_choice()

        self._probe(translate("NewSr", "Checking {where}…").format(where=location), work,
                    done)

    def _discover_iqns(self) -> None:
        self._edit()
        config = self.plan.iscsi_config()

        def done(iqns: list) -> None:
            self.iqn.blockSignals(True)
            self.iqn.clear()
            for found in iqns:
                self.iqn.addItem(f"{found.iqn} ({found.address}:{found.port})", found.iqn)
            self.iqn.blockSignals(False)
            self._say(translate("NewSr", "The target offers {n} IQN(s).").format(n=len(iqns)))
            self._edit()

        self._probe(translate("NewSr", "Discovering the target's IQNs…"),
                    lambda p: p.iscsi_iqns(config), done)

    def _discover_luns(self) -> None:
        self._edit()
        plan = self.plan
        if not plan.iqn:
            self._say(translate("NewSr", "Discover and choose an IQN first."), error=True)
            return
        config = {**plan.iscsi_config(), "targetIQN": plan.iqn}

        def done(luns: list[Lun]) -> None:
            self.luns.clear()
            known = known_uuids(self.cache)
            for lun in luns:
                sr = lun.sr_uuid or translate("NewSr", "none")
                if lun.sr_uuid in known:
                    sr = translate("NewSr", "'{name}' of this pool ({uuid})").format(
                        name=(self.cache.record("SR", known[lun.sr_uuid]) or {}).get(
                            "name_label", ""), uuid=lun.sr_uuid)
                item = QTreeWidgetItem([lun.lun_id, format_size(lun.size), lun.vendor,
                                        lun.scsi_id, sr])
                item.setData(0, LUN_ROLE, lun)
                self.luns.addTopLevelItem(item)
            for column in range(4):
                self.luns.resizeColumnToContents(column)
            self._say(translate("NewSr", "The target has {n} LUN(s); choose one.").format(
                n=len(luns)))

        self._probe(translate("NewSr", "Discovering the LUNs of {iqn}…").format(iqn=plan.iqn),
                    lambda p: p.iscsi_luns(config), done)

    def _lun_chosen(self) -> None:
        items = self.luns.selectedItems()
        if not items:
            return
        lun: Lun = items[0].data(0, LUN_ROLE)
        plan = self.plan
        plan.scsi_id, plan.lun_size = lun.scsi_id, lun.size
        plan.found = [lun.sr_uuid] if lun.sr_uuid else []
        plan.attach = lun.sr_uuid
        plan.probed = plan.location()
        self._show_choice()
        self.changed()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return not self.busy and super().isComplete()


