"""Simulator scale: a 64-host, 5 000-VM pool: start time, full event.from("") serve time over
XML-RPC and JSON-RPC, and 50 clients at once.

Run: .venv/bin/python bench/sim_scale.py [--hosts 64] [--vms 5000] [--clients 50]
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import threading
import time
from urllib.parse import urlsplit

from xapiman.sim.simulator import SimConfig, Simulator
from xapiman.sim.synth import generate_pool


def post(url: str, path: str, body: bytes, ctype: str) -> bytes:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": ctype})
        resp = conn.getresponse()
        data = resp.read()
        assert resp.status == 200, data[:200]
        return data
    finally:
        conn.close()


def jsonrpc(url: str, method: str, params: list) -> object:
    body = json.dumps({"jsonrpc": "2.0", "method": method, "params": params, "id": 1}).encode()
    return json.loads(post(url, "/jsonrpc", body, "application/json"))["result"]


def xml_event_from(url: str, session: str) -> bytes:
    body = ("<?xml version='1.0'?><methodCall><methodName>event.from</methodName><params>"
            f"<param><value>{session}</value></param>"
            "<param><value><array><data><value>*</value></data></array></value></param>"
            "<param><value></value></param><param><value><double>30</double></value></param>"
            "</params></methodCall>").encode()
    return post(url, "/", body, "text/xml")


def json_event_from(url: str, session: str) -> bytes:
    body = json.dumps({"jsonrpc": "2.0", "method": "event.from",
                       "params": [session, ["*"], "", 30.0], "id": 1}).encode()
    return post(url, "/jsonrpc", body, "application/json")


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=64)
    parser.add_argument("--vms", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()

    start = time.perf_counter()
    db = generate_pool(args.hosts, args.vms)
    generated = time.perf_counter() - start
    objects = sum(len(t) for t in db.tables.values())
    start = time.perf_counter()
    sim = Simulator(db, SimConfig(speed=0, event_delay=0.05), use_tls=False)
    sim.start()
    started = time.perf_counter() - start
    url = sim.url()
    try:
        session = jsonrpc(url, "session.login_with_password", ["root", "xapiman"])
        first_xml = time.perf_counter()
        xml_event_from(url, session)
        first_xml = time.perf_counter() - first_xml
        t_xml, xml_body = timed(lambda: xml_event_from(url, session))
        t_json, json_body = timed(lambda: json_event_from(url, session))

        latencies: list[float] = []
        errors: list[str] = []

        def client() -> None:
            try:
                t0 = time.perf_counter()
                s = jsonrpc(url, "session.login_with_password", ["root", "xapiman"])
                jsonrpc(url, "VM.get_all", [s])
                jsonrpc(url, "session.logout", [s])
                latencies.append(time.perf_counter() - t0)
            except Exception as exc:  # reported below
                errors.append(repr(exc))

        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        t_clients = time.perf_counter() - t0
    finally:
        sim.stop()

    print(f"pool: {args.hosts} hosts, {args.vms} VMs, {objects} objects")
    print(f"generate: {generated:.2f} s; start servers: {started:.2f} s "
          f"(target: a few seconds in all) -> {'ok' if generated + started < 10 else 'SLOW'}")
    print(f"event.from(\"\") XML-RPC: first {first_xml:.2f} s, warm {t_xml:.2f} s, "
          f"{len(xml_body) / 1e6:.1f} MB (target < 2 s) -> {'ok' if t_xml < 2 else 'SLOW'}")
    print(f"event.from(\"\") JSON-RPC: {t_json:.2f} s, {len(json_body) / 1e6:.1f} MB "
          f"(target < 2 s) -> {'ok' if t_json < 2 else 'SLOW'}")
    print(f"{args.clients} clients at once: all done in {t_clients:.2f} s, "
          f"median {statistics.median(latencies or [0]):.3f} s, errors {len(errors)} "
          f"-> {'ok' if not errors and len(latencies) == args.clients else 'FAILED'}")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
