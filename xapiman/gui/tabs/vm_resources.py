"""The Memory and vCPUs tabs of a VM or template."""

from __future__ import annotations

from xapiman.gui.tabs import fmt
from xapiman.gui.tabs.base import page
from xapiman.gui.tabs.general import PropertiesPage
from xapiman.gui.tabs.widgets import Section, Usage
from xapiman.i18n import QT_TRANSLATE_NOOP
from xapiman.xapi.records import VM, as_int

RUNNING = ("Running", "Paused")


@page
class MemoryPage(PropertiesPage):
    title = "Memory"
    kinds = frozenset({"vm", "template"})
    order = 10
    buttons = (("vm.set_memory", QT_TRANSLATE_NOOP("Tabs", "Edit…")),)

    def sections(self, record: dict) -> list[Section]:
        vm = self.view(VM, record)
        self.watch.add("vm_metrics", vm.get("metrics"))
        static_min, static_max = vm.memory_static_min, vm.memory_static_max
        dyn_min, dyn_max = vm.memory_dynamic_min, vm.memory_dynamic_max
        if dyn_min == dyn_max:
            mode = f"Fixed: the VM always gets {fmt.size(dyn_max)}"
        else:
            mode = (f"Dynamic: between {fmt.size(dyn_min)} and {fmt.size(dyn_max)}, as the "
                    "server has memory to spare")
        actual = vm.metrics.memory_actual if vm.metrics is not None else 0
        if vm.power_state in RUNNING and actual:
            use: str | Usage = Usage(actual / static_max if static_max else 0.0,
                                     f"{fmt.size(actual)} of at most {fmt.size(static_max)}",
                                     warn=False)
        else:
            use = "Not running" if not vm.is_template else "Not applicable to a template"
        return [
            ("Memory", [("Current", use), ("Mode", mode)]),
            ("Limits", [
                ("Dynamic minimum", fmt.size(dyn_min)),
                ("Dynamic maximum", fmt.size(dyn_max)),
                ("Static minimum", fmt.size(static_min)),
                ("Static maximum", fmt.size(static_max)),
            ]),
        ]


@page
class VcpusPage(PropertiesPage):
    title = "vCPUs"
    kinds = frozenset({"vm", "template"})
    order = 15
    buttons = (("vm.set_vcpus", QT_TRANSLATE_NOOP("Tabs", "Edit…")),)

    def sections(self, record: dict) -> list[Section]:
        vm = self.view(VM, record)
        self.watch.add("vm_metrics", vm.get("metrics"))
        running = vm.power_state in RUNNING
        metrics = vm.metrics
        startup, most = vm.vcpus_at_startup, vm.vcpus_max
        cores = as_int((record.get("platform") or {}).get("cores-per-socket"), 0)
        if cores > 0 and startup % cores == 0:
            sockets = startup // cores
            topology = (f"{sockets} socket{'s' if sockets != 1 else ''} with {cores} "
                        f"core{'s' if cores != 1 else ''} each")
        else:
            topology = f"{startup} socket{'s' if startup != 1 else ''} with 1 core each"
        rows: list[tuple[str, str | Usage]] = [
            ("At startup", str(startup)),
            ("Maximum", str(most)),
            ("Topology", topology),
        ]
        if running and metrics is not None:
            rows.append(("In use now", str(metrics.vcpus_number or startup)))
            loads = list(metrics.vcpus_utilisation.values())
            if loads:
                average = sum(loads) / len(loads)
                rows.append(("CPU usage", Usage(average, f"{average * 100:.0f}% on average "
                                                         f"over {len(loads)} vCPUs")))
        else:
            rows.append(("In use now", "Not running"))
        params = record.get("VCPUs_params") or {}
        if "weight" in params or "cap" in params:
            rows.append(("Priority", f"weight {params.get('weight', '256')}, cap "
                                     f"{params.get('cap', '0')}"))
        note = ("Shut the VM down to change its vCPUs." if running else
                "The number of vCPUs can be changed while the VM is shut down.")
        return [("vCPUs", rows), ("", [("", note)])]
