"""Certificates trusted for servers reached by address rather than through a profile (the
command line's `--url`): a known-hosts file beside the profiles, like ssh's.

One line per server: `host:port SHA-256-fingerprint`; `#` starts a comment. The file is
replaced atomically and readable by its owner only.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from xapiman.atomic import atomic_write_bytes
from xapiman.i18n import translate
from xapiman.pools.profiles import default_config_dir
from xapiman.xapi.tls import normalize_fingerprint

log = logging.getLogger("xapiman.pools")

FILE_NAME = "known_hosts"
_HEADER = ("# Server certificates xapiman trusts for addresses given without a profile.\n"
           "# One line per server: host:port SHA-256 fingerprint.\n")


class KnownHostsError(OSError):
    """The known-hosts file cannot be read or written; the message says which and why."""


class KnownHosts:
    """The known-hosts file in a folder (default: the profiles' folder).

    Attributes:
        path: the file.
    """

    def __init__(self, folder: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(folder if folder is not None else default_config_dir()) / FILE_NAME

    def pins(self) -> dict[str, str]:
        """address -> fingerprint; unreadable lines are skipped (and logged)."""
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise KnownHostsError(translate(
                "KnownHosts", "cannot read {path}: {why}").format(
                    path=self.path, why=exc.strerror or exc)) from None
        pins: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            try:
                if len(words) != 2:
                    raise ValueError("expected an address and a fingerprint")
                pins[words[0]] = normalize_fingerprint(words[1])
            except ValueError as exc:
                log.warning("%s, line %d skipped: %s", self.path, number, exc)
        return pins

    def get(self, address: str) -> str | None:
        return self.pins().get(address)

    def remember(self, address: str, fingerprint: str) -> None:
        """Trust `fingerprint` for `address` from now on (replacing what was there)."""
        pins = self.pins()
        pins[address] = normalize_fingerprint(fingerprint)
        body = "".join(f"{addr} {fp}\n" for addr, fp in sorted(pins.items()))
        try:
            atomic_write_bytes(self.path, (_HEADER + body).encode("utf-8"))
        except OSError as exc:
            raise KnownHostsError(translate(
                "KnownHosts", "cannot save {path}: {why}").format(
                    path=self.path, why=exc.strerror or exc)) from None
