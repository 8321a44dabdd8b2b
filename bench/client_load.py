"""Client core at scale (64 hosts, 5 000 VMs): connect + full cache load against the floor
(receive and parse the same event.from("") answer with orjson) and against the naive way
(the XenAPI package, XML-RPC, get_all_records class by class); an event storm of 10 000
modifications over 1 000 VMs; memory of the cache per 1 000 VMs.

Run: .venv/bin/python bench/client_load.py [--hosts 64] [--vms 5000] [--repeat 3]
The simulator runs in a subprocess so that it does not share the interpreter with the client.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import tracemalloc
from urllib.parse import urlsplit

import orjson
import XenAPI

from xapiman.xapi.connection import Connection

NAIVE_CLASSES = ("pool", "host", "host_metrics", "host_cpu", "VM", "VM_metrics",
                 "VM_guest_metrics", "VBD", "VDI", "SR", "PBD", "SM", "VIF", "network", "PIF",
                 "PIF_metrics", "Bond", "VLAN", "console", "task", "message")


def start_sim(hosts: int, vms: int) -> tuple[subprocess.Popen, str]:
    exe = os.path.join(os.path.dirname(sys.executable), "xapiman-sim")
    proc = subprocess.Popen([exe, "--no-tls", "--hosts", str(hosts), "--vms", str(vms),
                             "--speed", "0", "--port", "0", "--password", "xapiman"],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("xapiman-sim ready: "):
        proc.kill()
        raise SystemExit(f"simulator did not start: {line!r}")
    threading.Thread(target=proc.stdout.read, daemon=True).start()
    return proc, line.split()[2]


def rpc(url: str, method: str, params: list) -> object:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    body = orjson.dumps({"jsonrpc": "2.0", "method": method, "params": params, "id": 1})
    conn.request("POST", "/jsonrpc", body=body, headers={"Content-Type": "application/json"})
    data = conn.getresponse().read()
    conn.close()
    return orjson.loads(data)["result"]


def floor(url: str) -> tuple[float, int]:
    """Login, one event.from("") over one HTTP connection, parsed with orjson: nothing else."""
    start = time.perf_counter()
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)

    def call(method: str, params: list) -> object:
        body = orjson.dumps({"jsonrpc": "2.0", "method": method, "params": params, "id": 1})
        conn.request("POST", "/jsonrpc", body=body, headers={"Content-Type": "application/json"})
        return orjson.loads(conn.getresponse().read())["result"]

    session = call("session.login_with_password", ["root", "xapiman", "2.21", "bench"])
    gc.disable()  # the fastest way to parse a big answer, as the client's event thread does
    try:
        batch = call("event.from", [session, ["*"], "", 30.0])
    finally:
        gc.enable()
    elapsed = time.perf_counter() - start
    call("session.logout", [session])
    conn.close()
    return elapsed, len(batch["events"])


def ours(url: str) -> tuple[float, int, Connection]:
    start = time.perf_counter()
    conn = Connection(url, "root", "xapiman")
    conn.connect(300)
    elapsed = time.perf_counter() - start
    return elapsed, sum(conn.cache.counts().values()), conn


def naive(url: str) -> tuple[float, int]:
    start = time.perf_counter()
    session = XenAPI.Session(url)
    session.xenapi.login_with_password("root", "xapiman", "2.21", "bench")
    objects = 0
    for cls in NAIVE_CLASSES:
        objects += len(getattr(session.xenapi, cls).get_all_records())
    elapsed = time.perf_counter() - start
    session.xenapi.session.logout()
    return elapsed, objects


def storm(url: str, conn: Connection, vm_refs: list[str], modifications: int) -> dict:
    """Modify VMs on the server from another client; measure how fast the cache follows."""
    seen = {"events": 0, "batches": 0, "max_batch": 0}
    last_done = threading.Event()
    marker = f"storm-{time.time()}"

    def on_change(change) -> None:
        count = len(change.changed_in("vm"))
        seen["events"] += count
        seen["batches"] += 1
        seen["max_batch"] = max(seen["max_batch"], count)
        rec = conn.cache.record("vm", vm_refs[-1])
        if rec and rec.get("name_description") == f"{marker} {modifications - 1}":
            last_done.set()

    unsubscribe = conn.cache.subscribe(on_change)
    applying = {"seconds": 0.0, "events": 0}
    original_apply = conn.cache.apply

    def timed_apply(events, **options):
        events = list(events)
        t0 = time.perf_counter()
        try:
            return original_apply(events, **options)
        finally:
            applying["seconds"] += time.perf_counter() - t0
            applying["events"] += len(events)

    conn.cache.apply = timed_apply
    session = rpc(url, "session.login_with_password", ["root", "xapiman"])
    parts = urlsplit(url)
    writers = []
    per_writer = modifications // 4

    def writer(offset: int) -> None:
        c = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        for i in range(offset, offset + per_writer):
            ref = vm_refs[i % len(vm_refs)] if i != modifications - 1 else vm_refs[-1]
            body = orjson.dumps({"jsonrpc": "2.0", "method": "VM.set_name_description",
                                 "params": [session, ref, f"{marker} {i}"], "id": i})
            c.request("POST", "/jsonrpc", body=body, headers={"Content-Type": "application/json"})
            c.getresponse().read()
        c.close()

    start = time.perf_counter()
    for w in range(4):
        t = threading.Thread(target=writer, args=(w * per_writer,))
        t.start()
        writers.append(t)
    for t in writers:
        t.join()
    sent = time.perf_counter() - start
    last_done.wait(60)
    followed = time.perf_counter() - start
    unsubscribe()
    conn.cache.apply = original_apply
    return {"sent_s": sent, "followed_s": followed, **seen, "lag_s": followed - sent,
            "modifications": per_writer * 4, "apply_s": applying["seconds"],
            "applied": applying["events"]}


def cache_memory(url: str) -> tuple[float, int]:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    conn = Connection(url, "root", "xapiman")
    conn.connect(300)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    vms = sum(1 for v in conn.cache.records("vm").values()
              if not v.get("is_a_template") and not v.get("is_control_domain"))
    conn.close()
    return (after - before) / 1e6, vms


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=64)
    parser.add_argument("--vms", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    proc, url = start_sim(args.hosts, args.vms)
    failures = []
    try:
        floor(url)  # warm the server's encoders
        floors, mine, naives = [], [], []
        conn = None
        for _ in range(args.repeat):
            f, events = floor(url)
            floors.append(f)
            m, objects, conn = ours(url)
            mine.append(m)
            if _ != args.repeat - 1:
                conn.close()
        n, naive_objects = naive(url)
        naives.append(n)
        best_floor, best_ours = min(floors), min(mine)
        ratio_floor = best_ours / best_floor
        ratio_naive = naives[0] / best_ours
        print(f"pool: {args.hosts} hosts, {args.vms} VMs; event.from(\"\") has {events} events; "
              f"cache has {objects} objects; naive read {naive_objects} records")
        print(f"floor (receive + orjson parse): {best_floor:.3f} s")
        print(f"xapiman connect + load:         {best_ours:.3f} s  -> {ratio_floor:.2f}x the "
              f"floor (target <= 1.3x) {'ok' if ratio_floor <= 1.3 else 'MISSED'}")
        print(f"naive XenAPI get_all_records:   {naives[0]:.3f} s  -> xapiman is "
              f"{ratio_naive:.1f}x faster (target >= 5x) {'ok' if ratio_naive >= 5 else 'MISSED'}")
        if ratio_floor > 1.3:
            failures.append("floor ratio")
        if ratio_naive < 5:
            failures.append("naive ratio")
        vm_refs = [r for r, v in conn.cache.records("vm").items()
                   if not v.get("is_a_template") and not v.get("is_control_domain")
                   and not v.get("is_a_snapshot")][:1000]
        result = storm(url, conn, vm_refs, 10_000)
        rate = result["applied"] / max(result["apply_s"], 1e-9)
        print(f"event storm: {result['modifications']} modifications over {len(vm_refs)} VMs sent "
              f"in {result['sent_s']:.2f} s by 4 writers; the cache applied {result['applied']} "
              f"events in {result['batches']} batches (largest {result['max_batch']} VMs) using "
              f"{result['apply_s']:.3f} s: {rate:.0f} events/s; it caught up "
              f"{result['lag_s']:.2f} s after the last modification "
              f"({'ok' if result['lag_s'] < 1.0 else 'BEHIND'}: never more than one batch behind)")
        conn.close()
        megabytes, vms = cache_memory(url)
        print(f"cache memory: {megabytes:.1f} MB for {vms} VMs (with their disks, interfaces "
              f"and metrics) = {megabytes / vms * 1000:.1f} MB per 1 000 VMs")
        print(json.dumps({"floor_ratio": round(ratio_floor, 3),
                          "naive_speedup": round(ratio_naive, 2),
                          "storm_events_per_s": round(rate),
                          "mb_per_1000_vms": round(megabytes / vms * 1000, 2)}))
    finally:
        proc.terminate()
        proc.wait(10)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
