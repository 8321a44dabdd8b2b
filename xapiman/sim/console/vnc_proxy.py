"""Relay a console connection to an external VNC server, as XAPI relays to QEMU or vncterm.

``open_vnc`` connects to the target: ``("unix", path)`` (QEMU's ``-vnc unix:<path>``, what
XAPI uses for HVM guests) or ``("tcp", host, port)`` (vncterm on 127.0.0.1).  ``pipe_sockets``
copies bytes both ways until either side closes, then shuts both down.  ``proxy_to_vnc`` does
both.  The HTTP side that wants to answer 404 when the VNC server is unreachable calls
``open_vnc`` before writing its 200 reply, then ``pipe_sockets``.
"""

from __future__ import annotations

import logging
import selectors
import socket
import threading

log = logging.getLogger(__name__)

VncTarget = tuple[str, str] | tuple[str, str, int]
_CHUNK = 65536


def open_vnc(target: VncTarget, timeout: float = 5.0) -> socket.socket:
    """A socket connected to the VNC server ``target``; raises OSError when unreachable."""
    if target[0] == "unix" and len(target) == 2:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(target[1])
        except OSError:
            sock.close()
            raise
        return sock
    if target[0] == "tcp" and len(target) == 3:
        return socket.create_connection((target[1], target[2]), timeout=timeout)
    raise ValueError(f"a VNC target is ('unix', path) or ('tcp', host, port), not {target!r}")


def pipe_sockets(
    first: socket.socket,
    second: socket.socket,
    *,
    stop: threading.Event | None = None,
    send_timeout: float = 30.0,
    poll: float = 0.25,
) -> None:
    """Copy bytes between two connected sockets until one closes or ``stop`` is set.

    Everything read from one side is written to the other before the next read, so nothing
    a closing side sent is lost.  Both sockets are closed on return; never raises OSError.
    """
    peers = {first: second, second: first}
    selector = selectors.DefaultSelector()
    try:
        for sock in peers:
            sock.settimeout(send_timeout)
            selector.register(sock, selectors.EVENT_READ)
        while not (stop and stop.is_set()):
            for key, _ in selector.select(poll):
                source = key.fileobj
                assert isinstance(source, socket.socket)
                if not _forward(source, peers[source]):
                    return
    except OSError as exc:
        log.debug("console relay ended: %s", exc)
    finally:
        selector.close()
        for sock in peers:
            _close(sock)


def proxy_to_vnc(
    client_sock: socket.socket,
    target: VncTarget,
    *,
    stop: threading.Event | None = None,
    connect_timeout: float = 5.0,
) -> bool:
    """Connect to ``target`` and relay ``client_sock`` to it until either side closes.

    Blocks; run it in its own thread.  Returns False (after closing ``client_sock``) when the
    VNC server cannot be reached, True after a relayed session.
    """
    try:
        vnc = open_vnc(target, connect_timeout)
    except OSError as exc:
        log.warning("cannot reach the VNC server %s: %s", target, exc)
        _close(client_sock)
        return False
    pipe_sockets(client_sock, vnc, stop=stop)
    return True


def _forward(source: socket.socket, destination: socket.socket) -> bool:
    """Move what ``source`` has to ``destination``; False when ``source`` has closed."""
    try:
        data = source.recv(_CHUNK)
    except (ConnectionResetError, ConnectionAbortedError):
        data = b""
    if not data:
        try:
            destination.shutdown(socket.SHUT_WR)  # pass the end of stream on
        except OSError:
            pass
        return False
    pending = getattr(source, "pending", None)  # a TLS socket may hold more, decrypted
    while pending is not None and pending() > 0:
        data += source.recv(pending())
    destination.sendall(data)
    return True


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
