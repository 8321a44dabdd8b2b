"""vnc_proxy: relaying a console connection to a VNC server (the simulator's own, and QEMU's)."""

from __future__ import annotations

import os
import shutil
import socket
import struct
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sim.test_rfb_server import TIMEOUT, RfbClient, tls_pair
from xapiman.sim.console import ConsoleScreen, open_vnc, proxy_to_vnc, serve_rfb

QEMU = "qemu-system-x86_64"


class Relay:
    """proxy_to_vnc in a thread, fed by one end of a socketpair; the test holds the other."""

    def __init__(self, target: tuple) -> None:
        self.stop = threading.Event()
        client_end, server_end = socket.socketpair()
        self.client = RfbClient(client_end)
        self.result: list[bool] = []
        self.thread = threading.Thread(
            target=lambda: self.result.append(proxy_to_vnc(server_end, target, stop=self.stop))
        )
        self.thread.start()

    def ended(self) -> bool:
        self.thread.join(TIMEOUT)
        return not self.thread.is_alive()

    def close(self) -> None:
        """The test's end of the pair goes; the relay notices and ends."""
        self.client.sock.close()
        self.thread.join(TIMEOUT)


@pytest.fixture
def relay_to() -> Iterator[object]:
    """relay_to(target) -> a Relay, closed after the test."""
    made: list[Relay] = []

    def make(target: tuple) -> Relay:
        relay = Relay(target)
        made.append(relay)
        return relay

    yield make
    for relay in made:
        relay.close()


@pytest.fixture
def rfb_listener() -> Iterator[tuple[ConsoleScreen, tuple[str, int], list[threading.Thread]]]:
    """The simulator's RFB server on a loopback TCP port, one serve_rfb thread per client."""
    screen = ConsoleScreen("proxied-vm", clock=lambda: 0.0)
    screen.advance(10)
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    threads: list[threading.Thread] = []

    def accept_loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            thread = threading.Thread(target=serve_rfb, args=(conn, screen), kwargs={"stop": stop})
            thread.start()
            threads.append(thread)

    acceptor = threading.Thread(target=accept_loop)
    acceptor.start()
    try:
        yield screen, listener.getsockname()[:2], threads
    finally:
        stop.set()
        acceptor.join(TIMEOUT)
        for thread in threads:
            thread.join(TIMEOUT)
        listener.close()


def test_relay_to_the_simulated_server_over_tcp(rfb_listener, relay_to) -> None:
    screen, (host, port), threads = rfb_listener
    relay = relay_to(("tcp", host, port))
    client = relay.client
    assert client.handshake("3.8") == b"RFB 003.008\n"
    assert (client.width, client.height, client.name) == (720, 400, "proxied-vm")
    client.request(incremental=False)
    client.read_update()
    assert bytes(client.fb) == screen.framebuffer()
    client.type("root\n")
    deadline = time.monotonic() + TIMEOUT
    while screen.mode != "password" and time.monotonic() < deadline:
        time.sleep(0.02)
    assert screen.mode == "password"
    client.sock.close()  # the viewer leaves: the relay and the server side both end
    assert relay.ended() and relay.result == [True]
    for thread in threads:
        thread.join(TIMEOUT)
        assert not thread.is_alive()


def test_relay_from_a_tls_client_passes_batched_messages(tmp_path, rfb_listener) -> None:
    screen, (host, port), _ = rfb_listener
    client_sock, server_sock = tls_pair(tmp_path)
    thread = threading.Thread(target=proxy_to_vnc, args=(server_sock, ("tcp", host, port)))
    thread.start()
    try:
        client = RfbClient(client_sock)
        client.handshake()
        keys = b"".join(struct.pack(">BBxxI", 4, down, ord(c)) for c in "root" for down in (1, 0))
        client_sock.sendall(keys + struct.pack(">BBHHHH", 3, 0, 0, 0, 720, 400))
        client.read_update()
        assert "proxied-vm login: root" in screen.text()
    finally:
        client_sock.close()
        thread.join(TIMEOUT)
    assert not thread.is_alive()


def test_relay_ends_when_the_server_closes(rfb_listener, relay_to) -> None:
    _, (host, port), threads = rfb_listener
    relay = relay_to(("tcp", host, port))
    relay.client.recv(12)
    relay.client.sock.sendall(b"RFB 009.009\n")  # the server refuses and closes
    relay.client.assert_closed()
    assert relay.ended()


def test_stop_ends_the_relay(rfb_listener, relay_to) -> None:
    _, (host, port), _ = rfb_listener
    relay = relay_to(("tcp", host, port))
    relay.client.recv(12)
    relay.stop.set()
    assert relay.ended()
    relay.client.assert_closed()


def test_unreachable_target_closes_the_client(tmp_path: Path, relay_to) -> None:
    relay = relay_to(("unix", str(tmp_path / "nobody-listens.sock")))
    assert relay.ended() and relay.result == [False]
    relay.client.assert_closed()
    with pytest.raises(ValueError):
        open_vnc(("serial", "/dev/ttyS0"))  # type: ignore[arg-type]


@pytest.fixture
def qemu_vnc_socket(tmp_path: Path) -> Iterator[str]:
    """A diskless QEMU whose VNC server listens on a unix socket, as xenopsd starts it."""
    binary = shutil.which(QEMU)
    if binary is None:
        pytest.skip(f"{QEMU} is not installed (Debian package qemu-system-x86)")
    path = str(tmp_path / "vnc.sock")
    command = [binary, "-machine", "pc,accel=tcg", "-m", "32", "-nodefaults", "-vga", "std"]
    command += ["-display", "none", "-vnc", f"unix:{path}"]
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 15
        while not os.path.exists(path):
            if process.poll() is not None:
                pytest.fail(f"QEMU exited: {process.stderr.read().decode(errors='replace')}")
            if time.monotonic() > deadline:
                pytest.fail("QEMU did not create its VNC socket within 15 s")
            time.sleep(0.05)
        yield path
    finally:
        process.kill()
        process.wait(TIMEOUT)
        if process.stderr:
            process.stderr.close()


def test_relay_to_qemu_over_its_unix_socket(qemu_vnc_socket: str, relay_to) -> None:
    relay = relay_to(("unix", qemu_vnc_socket))
    client = relay.client
    assert client.handshake("3.8") == b"RFB 003.008\n"
    assert 320 <= client.width <= 4096 and 200 <= client.height <= 4096  # 720x400 text mode
    assert client.name.startswith("QEMU")
    client.set_encodings(0, -258)
    client.read_update()
    assert client.rects[0][4] == -258  # QEMU acknowledges the extended key event
    client.request(incremental=False)
    client.read_update()
    assert client.rects and all(rect[4] == 0 for rect in client.rects)
    client.sock.close()
    assert relay.ended() and relay.result == [True]
