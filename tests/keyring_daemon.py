"""A private D-Bus session bus with an unlocked GNOME Keyring, for tests of the real keyring."""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SECRETS_BUS_NAME = "org.freedesktop.secrets"
TOOLS = ("dbus-daemon", "gnome-keyring-daemon")
START_TIMEOUT = 8.0
STOP_TIMEOUT = 3.0

# A session bus that activates nothing: only the daemon started here may own the secrets name,
# so a client can never reach a keyring started by D-Bus activation (locked, with a prompt).
_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@dataclass(frozen=True)
class SecretServiceSession:
    """A running private session: its bus address and the home folder the keyring lives in."""

    address: str
    home: Path
    env: dict[str, str]


def missing_tools() -> list[str]:
    """The programs this fixture needs that are not installed."""
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def isolated_env(home: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """`base` (default: this process's environment) with HOME and the XDG folders in `home`."""
    env = dict(os.environ if base is None else base)
    for name in ("DBUS_SESSION_BUS_ADDRESS", "GNOME_KEYRING_CONTROL", "PYTHON_KEYRING_BACKEND"):
        env.pop(name, None)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
    )
    return env


@contextlib.contextmanager
def private_secret_service(root: Path, password: str = "test-login") -> Iterator[SecretServiceSession]:
    """Run dbus-daemon and an unlocked gnome-keyring-daemon under `root`; stop both after."""
    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    # Socket paths are limited to about 100 bytes: keep the runtime folder short.
    runtime = Path(tempfile.mkdtemp(prefix="xk-"))
    env = isolated_env(home)
    env["XDG_RUNTIME_DIR"] = str(runtime)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        address = _start_bus(runtime, root, env, processes)
        env["DBUS_SESSION_BUS_ADDRESS"] = address
        _start_keyring(runtime, root, env, password, processes)
        _wait_for_name(address, SECRETS_BUS_NAME, processes, root)
        yield SecretServiceSession(address=address, home=home, env=env)
    finally:
        for process in reversed(processes):
            _stop(process)
        shutil.rmtree(runtime, ignore_errors=True)


def _start_bus(runtime: Path, root: Path, env: dict[str, str],
               processes: list[subprocess.Popen[bytes]]) -> str:
    config = runtime / "bus.conf"
    config.write_text(_BUS_CONFIG.format(socket=runtime / "bus"), encoding="utf-8")
    with open(root / "dbus-daemon.log", "wb") as log:
        bus = subprocess.Popen(
            ["dbus-daemon", "--nofork", f"--config-file={config}", "--print-address=1"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, env=env,
        )
    processes.append(bus)
    assert bus.stdout is not None
    line = _read_line(bus.stdout.fileno(), time.monotonic() + START_TIMEOUT)
    if not line.startswith("unix:"):
        raise RuntimeError(f"dbus-daemon did not print its address (got {line!r}); "
                           f"see {root / 'dbus-daemon.log'}: {_tail(root / 'dbus-daemon.log')}")
    return line


def _start_keyring(runtime: Path, root: Path, env: dict[str, str], password: str,
                   processes: list[subprocess.Popen[bytes]]) -> None:
    command = [
        "gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets",
        f"--control-directory={runtime / 'keyring'}",
    ]
    with open(root / "gnome-keyring.log", "wb") as log:
        daemon = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=log, stderr=log, env=env)
    processes.append(daemon)
    assert daemon.stdin is not None
    daemon.stdin.write(password.encode("utf-8"))
    daemon.stdin.close()


def _read_line(fd: int, deadline: float) -> str:
    """One line from a pipe, waiting until `deadline` at most."""
    data = b""
    while not data.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
    return data.decode("utf-8", "replace").strip()


def _wait_for_name(address: str, name: str, processes: list[subprocess.Popen[bytes]],
                   root: Path) -> None:
    """Wait until `name` has an owner on the bus, or fail with the daemons' logs."""
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    deadline = time.monotonic() + START_TIMEOUT
    with contextlib.closing(open_dbus_connection(bus=address)) as connection:
        while time.monotonic() < deadline:
            reply = connection.send_and_get_reply(message_bus.NameHasOwner(name), timeout=2.0)
            if reply.body[0]:
                return
            if any(process.poll() is not None for process in processes):
                break
            time.sleep(0.02)
    raise RuntimeError(f"{name} did not appear on the private bus within {START_TIMEOUT} s; "
                       f"gnome-keyring said: {_tail(root / 'gnome-keyring.log')}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)
    if process.stdout is not None:
        process.stdout.close()


def _tail(log: Path, size: int = 2000) -> str:
    try:
        return log.read_text(encoding="utf-8", errors="replace")[-size:].strip() or "(nothing)"
    except OSError:
        return "(no log)"
