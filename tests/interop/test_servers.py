"""The console client against real VNC servers: QEMU (directly and through the simulator's
console tunnel, as XAPI serves HVM guests), TigerVNC and x11vnc (as vncterm, RFB 3.3).

For every encoding a server offers, the decoded screen is compared pixel by pixel with the
server's own capture (QEMU's screendump, `xwd` of the X display, the raw framebuffer file);
keys and clicks are checked where the server reports them (QEMU's input trace, the X client,
x11vnc's -pipeinput), and resolution changes are followed.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from tests.interop.servers import Qemu, TigerVnc, Viewer, X11vncRaw, pattern, tcp, unix
from xapiman.rfb import AuthenticationFailed, Options, capture
from xapiman.rfb import encodings as enc
from xapiman.rfb.keys import CTRL_ALT_DEL
from xapiman.rfb.vncauth import vnc_response

pytestmark = [pytest.mark.interop, pytest.mark.timeout(180)]
PIXEL_ENCODINGS = {"raw": enc.RAW, "copyrect": enc.COPYRECT, "hextile": enc.HEXTILE,
                   "zrle": enc.ZRLE, "tight": enc.TIGHT}
SETTLE = 15.0


def until(predicate, timeout: float = SETTLE) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return bool(predicate())


def first_encoding(name: str) -> tuple[int, ...]:
    encoding = PIXEL_ENCODINGS[name]
    return (encoding,) if encoding != enc.COPYRECT else (enc.COPYRECT, enc.RAW)


# -- QEMU ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def qemu(tmp_path_factory):
    server = Qemu(tmp_path_factory.mktemp("qemu"))
    yield server
    server.close()


@pytest.mark.parametrize("name", ["raw", "hextile", "zrle", "tight"])
def test_qemu_encodings_match_its_screendump(qemu, name) -> None:
    qemu.booted()
    viewer = Viewer(unix(qemu.vnc), encodings=first_encoding(name))
    try:
        # the text cursor blinks: a fresh screendump each time, until one matches
        assert until(lambda: viewer.shows(qemu.screendump())), f"{name}: the screen differs"
        info = viewer.session.info
        assert info.version == "3.8" and info.security == 1 and info.name.startswith("QEMU")
        assert viewer.session.extended_keys
    finally:
        viewer.close()
    assert viewer.ended == [None]


def test_qemu_keys_and_pointer_reach_the_guest(qemu) -> None:
    viewer = Viewer(unix(qemu.vnc))
    try:
        assert until(lambda: viewer.session.extended_keys)
        before = qemu.trace()
        viewer.session.key(ord("q"), True, 0x10)
        viewer.session.key(ord("q"), False, 0x10)
        viewer.session.keys(CTRL_ALT_DEL)
        viewer.session.pointer(10, 10, 1)
        viewer.session.pointer(10, 10, 0)
        # QEMU's VNC server queues key events and hands them to the guest one timer tick
        # apart (its key-delay-ms), clicks at once: the keys can come after the clicks.
        keys = ("key qcode q, down 1", "key qcode q, down 0", "key qcode ctrl, down 1",
                "key qcode delete, down 1", "key qcode alt, down 1")

        def arrived() -> bool:
            trace = qemu.trace()[len(before):]
            return trace.count("button left") >= 2 and all(key in trace for key in keys)

        until(arrived, 2 * SETTLE)
        trace = qemu.trace()[len(before):]
        assert trace.count("button left") >= 2, trace
        assert "key qcode q, down 1" in trace and "key qcode q, down 0" in trace
        assert "key qcode ctrl, down 1" in trace and "key qcode delete, down 1" in trace
        assert "key qcode alt, down 1" in trace
    finally:
        viewer.close()


def test_qemu_through_the_simulators_console_tunnel(qemu) -> None:
    from xapiman.sim.routes_console import vnc_targets
    from xapiman.sim.testing import running_pool
    from xapiman.xapi import Connection
    from xapiman.xapi.console import ConsoleTarget, locate, open_tunnel

    qemu.booted()
    with running_pool(2, 6, tls=True) as pool:
        vm = next(r for r, v in pool.db.all("VM").items()
                  if v["power_state"] == "Running" and not v["is_control_domain"])
        vnc_targets(pool.sim)[vm] = ("unix", str(qemu.vnc))
        conn = Connection(pool.url, pool.user, pool.password, fingerprint=pool.fingerprint)
        conn.connect(30)
        try:
            target = locate(conn, vm)
            assert isinstance(target, ConsoleTarget)
            for encoding in (enc.ZRLE, enc.RAW):
                tunnel = open_tunnel(conn, target)
                viewer = Viewer(tunnel.sock, prefix=tunnel.prefix, encodings=(encoding,))
                try:
                    assert until(lambda: viewer.shows(qemu.screendump()))  # noqa: B023
                    assert viewer.session.info.name.startswith("QEMU")
                    before = qemu.trace().count("key qcode w, down 1")
                    viewer.session.key(ord("w"), True, 0x11)
                    viewer.session.key(ord("w"), False, 0x11)
                    assert until(lambda: qemu.trace().count("key qcode w, down 1") > before)  # noqa: B023
                finally:
                    viewer.close()
        finally:
            conn.close()


# -- TigerVNC --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiger(tmp_path_factory):
    server = TigerVnc(tmp_path_factory.mktemp("tiger"), 800, 600)
    server.start_client(800, 600)
    yield server
    server.close()


@pytest.mark.parametrize("name", ["raw", "copyrect", "hextile", "zrle", "tight"])
def test_tigervnc_encodings_match_xwd(tiger, name) -> None:
    expected = tiger.capture()
    assert expected.shape == (600, 800)
    viewer = Viewer(unix(tiger.socket), encodings=first_encoding(name))
    viewer.park_pointer(799, 599)
    try:
        assert until(lambda: viewer.shows(expected)), f"{name}: the decoded screen differs"
        assert viewer.session.info.version == "3.8"
    finally:
        viewer.close()


def test_tigervnc_tight_jpeg_is_close(tiger) -> None:
    expected = tiger.capture()
    viewer = Viewer(unix(tiger.socket), encodings=(enc.TIGHT,), quality=6)
    viewer.park_pointer(799, 599)
    try:
        def close_enough() -> bool:
            fb = viewer.fb
            if fb is None or fb.size != (800, 600):
                return False
            got = fb.snapshot().view(np.uint8).reshape(600, 800, 4)[..., :3].astype(int)
            want = expected.view(np.uint8).reshape(600, 800, 4)[..., :3].astype(int)
            return np.abs(got - want).mean() < 4 and viewer.session.updates > 0

        assert until(close_enough)
    finally:
        viewer.close()


def test_tigervnc_keys_and_clicks_reach_the_x_client(tiger) -> None:
    viewer = Viewer(unix(tiger.socket))
    try:
        viewer.wait_ready()
        viewer.session.type_text("Hi!")
        viewer.session.pointer(123, 45, 1)
        viewer.session.pointer(123, 45, 0)
        assert until(lambda: "press 123 45 1" in tiger.client_said())
        said = tiger.client_said()
        assert [line for line in said if line.startswith("key ") and "''" not in line] == [
            "key 72 'H'", "key 105 'i'", "key 33 '!'"]
    finally:
        viewer.close()


def test_tigervnc_follows_a_resolution_change(tmp_path) -> None:
    server = TigerVnc(tmp_path, 640, 480)
    try:
        viewer = Viewer(unix(server.socket))
        viewer.park_pointer(639, 479)
        try:
            assert until(lambda: viewer.fb is not None and viewer.fb.size == (640, 480))
            viewer.session.request_size(1024, 768)
            assert until(lambda: viewer.resizes and viewer.resizes[-1] == (1024, 768))
            expected = server.capture()
            assert expected.shape == (768, 1024)
            assert until(lambda: viewer.shows(server.capture()))
        finally:
            viewer.close()
    finally:
        server.close()


def test_tigervnc_vnc_authentication(tmp_path) -> None:
    password_file = tmp_path / "passwd"
    password_file.write_bytes(obfuscated("s3cret"))
    server = TigerVnc(tmp_path, 320, 240, security=("-SecurityTypes", "VncAuth",
                                                    "-PasswordFile", str(password_file)))
    try:
        fb = capture(unix(server.socket), options=Options(password=lambda: "s3cret"))
        assert fb.size == (320, 240)
        with pytest.raises(AuthenticationFailed) as refused:
            capture(unix(server.socket), options=Options(password=lambda: "wrong"))
        assert "refused" in str(refused.value)
    finally:
        server.close()


def obfuscated(password: str) -> bytes:
    """A VNC password file: the password DES-encrypted with VNC's fixed key (as vncpasswd
    writes it); the same DES as authentication with the key bytes' bits reversed back."""
    fixed = bytes.fromhex("17526b06234e5807")  # VNC's fixed key for password files
    return vnc_response(fixed.decode("latin-1"), password.encode().ljust(16, b"\0"))[:8]


