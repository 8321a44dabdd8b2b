"""Pictures of the window's pages, menus and dialogs for people to look at.

    .venv/bin/python tools/screenshots.py OUT_DIR [--lang fr] [--scale 1.5]

Starts a simulated pool on loopback, opens the main window at 1366x768 on Qt's offscreen
platform, and saves one PNG per page of each kind of object, per menu of the menu bar, per
context menu, per shell dialog (Options, About, Keyboard Shortcuts, Add Server) and per tab of
the Notifications window (alerts, events, task history).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--scale", default="1")
    parser.add_argument("--only", default="", help="a word the picture names must contain")
    args = parser.parse_args()
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["QT_SCALE_FACTOR"] = args.scale
    os.environ.setdefault("XAPIMAN_CONFIG_DIR", str(args.out / ".config"))
    import qasync
    from PyQt6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    from xapiman.gui.translation import install_translation

    install_translation(app, args.lang)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        return loop.run_until_complete(shoot(args.out, args.only))


async def shoot(out: Path, only: str) -> int:
    from keyring.backends import fail
    from PyQt6.QtCore import QPoint
    from PyQt6.QtWidgets import QApplication, QDialog

    from xapiman.gui.bridge import PoolBridge
    from xapiman.gui.main_window import MainWindow
    from xapiman.gui.screenshot import save_screenshot
    from xapiman.pools.manager import PoolManager
    from xapiman.pools.profiles import Profile, ProfileStore
    from xapiman.pools.secrets import PasswordStore
    from xapiman.sim.synth import generate_pool
    from xapiman.sim.testing import running_pool

    out.mkdir(parents=True, exist_ok=True)
    with running_pool(hosts=2, vms=20, tls=True, speed=0,
                      db=generate_pool(2, 20, name="Demo pool")) as pool:
        store = ProfileStore(out / ".config")
        bridge = PoolBridge()
        manager = PoolManager(store, PasswordStore(fail.Keyring()),
                              ask_certificate=bridge.ask_certificate, share_interpreter=True)
        bridge.attach(manager)
        window = MainWindow(manager, bridge, None, remember=False)
        window.resize(1366, 768)
        window.show()
        window.flow.open(Profile("Demo pool", pool.url, user=pool.user,
                                 pinned_fingerprint=pool.fingerprint), pool.password)
        for _ in range(400):
            entry = window.model.entry("Demo pool")
            if entry is not None and entry.state == "connected" and not entry.loading \
                    and entry.placed:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)

        def wanted(name: str) -> bool:
            return only in name

        async def page_shots(label: str, select) -> None:
            select()
            await asyncio.sleep(0.3)
            for index in range(window.tabs.count()):
                title = window.tabs.tabText(index)
                name = f"{label}-{title.lower().replace(' ', '-')}"
                if not wanted(name):
                    continue
                window.tabs.setCurrentIndex(index)
                await asyncio.sleep(0.4)
                save_screenshot(window, out / f"{name}.png")

        db = pool.db
        hosts = sorted(db.all("host"), key=lambda r: db.get(r, "host")["name_label"])
        vms = sorted((r for r, v in db.all("VM").items() if not v["is_a_template"]
                      and not v["is_control_domain"] and v["power_state"] == "Running"),
                     key=lambda r: db.get(r, "VM")["name_label"])
        shared = next(r for r, s in db.all("SR").items() if s["shared"]
                      and s["content_type"] != "iso")
        await page_shots("pool", lambda: window.select("Demo pool", ""))
        await page_shots("host", lambda: window.select("Demo pool", hosts[0]))
        await page_shots("vm", lambda: window.select("Demo pool", vms[0]))
        await page_shots("sr", lambda: window.select("Demo pool", shared))

        # the menus of the menu bar, with the VM selected
        window.select("Demo pool", vms[0])
        await asyncio.sleep(0.3)
        for key, menu in window.menus.items():
            if not wanted(f"menu-{key}"):
                continue
            menu.popup(window.mapToGlobal(QPoint(40, 30)))
            await asyncio.sleep(0.2)
            save_screenshot(menu, out / f"menu-{key}.png")
            menu.hide()
        for label, ref in (("vm", vms[0]), ("host", hosts[0]), ("pool", "")):
            if not wanted(f"context-{label}"):
                continue
            window.select("Demo pool", ref)
            await asyncio.sleep(0.2)
            menu = window.context_menu()
            if menu is None:
                continue
            menu.popup(window.mapToGlobal(QPoint(100, 160)))
            await asyncio.sleep(0.2)
            save_screenshot(menu, out / f"context-{label}.png")
            menu.hide()

        from xapiman.gui import shell_menus

        for name, show in (("dialog-options", shell_menus.show_options),
                           ("dialog-about", shell_menus.show_about),
                           ("dialog-shortcuts", shell_menus.show_shortcuts)):
            if not wanted(name):
                continue
            dialog = show(window)
            await asyncio.sleep(0.3)
            save_screenshot(dialog, out / f"{name}.png")
            dialog.close()
        # a task for the history: start a VM that is shut down
        halted = next((r for r, v in db.all("VM").items() if not v["is_a_template"]
                       and not v["is_control_domain"] and v["power_state"] == "Halted"), None)
        if halted is not None:
            window.select("Demo pool", halted)
            await asyncio.sleep(0.3)
            window.binder.trigger("vm.start")
            for _ in range(100):
                if db.get(halted, "VM")["power_state"] == "Running":
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)
        for tab in ("alerts", "events", "tasks"):
            name = f"window-notifications-{tab}"
            if not wanted(name):
                continue
            view = window.notifications.show(tab)
            view.resize(1000, 600)
            await asyncio.sleep(0.4)
            save_screenshot(view, out / f"{name}.png")
            view.close()
        if wanted("dialog-add-server"):
            from xapiman.gui.dialogs.add_server import AddServerDialog

            add = AddServerDialog(parent=window)
            add.show()
            await asyncio.sleep(0.3)
            save_screenshot(add, out / "dialog-add-server.png")
            add.close()
        for dialog in QApplication.topLevelWidgets():
            if isinstance(dialog, QDialog):
                dialog.close()
        window.close()
        manager.close_all()
    print(f"saved pictures in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
