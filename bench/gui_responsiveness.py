"""GUI responsiveness with a big pool: a 64-host, 5 000-VM simulator, the real main window.

Measures, side by side with the targets:
  (a) the GUI thread's longest stall while the pool loads,
  (b) the same during an event storm (10 000 changes over 1 000 VMs made on the server),
  (c) typing in the search box: keystroke -> filter applied and the tree painted,
  (d) a power state change made on the server -> the VM's tree row moved.
A watchdog QTimer ticks every 10 ms on the GUI thread; a gap between two ticks is the time the
thread could not react. The simulator runs in a subprocess (`xapiman-sim`) and the storm comes
from another subprocess, so neither shares the GUI process's GIL. The window runs on qasync's
loop, as in the app.

When a target is missed, the stall is explained: the window's slots are timed (model apply,
task list, action refresh, tab pages, search filter, tree expansion), and the part of the
longest stall they do not cover is time the GUI thread waited for the GIL (held by the
connection's event thread) or spent in Qt itself. `--profile` adds a cProfile listing of the
GUI thread per phase.

Run: .venv/bin/python bench/gui_responsiveness.py [--hosts 64] [--vms 5000] [--storm 10000]
     [--storm-vms 1000] [--profile]
Exits 1 when a target is missed, 2 when the bench itself could not run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import http.client
import io
import json
import os
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyqt6")

STALL_TARGET_MS = 100.0
SEARCH_TARGET_MS = 100.0
POWER_TARGET_S = 0.5
TICK_MS = 10
SEARCH_TEXT = "prod-db-3"


# -- a small JSON-RPC client (used in this process for single calls, and by the storm) --------

class Rpc:
    """XAPI over JSON-RPC on one kept-alive HTTP connection."""

    def __init__(self, url: str, user: str, password: str) -> None:
        parts = urlsplit(url)
        self._conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        self._id = 0
        self.session = self.call("session.login_with_password", user, password, "2.21",
                                 "xapiman-bench", session=False)

    def call(self, method: str, *args: object, session: bool = True) -> object:
        self._id += 1
        params = [self.session, *args] if session else list(args)
        body = json.dumps({"jsonrpc": "2.0", "method": method, "params": params,
                           "id": self._id}).encode()
        self._conn.request("POST", "/jsonrpc", body=body,
                           headers={"Content-Type": "application/json"})
        answer = json.loads(self._conn.getresponse().read())
        if answer.get("error"):
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer["result"]

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.call("session.logout")
        self._conn.close()


def storm_main(url: str, user: str, password: str, refs_file: str, changes: int,
               threads: int) -> int:
    """The storm process: `changes` modifications spread over the VMs listed in refs_file,
    from `threads` connections at once, then a marker on the first VM."""
    refs = json.loads(Path(refs_file).read_text())
    counter = iter(range(changes))
    lock = threading.Lock()
    errors: list[str] = []

    def work() -> None:
        rpc = Rpc(url, user, password)
        try:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                rpc.call("VM.set_name_description", refs[i % len(refs)], f"storm change {i}")
        except Exception as exc:  # reported by the parent
            errors.append(repr(exc))
        finally:
            rpc.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    marker = Rpc(url, user, password)
    marker.call("VM.set_name_description", refs[0], "storm-end")
    marker.close()
    print(json.dumps({"seconds": elapsed, "errors": errors[:3]}), flush=True)
    return 1 if errors else 0


# -- measuring the GUI thread ----------------------------------------------------------------

def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


@dataclass
class Gap:
    start: float
    end: float

    @property
    def ms(self) -> float:
        return (self.end - self.start) * 1000


@dataclass
class SlotTimes:
    """Wall-clock intervals spent in chosen functions: (label, start, end, on GUI thread)."""

    intervals: list[tuple[str, float, float, bool]] = field(default_factory=list)

    def wrap(self, owner: object, name: str, label: str | None = None) -> None:
        """Time `owner.name` (a class: every instance; a module or object: that one)."""
        original = getattr(owner, name)
        label = label or f"{getattr(owner, '__name__', type(owner).__name__)}.{name}"
        record = self.intervals
        gui = threading.main_thread()

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                record.append((label, start, time.perf_counter(),
                               threading.current_thread() is gui))

        if isinstance(owner, type):
            def method(self_, *args, **kwargs):
                return timed(self_, *args, **kwargs)
            setattr(owner, name, method)
        else:
            setattr(owner, name, timed)

    def inside(self, start: float, end: float, gui: bool = True) -> dict[str, float]:
        """Milliseconds each function ran within [start, end] on the GUI thread (or on the
        other threads), counting outermost calls only."""
        out: dict[str, float] = {}
        spans = sorted((s, e, n) for n, s, e, g in self.intervals
                       if g == gui and e > start and s < end)
        covered_until = start
        for s, e, n in spans:
            s, e = max(s, start), min(e, end)
            if e <= covered_until:
                continue  # nested inside a span already counted
            s = max(s, covered_until)
            out[n] = out.get(n, 0.0) + (e - s) * 1000
            covered_until = e
        return out

    def totals(self, start: float, end: float) -> list[tuple[str, float, float, int]]:
        """(function, total ms, longest ms, calls) within [start, end], longest first."""
        acc: dict[str, list[float]] = {}
        for n, s, e, g in self.intervals:
            if s >= start and e <= end:
                acc.setdefault(n if g else f"{n} (event thread)", []).append((e - s) * 1000)
        rows = [(n, sum(v), max(v), len(v)) for n, v in acc.items()]
        return sorted(rows, key=lambda r: -r[2])


class Watchdog:
    """A 10 ms precise timer on the GUI thread; records the gaps between its ticks."""

    def __init__(self) -> None:
        from PyQt6.QtCore import Qt, QTimer

        self.gaps: list[Gap] = []
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(Gap(self._last, now))
        self._last = now

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def between(self, start: float, end: float) -> list[Gap]:
        return [g for g in self.gaps if g.end > start and g.start < end]


@dataclass
class Phase:
    name: str
    start: float
    end: float = 0.0
    note: str = ""
    profile: str = ""


@dataclass
class Result:
    what: str
    measured: float
    target: float
    unit: str
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.measured < self.target


# -- the bench -------------------------------------------------------------------------------

class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.results: list[Result] = []
        self.phases: list[Phase] = []
        self.slots = SlotTimes()
        self.sim: subprocess.Popen | None = None
        self.url = self.user = self.password = ""
        self._profiler: cProfile.Profile | None = None
        self.answer_sizes: list[int] = []

    # -- simulator ----------------------------------------------------------------------

    def start_simulator(self) -> None:
        cmd = [sys.executable, "-m", "xapiman.sim.cli", "--no-tls", "--hosts",
               str(self.args.hosts), "--vms", str(self.args.vms), "--speed", "0"]
        started = time.perf_counter()
        self.sim = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
        assert self.sim.stdout is not None
        line = self.sim.stdout.readline()
        match = re.match(r"xapiman-sim ready: (\S+) user=(\S+) password=(\S+)", line)
        if not match:
            err = self.sim.stderr.read() if self.sim.stderr else ""
            raise RuntimeError(f"the simulator did not start: {line!r} {err[-500:]}")
        self.url, self.user, self.password = match.groups()
        threading.Thread(target=self.sim.stdout.read, daemon=True).start()  # drain
        print(f"simulator: {self.args.hosts} hosts, {self.args.vms} VMs at {self.url} "
              f"(started in {time.perf_counter() - started:.1f} s, separate process)")

    def stop_simulator(self) -> None:
        if self.sim is not None and self.sim.poll() is None:
            self.sim.terminate()
            try:
                self.sim.wait(10)
            except subprocess.TimeoutExpired:
                self.sim.kill()

    # -- the window ---------------------------------------------------------------------

    def instrument(self) -> None:
        """Time the GUI-thread slots that react to the pool (before the window exists)."""
        from xapiman.gui.main_window import MainWindow
        from xapiman.gui.qactions import ActionBinder
        from xapiman.gui.search import ResourceFilter, TreeSearch
        from xapiman.gui.tabs.base import TabPage
        from xapiman.gui.tasks_panel import TaskListModel
        from xapiman.gui.tree.model import ResourceTreeModel
        from xapiman.xapi import wire_json, wire_xml
        from xapiman.xapi.cache import ObjectCache

        for owner, name in ((MainWindow, "_on_cache"), (MainWindow, "_on_state"),
                            (TreeSearch, "set_text"), (MainWindow, "_expand_root"),
                            (MainWindow, "_on_selection"), (MainWindow, "_refresh_header"),
                            (ResourceTreeModel, "apply"), (ResourceTreeModel, "_first_load"),
                            (ResourceTreeModel, "_place_all"), (ResourceTreeModel, "_place"),
                            (ResourceTreeModel, "_changed"), (ResourceTreeModel, "_relocate"),
                            (ResourceTreeModel, "_prune_groups"), (ResourceTreeModel, "_related"),
                            (TaskListModel, "update_from_cache"), (ActionBinder, "refresh"),
                            (TabPage, "cache_changed"), (ResourceFilter, "set_text"),
                            (ResourceFilter, "invalidateFilter"),
                            # on the connection's event thread:
                            (ObjectCache, "load"), (ObjectCache, "apply")):
            self.slots.wrap(owner, name)
        self.slots.wrap(wire_json, "decode_answer", "wire_json.decode_answer")
        decode, sizes = wire_json.decode_answer, self.answer_sizes

        def sized(body, *args, **kwargs):
            sizes.append(len(body))
            return decode(body, *args, **kwargs)

        wire_json.decode_answer = sized
        self.slots.wrap(wire_xml, "decode_answer", "wire_xml.decode_answer")

    def build_window(self):
        from keyring.backends import fail

        from xapiman.gui.bridge import PoolBridge
        from xapiman.gui.main_window import MainWindow
        from xapiman.pools.manager import PoolManager
        from xapiman.pools.profiles import ProfileStore
        from xapiman.pools.secrets import PasswordStore

        self.config_dir = tempfile.TemporaryDirectory(prefix="xapiman-bench-")
        store = ProfileStore(self.config_dir.name)
        passwords = PasswordStore(fail.Keyring())
        self.bridge = PoolBridge()
        self.manager = PoolManager(store, passwords, ask_certificate=self.bridge.ask_certificate,
                                   share_interpreter=True)  # as the app does
        self.bridge.attach(self.manager)
        self.window = MainWindow(self.manager, self.bridge, passwords)
        self.window.resize(1366, 768)
        self.window.show()
        tree = self.window.tree
        self.slots.wrap(tree, "expandAll", "QTreeView.expandAll")
        return self.window

    # -- phases -------------------------------------------------------------------------

    def begin(self, name: str) -> Phase:
        phase = Phase(name, time.perf_counter())
        self.phases.append(phase)
        if self.args.profile:
            self._profiler = cProfile.Profile()
            self._profiler.enable()
        return phase

    def end(self, phase: Phase) -> None:
        phase.end = time.perf_counter()
        if self._profiler is not None:
            self._profiler.disable()
            out = io.StringIO()
            pstats.Stats(self._profiler, stream=out).sort_stats("cumulative").print_stats(18)
            phase.profile = out.getvalue()
            self._profiler = None

    def stall_result(self, phase: Phase, watchdog: Watchdog) -> None:
        gaps = [g.ms for g in watchdog.between(phase.start, phase.end)]
        worst = max(watchdog.between(phase.start, phase.end), key=lambda g: g.ms)
        over = sum(1 for g in gaps if g > STALL_TARGET_MS)
        p99 = percentile(gaps, 99)
        detail = (f"p99 {p99:.0f} ms, {over} of {len(gaps)} ticks over "
                  f"{STALL_TARGET_MS:.0f} ms; {phase.note}")
        self.results.append(Result(f"{phase.name}: max GUI stall", worst.ms, STALL_TARGET_MS,
                                   "ms", detail))
        self.results.append(Result(f"{phase.name}: p99 GUI stall", p99, STALL_TARGET_MS, "ms"))
        phase.worst = worst  # type: ignore[attr-defined]

    async def wait_for(self, predicate: Callable[[], object], timeout: float,
                       what: str) -> float:
        deadline = time.perf_counter() + timeout
        while not predicate():
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{what}: not within {timeout:.0f} s")
            await asyncio.sleep(0.005)
        return time.perf_counter()

    async def settle(self, seconds: float = 0.5) -> None:
        await asyncio.sleep(seconds)

    async def run(self) -> None:
        from xapiman.pools.profiles import Profile

        watchdog = Watchdog()
        window = self.build_window()
        await self.settle(0.3)
        watchdog.start()
        await self.settle(0.3)

        # (a) the initial load
        loaded: list[float] = []
        window.model.loaded.connect(lambda _name: loaded.append(time.perf_counter()))
        phase = self.begin("load")
        window.flow.open(Profile("bench", self.url, user=self.user, use_tls=False),
                         self.password)
        await self.wait_for(lambda: loaded, 300, "the pool to load")
        root = window.filter.mapFromSource(window.model.find("bench", ""))
        await self.wait_for(lambda: window.tree.isExpanded(root), 30, "the tree to expand")
        shown = time.perf_counter()
        await self.settle(1.0)
        self.end(phase)
        conn = self.manager.get("bench")
        objects = window.model.object_count()
        phase.note = (f"{objects} objects in the tree, loaded {loaded[0] - phase.start:.1f} s "
                      f"after connecting, shown {shown - phase.start:.1f} s; the first "
                      f"event.from answer was {max(self.answer_sizes) / 1e6:.0f} MB of JSON")
        self.stall_result(phase, watchdog)

        # (b) an event storm made on the server
        vms = sorted(ref for ref, rec in conn.cache.records("vm").items()
                     if not rec.get("is_a_template") and not rec.get("is_control_domain"))
        refs = vms[:self.args.storm_vms]
        marker_seen: list[float] = []

        def on_cache(_name, change) -> None:
            if refs[0] in change.changed_in("vm"):
                rec = conn.cache.record("vm", refs[0]) or {}
                if rec.get("name_description") == "storm-end" and not marker_seen:
                    marker_seen.append(time.perf_counter())

        self.bridge.cache_changed.connect(on_cache)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(refs, handle)
        phase = self.begin("event storm")
        storm = subprocess.Popen(
            [sys.executable, __file__, "--storm-worker", self.url, self.user, self.password,
             handle.name, str(self.args.storm), "8"], stdout=subprocess.PIPE, text=True)
        await self.wait_for(lambda: storm.poll() is not None, 600, "the storm to end")
        report = json.loads(storm.stdout.read() or "{}")
        os.unlink(handle.name)
        if storm.returncode:
            raise RuntimeError(f"the storm failed: {report}")
        await self.wait_for(lambda: marker_seen, 120, "the storm's last change in the GUI")
        await self.settle(0.5)
        self.end(phase)
        rate = self.args.storm / report["seconds"]
        phase.note = (f"{self.args.storm} changes over {len(refs)} VMs in "
                      f"{report['seconds']:.1f} s ({rate:.0f}/s); the GUI had the last one "
                      f"{(marker_seen[0] - phase.start) - report['seconds']:.2f} s after the "
                      "storm ended")
        self.stall_result(phase, watchdog)

        # (c) typing in the search box
        await self.search_typing(window)

        # (d) a power state change on the server reaching the tree
        await self.power_latency(window, conn)

    async def search_typing(self, window) -> None:
        from PyQt6.QtCore import Qt
        from PyQt6.QtTest import QTest
        from PyQt6.QtWidgets import QApplication

        phase = self.begin("search")
        times: list[tuple[str, float]] = []
        spans: list[Gap] = []
        box = window.search
        box.setFocus()
        keys = [(ch, None) for ch in SEARCH_TEXT] + [("⌫", Qt.Key.Key_Backspace)] * len(
            SEARCH_TEXT)
        for label, key in keys:
            await asyncio.sleep(0.15)  # a person types a few keys a second
            start = time.perf_counter()
            if key is None:
                QTest.keyClicks(box, label)
            else:
                QTest.keyClick(box, key)
            window.tree.viewport().repaint()  # lays out pending rows and paints, now
            QApplication.sendPostedEvents()
            spans.append(Gap(start, time.perf_counter()))
            times.append((box.text() or "''", spans[-1].ms))
        self.end(phase)
        worst = max(times, key=lambda t: t[1])
        phase.worst = max(spans, key=lambda g: g.ms)  # type: ignore[attr-defined]
        typed = ", ".join(f"{t}:{ms:.0f}" for t, ms in times)
        self.results.append(Result("search: keystroke -> tree painted (max)", worst[1],
                                   SEARCH_TARGET_MS, "ms",
                                   f"worst after {worst[0]!r}; each (text:ms) {typed}"))
        phase.note = typed

    async def power_latency(self, window, conn) -> None:
        """Power changes made on the server by another client; the time until the VM's row
        shows it (moved under its host or back to the pool, or its state in the tooltip).

        The change happens on the server at the end of the call, so the latency is counted
        from the moment the call returned (the time from sending it, which includes the
        server's own work, is shown beside it)."""
        from PyQt6.QtCore import Qt

        rpc = await asyncio.to_thread(Rpc, self.url, self.user, self.password)
        model = window.model
        users = [(ref, rec) for ref, rec in conn.cache.records("vm").items()
                 if not rec.get("is_a_template") and not rec.get("is_control_domain")]
        halted = [ref for ref, rec in users if rec.get("power_state") == "Halted"][:4]
        running = [ref for ref, rec in users if rec.get("power_state") == "Running"][:3]

        def under(kind):
            return lambda r: self.parent_kind(model, r) == kind

        def shows(state):
            return lambda r: f"State: {state}" in (model.find("bench", r).data(
                Qt.ItemDataRole.ToolTipRole) or "")

        steps = [(ref, "VM.start", (False, False), under("host")) for ref in halted]
        steps += [(ref, "VM.hard_shutdown", (), under("connection")) for ref in halted]
        steps += [(ref, "VM.pause", (), shows("Paused")) for ref in running]
        steps += [(ref, "VM.unpause", (), shows("Running")) for ref in running]
        phase = self.begin("power state")
        samples: list[tuple[str, float, float, float]] = []  # method, call, after return, sent
        spans: list[Gap] = []
        signals = (model.rowsMoved, model.rowsInserted, model.dataChanged)
        for ref, method, args, done in steps:
            seen: list[float] = []

            def check(*_args, r=ref, done=done, seen=seen) -> None:
                if not seen and done(r):
                    seen.append(time.perf_counter())

            for signal in signals:
                signal.connect(check)
            sent = time.perf_counter()
            await asyncio.to_thread(rpc.call, method, ref, *args)
            returned = time.perf_counter()
            await self.wait_for(lambda s=seen: s, 10, f"{method} to reach the tree")
            for signal in signals:
                signal.disconnect(check)
            samples.append((method, returned - sent, max(0.0, seen[0] - returned),
                            seen[0] - sent))
            spans.append(Gap(returned, max(returned, seen[0])))
            await asyncio.sleep(0.2)
        self.end(phase)
        await asyncio.to_thread(rpc.close)
        worst = max(samples, key=lambda s: s[2])
        phase.worst = max(spans, key=lambda g: g.ms)  # type: ignore[attr-defined]
        median = statistics.median(s[2] for s in samples)
        calls = ", ".join(f"{m.split('.')[1]} {c * 1000:.0f}" for m, c, _a, _s in samples)
        self.results.append(Result(
            "power state: server change -> tree row (max)", worst[2], POWER_TARGET_S, "s",
            f"{len(samples)} changes, median {median * 1000:.0f} ms, worst {worst[0]}; "
            f"counted from sending the call instead: max {max(s[3] for s in samples):.3f} s; "
            f"the server's calls took (ms) {calls}"))

    @staticmethod
    def parent_kind(model, ref: str) -> str:
        from xapiman.gui.tree.model import KeyRole

        index = model.find("bench", ref)
        if not index.isValid():
            return ""
        key = index.parent().data(KeyRole)
        return key[1] if key else ""

    # -- report -------------------------------------------------------------------------

    def report(self) -> bool:
        print()
        print(f"{'measure':<48} {'measured':>10} {'target':>10} {'ratio':>7}  ok")
        for r in self.results:
            fmt = (lambda v: f"{v:.0f} ms") if r.unit == "ms" else (lambda v: f"{v:.3f} s")
            print(f"{r.what:<48} {fmt(r.measured):>10} {'< ' + fmt(r.target):>10} "
                  f"{r.measured / r.target:>7.2f}  {'yes' if r.ok else 'NO'}")
        print()
        for r in self.results:
            if r.detail:
                print(f"- {r.what}: {r.detail}")
        missed = [r for r in self.results if not r.ok]
        for phase in self.phases:
            worst = getattr(phase, "worst", None)
            if worst is None:
                continue
            what = {"search": "slowest keystroke", "power state": "slowest change"}.get(
                phase.name, "longest stall")
            print(f"\n[{phase.name}] {what} {worst.ms:.0f} ms; where it went:")
            inside = self.slots.inside(worst.start, worst.end)
            for name, ms in sorted(inside.items(), key=lambda kv: -kv[1]):
                print(f"    {ms:8.1f} ms  {name}")
            rest = worst.ms - sum(inside.values())
            print(f"    {rest:8.1f} ms  in no timed function of the GUI thread (waiting for "
                  "the GIL, Qt painting and layout, the 10 ms tick itself)")
            other = self.slots.inside(worst.start, worst.end, gui=False)
            if other:
                busy = ", ".join(f"{n} {ms:.0f} ms" for n, ms in
                                 sorted(other.items(), key=lambda kv: -kv[1]))
                print(f"  meanwhile on the event thread (holding the GIL but for I/O): {busy}")
            print("  timed functions over the whole phase (longest call first):")
            for name, total, longest, calls in self.slots.totals(phase.start, phase.end)[:12]:
                print(f"    {name:<44} longest {longest:7.1f} ms, {calls:5d} calls, "
                      f"total {total:8.1f} ms")
        for phase in self.phases:
            if phase.profile:
                print(f"\n[{phase.name}] cProfile of the GUI thread (cumulative):")
                print("\n".join(phase.profile.splitlines()[:40]))
        print()
        if missed:
            print(f"MISSED {len(missed)} of {len(self.results)} targets: "
                  + "; ".join(r.what for r in missed))
        else:
            print(f"all {len(self.results)} targets met")
        return not missed


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--storm-worker"]:
        url, user, password, refs, changes, threads = argv[1:7]
        return storm_main(url, user, password, refs, int(changes), int(threads))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=64)
    parser.add_argument("--vms", type=int, default=5000)
    parser.add_argument("--storm", type=int, default=10_000, help="changes in the event storm")
    parser.add_argument("--storm-vms", type=int, default=1000, help="VMs the storm spreads over")
    parser.add_argument("--profile", action="store_true",
                        help="print a cProfile listing of the GUI thread for each phase")
    args = parser.parse_args(argv)

    import qasync
    from PyQt6.QtWidgets import QApplication

    bench = Bench(args)
    bench.instrument()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        bench.start_simulator()
        with loop:
            loop.run_until_complete(bench.run())
    except Exception as exc:
        print(f"the bench could not run: {exc!r}", file=sys.stderr)
        bench.stop_simulator()
        return 2
    finally:
        if hasattr(bench, "window"):
            bench.window.close()
        bench.stop_simulator()
    return 0 if bench.report() else 1


if __name__ == "__main__":
    sys.exit(main())
