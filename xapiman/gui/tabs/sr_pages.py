"""The General and Disks tabs of a storage repository."""

from __future__ import annotations

from xapiman.gui.tabs import fmt
from xapiman.gui.tabs.base import page
from xapiman.gui.tabs.general import EDIT_BUTTONS, ListPage, PropertiesPage, common_rows
from xapiman.gui.tabs.list_actions import OBJECT, Button, ListActions
from xapiman.gui.tabs.lists import Row
from xapiman.gui.tabs.widgets import Section, Usage
from xapiman.i18n import translate
from xapiman.xapi.records import SR, VDI

CONTENT_WORDS = {"user": "Virtual disks", "iso": "ISO images", "disk": "Removable disks"}


@page
class SrGeneralPage(PropertiesPage):
    title = "General"
    kinds = frozenset({"sr"})
    order = 0
    buttons = EDIT_BUTTONS

    def sections(self, record: dict) -> list[Section]:
        sr = self.view(SR, record)
        pbds = sr.pbds
        self.watch.add_all("pbd", (p.ref for p in pbds)).link("pbd", "SR", self.ref)
        self.watch.add_all("pool", self.cache.records("pool"))
        driver = next((rec.get("name_label", "") for rec in self.cache.records("sm").values()
                       if rec.get("type") == sr.type), "")
        pool = self.cache.pool
        default = pool is not None and pool.get("default_SR") == self.ref
        hosts = []
        for pbd in sorted(pbds, key=lambda p: p.host.name if p.host else ""):
            host = pbd.host
            name = host.name if host is not None else "?"
            hosts.append(name if pbd.currently_attached else f"{name} (not connected)")
        content = CONTENT_WORDS.get(sr.content_type, sr.content_type or "Unknown")
        return [
            ("General", common_rows(record) + [
                ("Type", f"{sr.type} ({driver})" if driver and driver.lower() != sr.type.lower()
                         else sr.type),
                ("Contents", content),
                ("Shared", fmt.yes_no(sr.shared)),
                ("Default storage", fmt.yes_no(default)),
                ("Connected to", ", ".join(hosts) or "No server"),
                ("UUID", sr.uuid),
            ]),
            ("Size", self._size_rows(sr)),
        ]

    def _size_rows(self, sr: SR) -> list[tuple[str, str | Usage]]:
        size, used, allocated = sr.physical_size, sr.physical_utilisation, sr.virtual_allocation
        disks = len(self.cache.referrers("vdi", "SR", self.ref))
        count = f"{disks} disk{'s' if disks != 1 else ''}" if not sr.is_iso else \
            f"{disks} image{'s' if disks != 1 else ''}"
        if not size:
            return [("Size", "Not reported by this storage type"), ("Contents", count)]
        rows: list[tuple[str, str | Usage]] = [
            ("Use", Usage(used / size, fmt.used_of(used, size))),
            ("Free", fmt.size(sr.free_space)),
            ("Size", fmt.size(size)),
        ]
        if not sr.is_iso:
            rows.append(("Allocated", f"{fmt.size(allocated)} promised to disks "
                                      f"({fmt.percent(allocated, size)} of the size)"))
        rows.append(("Holds", count))
        return rows


@page
class SrDisksPage(ListPage):
    title = "Disks"
    kinds = frozenset({"sr"})
    order = 20
    columns = ["Name", "Description", "Size", "Used", "VM", "Snapshot", "Read-only"]
    list_name = "srDisks"

    def __init__(self, context, parent=None) -> None:
        super().__init__(context, parent)
        self.buttons = ListActions(self, (
            Button("vdi.new", translate("Tabs", "Add…"), OBJECT),
            Button("vdi.import", translate("Tabs", "Import…"), OBJECT),
            Button("vdi.resize", translate("Tabs", "Resize…")),
            Button("object.rename", translate("Tabs", "Rename…")),
            Button("vdi.move", translate("Tabs", "Move…")),
            Button("vdi.attach", translate("Tabs", "Attach…")),
            Button("vdi.detach", translate("Tabs", "Detach")),
            Button("vdi.export", translate("Tabs", "Export…")),
            Button("vdi.delete", translate("Tabs", "Delete"))))

    def refresh(self) -> None:
        super().refresh()
        self.buttons.update()

    def rows(self, record: dict) -> list[Row]:
        cache = self.cache
        self.watch.link("vdi", "SR", self.ref)
        out = []
        for ref in cache.referrers("vdi", "SR", self.ref):
            raw = cache.record("vdi", ref)
            if raw is None:
                continue
            vdi = VDI(cache, ref, raw)
            self.watch.add("vdi", ref)
            vbd_refs = cache.referrers("vbd", "VDI", ref)
            self.watch.add_all("vbd", vbd_refs)
            names = []
            for vbd_ref in vbd_refs:
                vm_ref = (cache.record("vbd", vbd_ref) or {}).get("VM", "")
                vm = cache.record("vm", vm_ref)
                if vm is not None:
                    self.watch.add("vm", vm_ref)
                    names.append(str(vm.get("name_label", "")))
            size, used = vdi.virtual_size, vdi.physical_utilisation
            out.append(Row(ref, (
                vdi.name, vdi.description, fmt.size(size), fmt.size(used),
                ", ".join(sorted(set(names))), fmt.yes_no(vdi.is_snapshot),
                fmt.yes_no(vdi.read_only),
            ), sort=(None, None, size, used)))
        self.watch.link_in("vbd", "VDI", set(self.watch.refs.get("vdi", ())))
        return out

    def summary_text(self, record: dict, rows: list[Row]) -> str:
        if not rows:
            return "This storage holds no disks."
        count = len(rows)
        return f"{count} disk{'s' if count != 1 else ''}."
