"""The menu bar, toolbar and context menus, built from the registered actions.

Each registered action belongs to the object menus of what it works on (`menus_of`): its id
says it ("vm." -> VM, "host." -> Server, "sr." -> Storage, "pool." -> Pool, "template." ->
Templates), else the classes it applies to. Within a menu the actions listed in `ORDER` come
first, in that order; any other action of that menu follows in its own section, so that the
operations of every area appear without this file knowing them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import QMenu, QWidget

from xapiman.actions import REGISTRY, Action, Target
from xapiman.i18n import translate

SEP = None

# The object menus, in the menu bar's order.
OBJECT_MENUS = ("pool", "server", "vm", "storage", "templates")

ORDER: dict[str, tuple[str | None, ...]] = {
    "pool": ("vm.new", "vm.import", SEP, "pool.set_default_sr", "subject.add", SEP,
             "pool.ha_enable", "pool.ha_configure", "pool.ha_disable", SEP, "pool.join", SEP,
             "object.rename",
             "object.tags", "object.folder"),
    "server": ("vm.new", "vm.import", SEP, "host.maintenance_enter", "host.maintenance_exit",
               SEP, "host.reboot", "host.shutdown", SEP, "host.designate", "pool.join",
               "host.eject", SEP, "object.rename", "object.tags", "object.folder"),
    "vm": ("vm.new", "vm.import", SEP, "vm.start", "vm.start_on", "vm.shutdown", "vm.reboot",
           "vm.suspend", "vm.resume", "vm.pause", "vm.unpause", SEP, "vm.force_shutdown",
           "vm.force_reboot", SEP, "vm.snapshot", "snapshot.revert", "snapshot.delete", SEP,
           "vm.clone", "vm.copy", "vm.export", "vm.migrate", "vm.make_template", SEP,
           "vm.set_ha",
           "vm.cd_insert", "vm.cd_eject", SEP, "vm.set_vcpus", "vm.set_memory",
           "object.rename", "object.tags", "object.folder", SEP, "vif.add", SEP, "vm.delete"),
    "storage": ("sr.new", SEP, "sr.rescan", "sr.repair", "pool.set_default_sr", SEP,
                "vdi.new", "vdi.attach", "vdi.detach", "vdi.resize", "vdi.move", "vdi.import",
                "vdi.export", SEP, "object.rename", "object.tags", "object.folder", SEP,
                "sr.detach", "sr.forget", "sr.destroy", "vdi.delete"),
    "templates": ("vm.new", "vm.import", SEP, "vm.copy", "vm.export", SEP, "object.rename",
                  "object.tags", SEP, "template.delete"),
}

TOOLBAR = ("vm.new", SEP, "vm.start", "vm.shutdown", "vm.reboot", "vm.suspend_or_resume", SEP,
           "vm.snapshot", "vm.migrate", SEP, "vm.force_shutdown", "vm.force_reboot")

# Toolbar-only actions (their parts are in the menus).
OFF_MENU = frozenset({"vm.suspend_or_resume"})

# In a context menu, actions that cannot run are left out, except these (greyed, with the
# reason as tooltip): the ones a user looks for on such an object.
ALWAYS_SHOWN = {
    "vm": frozenset({"vm.start", "vm.shutdown", "vm.reboot"}),
    "server": frozenset({"host.reboot", "host.shutdown"}),
}

# The object menu for a tree row's kind.
MENU_OF_KIND = {"vm": "vm", "template": "templates", "snapshot": "vm", "host": "server",
                "sr": "storage", "pool": "pool", "network": "pool"}
_PREFIX_MENU = {"vm": "vm", "snapshot": "vm", "host": "server", "sr": "storage",
                "vdi": "storage", "pool": "pool", "template": "templates"}
_CLASS_MENUS = {"vm": ("vm", "templates"), "host": ("server",), "sr": ("storage",),
                "vdi": ("storage",), "pool": ("pool",), "network": ("pool",)}


def menu_titles() -> dict[str, str]:
    return {
        "pool": translate("Menu", "&Pool"),
        "server": translate("Menu", "&Server"),
        "vm": translate("Menu", "V&M"),
        "storage": translate("Menu", "S&torage"),
        "templates": translate("Menu", "Te&mplates"),
    }


def menus_of(action: Action) -> tuple[str, ...]:
    """The object menus an action belongs to (none: shown only where it is used)."""
    prefix = action.id.split(".", 1)[0]
    if prefix in _PREFIX_MENU:
        menu = _PREFIX_MENU[prefix]
        if menu == "vm" and action.id in ORDER["templates"]:
            return ("vm", "templates")
        return (menu,)
    if prefix == "object":
        found: list[str] = []
        for cls in sorted(action.classes):
            for menu in _CLASS_MENUS.get(cls, ()):
                if menu not in found and action.id in ORDER.get(menu, ()):
                    found.append(menu)
        return tuple(found)
    if prefix in ("alert", "message"):
        return ()  # the Alerts view has its own
    if prefix == "subject":
        # adding a user is the pool's; the others work on the Users page's selection
        return ("pool",) if "pool" in action.classes else ()
    found = []
    for cls in sorted(action.classes):
        for menu in _CLASS_MENUS.get(cls, ())[:1]:
            if menu not in found:
                found.append(menu)
    return tuple(found)


def menu_layout(menu: str, registry: dict[str, Action] | None = None) -> list[str | None]:
    """The action ids of an object menu, sections separated by None."""
    registry = REGISTRY if registry is None else registry
    known = [aid for aid in ORDER.get(menu, ()) if aid is None or aid in registry]
    listed = {aid for aid in ORDER.get(menu, ()) if aid}
    extra = [aid for aid, action in registry.items()
             if aid not in listed and aid not in OFF_MENU and menu in menus_of(action)]
    layout = _tidy(known)
    if extra:
        # a last section of destructive actions (Delete) stays last
        cut = max((i for i, aid in enumerate(layout) if aid is None), default=-1)
        last = layout[cut + 1:]
        if cut >= 0 and all(aid is not None and registry[aid].destructive for aid in last):
            layout = [*layout[:cut], SEP, *extra, SEP, *last]
        else:
            layout = [*layout, SEP, *extra]
    return _tidy(layout)


def _tidy(ids: Sequence[str | None]) -> list[str | None]:
    """No separator first, last or twice in a row."""
    out: list[str | None] = []
    for aid in ids:
        if aid is None and (not out or out[-1] is None):
            continue
        out.append(aid)
    while out and out[-1] is None:
        out.pop()
    return out


def fill(menu: QMenu | QWidget, ids: Iterable[str | None], qactions: dict[str, QAction]) -> None:
    for aid in ids:
        if aid is None:
            menu.addSeparator()  # type: ignore[union-attr]
        elif aid in qactions:
            menu.addAction(qactions[aid])


def context_ids(kinds: set[str], targets: Sequence[Target]) -> list[str | None]:
    """What the context menu of a selection shows: the actions of its object menu that can
    run, and the ones users look for there (greyed); for mixed kinds, what runs on all."""
    menus = [MENU_OF_KIND[k] for k in kinds if k in MENU_OF_KIND]
    if not menus:
        return []
    if len(set(menus)) == 1:
        menu = menus[0]
        snapshot_only = kinds == {"snapshot"}
        out: list[str | None] = []
        for aid in menu_layout(menu):
            if aid is None:
                out.append(None)
                continue
            action = REGISTRY[aid]
            if not {t.cls for t in targets} & action.classes:
                continue
            if snapshot_only and not (aid.startswith("snapshot.") or aid in (
                    "vm.export", "vm.copy", "vm.clone", "object.rename", "object.tags")):
                continue
            if action.can_run(targets) or aid in ALWAYS_SHOWN.get(menu, ()):
                out.append(aid)
        return _tidy(out)
    seen: list[str | None] = []
    for menu in dict.fromkeys(menus):
        for aid in menu_layout(menu):
            if aid is not None and aid not in seen and all(
                    REGISTRY[aid].can_run([t]) for t in targets):
                seen.append(aid)
    return seen