# -- x11vnc as vncterm ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def x11vnc(tmp_path_factory):
    server = X11vncRaw(tmp_path_factory.mktemp("x11vnc"))
    yield server
    server.close()


@pytest.mark.parametrize("name", ["raw", "copyrect", "hextile", "zrle", "tight"])
def test_x11vnc_as_vncterm_encodings_match_its_framebuffer(x11vnc, name) -> None:
    viewer = Viewer(tcp(x11vnc.port), encodings=first_encoding(name))
    try:
        assert until(lambda: viewer.shows(x11vnc.pixels)), f"{name}: the decoded screen differs"
        assert viewer.session.info.version == "3.3"
        x11vnc.write(pattern(x11vnc.width, x11vnc.height, 7))
        assert until(lambda: viewer.shows(x11vnc.pixels)), f"{name}: the update differs"
        x11vnc.write(pattern(x11vnc.width, x11vnc.height, 0))
        assert until(lambda: viewer.shows(x11vnc.pixels))
    finally:
        viewer.close()


def test_x11vnc_sees_keys_and_pointer(x11vnc) -> None:
    viewer = Viewer(tcp(x11vnc.port))
    try:
        viewer.wait_ready()
        viewer.session.type_text("ok")
        viewer.session.pointer(12, 34, 4)
        viewer.session.pointer(12, 34, 0)
        assert until(lambda: any(line.startswith("Pointer") and " 12 34 4 " in line
                                 for line in x11vnc.input_lines()))
        keys = [line.split()[2:4] for line in x11vnc.input_lines() if line.startswith("Keysym")]
        assert ["1", "111"] in keys and ["0", "107"] in keys  # o pressed, k released
    finally:
        viewer.close()
