"""Console side channels: CONNECT /console (the tunnel to a VNC server) and GET /vncsnapshot.

As xapi's console.ml: the request names a console or a VM (`ref=` or `uuid=`; a VM means its
first rfb console), the session comes from the cookie, the query or Basic auth (401 without),
an unknown console answers 404, and a VM that is not Running or not resident on the host that
received the request is refused (xapi raises and its HTTP server answers 500). On success the
reply is exactly xapi's three header lines, then the socket is a raw pipe to the RFB server of
the console's screen (one ConsoleScreen per console object: QEMU-like RFB 3.8 for HVM guests,
vncterm-like 3.3 for control domains and PV guests), or to an external VNC server configured
with `vnc_targets(sim)[vm_ref] = ("unix", path)` or `("tcp", host, port)`.
/vncsnapshot returns the current frame as a PNG (xapi returns a JPEG).
"""

from __future__ import annotations

import calendar
import threading
import time
import weakref
from dataclasses import dataclass, field

from xapiman.sim.console import ConsoleScreen, open_vnc, pipe_sockets, serve_rfb
from xapiman.sim.db import Database
from xapiman.sim.errors import Failure
from xapiman.sim.routes import Request, route
from xapiman.sim.simulator import Simulator

OK_LINES = b"HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nCache-Control: no-cache, no-store\r\n\r\n"
NOT_HERE = (b"<html><body><h1>HTTP 500 internal server error</h1>An unexpected error occurred; "
            b"the VM is not running on this host: connect to its resident host.</body></html>")

Target = tuple  # ("unix", path) or ("tcp", host, port)


@dataclass
class ConsoleHub:
    """The console state of one simulator: a screen per console ref, external VNC targets per
    VM ref, and the stop events of the connected viewers per console ref."""

    screens: dict[str, ConsoleScreen] = field(default_factory=dict)
    targets: dict[str, Target] = field(default_factory=dict)
    viewers: dict[str, set[threading.Event]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def screen(self, db: Database, console: str) -> ConsoleScreen:
        """The console's screen, made on first use (a console made later gets a new one)."""
        with self.lock:
            found = self.screens.get(console)
            if found is None:
                for gone in [c for c in self.screens if db.find(c, "console") is None]:
                    del self.screens[gone]
                found = self.screens[console] = new_screen(db, console)
            return found

    def watch(self, console: str) -> threading.Event:
        stop = threading.Event()
        with self.lock:
            self.viewers.setdefault(console, set()).add(stop)
        return stop

    def unwatch(self, console: str, stop: threading.Event) -> None:
        with self.lock:
            events = self.viewers.get(console, set())
            events.discard(stop)
            if not events:
                self.viewers.pop(console, None)

    def check(self, db: Database) -> None:
        """Stop the viewers of consoles that no longer exist (their VM stopped)."""
        with self.lock:
            for console, events in self.viewers.items():
                if db.find(console, "console") is None:
                    for stop in events:
                        stop.set()


_HUBS: weakref.WeakKeyDictionary[Simulator, ConsoleHub] = weakref.WeakKeyDictionary()
_HUBS_LOCK = threading.Lock()


def console_hub(sim: Simulator) -> ConsoleHub:
    """The console state of `sim` (made on first use; it watches the database)."""
    with _HUBS_LOCK:
        hub = _HUBS.get(sim)
        if hub is not None:
            return hub
        hub = _HUBS[sim] = ConsoleHub()
    db = sim.db
    with db.lock:
        db.observers.append(lambda: hub.check(db) if hub.viewers else None)
    return hub


def vnc_targets(sim: Simulator) -> dict[str, Target]:
    """VM ref -> external VNC server shown instead of the simulated screen."""
    return console_hub(sim).targets


def new_screen(db: Database, console: str) -> ConsoleScreen:
    """The screen of a console seen for the first time, as far into its boot as the VM (or
    host) has been up: a VM running for an hour shows its login prompt, not a black screen."""
    vm_rec = db.get(db.get(console, "console")["VM"], "VM")
    if not vm_rec["is_control_domain"]:
        screen = ConsoleScreen(vm_rec["name_label"] or "localhost", kind="vm")
        started = _vm_started(db, vm_rec)
    else:
        host = db.find(vm_rec["resident_on"], "host") or {}
        software = host.get("software_version", {})
        product = f"{software.get('product_brand', 'XCP-ng')} {software.get('product_version', '')}"
        screen = ConsoleScreen(host.get("name_label", "host"), kind="host",
                               hostname=host.get("hostname") or None, product=product.strip())
        started = _number(host.get("other_config", {}).get("boot_time"))
    if started is not None:
        screen.advance(max(0.0, time.time() - started))
    return screen


def _vm_started(db: Database, vm_rec: dict) -> float | None:
    metrics = db.find(vm_rec.get("metrics", ""), "VM_metrics") or {}
    try:
        return float(calendar.timegm(time.strptime(str(metrics.get("start_time") or ""),
                                                   "%Y%m%dT%H:%M:%SZ")))
    except ValueError:
        return None


def _number(text: object) -> float | None:
    try:
        return float(str(text))
    except ValueError:
        return None


def rfb_version(vm_rec: dict) -> str:
    """vncterm (3.3) serves control domains and PV guests, QEMU (3.8) HVM guests."""
    return "3.3" if vm_rec["is_control_domain"] or vm_rec.get("domain_type") == "pv" else "3.8"


def find_console(db: Database, ref: str | None, uuid: str | None) -> str | None:
    """The console a request names: a console, or a VM's first rfb console."""
    with db.lock:
        if uuid:
            target = _by_uuid(db, "VM", uuid) or _by_uuid(db, "console", uuid)
        else:
            target = ref if ref and db.cls_of(ref) in ("VM", "console") else None
        if target is None or db.cls_of(target) == "console":
            return target
        for console in db.get(target, "VM")["consoles"]:
            rec = db.find(console, "console")
            if rec is not None and rec["protocol"] == "rfb":
                return console
        return None


def _by_uuid(db: Database, cls: str, uuid: str) -> str | None:
    try:
        return db.by_uuid(cls, uuid)
    except Failure:
        return None


def _resolve(request: Request) -> tuple[str, str, dict] | None:
    """(console, its VM, the VM's record) when it can be served here; else answers, None."""
    db = request.sim.db
    console = find_console(db, request.arg("ref"), request.arg("uuid"))
    rec = db.find(console, "console") if console else None
    vm_rec = db.find(rec["VM"], "VM") if rec else None
    if console is None or rec is None or vm_rec is None or rec["protocol"] != "rfb":
        request.reply(404, b"Not Found: no such console")
        return None
    if vm_rec["power_state"] != "Running" or vm_rec["resident_on"] != request.host:
        request.reply(500, NOT_HERE, "text/html")
        return None
    return console, rec["VM"], vm_rec


@route("CONNECT", "/console")
def connect_console(request: Request) -> None:
    with request.authenticated():
        found = _resolve(request)
        if found is None:
            return
        console, vm, vm_rec = found
        hub = console_hub(request.sim)
        target = hub.targets.get(vm)
        try:
            vnc = open_vnc(target) if target else None
        except OSError:
            request.reply(404, b"Not Found: the console's VNC server cannot be reached")
            return
        screen = None if vnc else hub.screen(request.sim.db, console)
        handler = request.handler
        handler.close_connection = True
        handler.wfile.write(OK_LINES)
        handler.wfile.flush()
        handler.log_request(200)
        stop = hub.watch(console)
        try:
            if vnc is not None:
                pipe_sockets(handler.connection, vnc, stop=stop)
            else:
                serve_rfb(handler.connection, screen, version=rfb_version(vm_rec), stop=stop)
        finally:
            hub.unwatch(console, stop)


@route("GET", "/vncsnapshot")
def vnc_snapshot(request: Request) -> None:
    with request.authenticated():
        found = _resolve(request)
        if found is None:
            return
        console, vm, _vm_rec = found
        hub = console_hub(request.sim)
        if hub.targets.get(vm):
            request.reply(404, b"Not Found: an external console has no snapshot here")
            return
        request.reply(200, hub.screen(request.sim.db, console).to_png(), "image/png")
