"""XVA files: VM export to a file and import from one, streamed over XAPI's HTTP handlers.

`export_vm` reads `GET /export` into a file: the data goes to a temporary file beside the
target, which is renamed to the target only once the stream ended as a complete XVA; on any
failure or cancel the temporary file is removed. `import_xva` checks that a file is an XVA,
then sends it with `PUT /import` (with its length: xapi refuses chunked uploads). Both go to
the pool's coordinator (or a given host of the pool) through the connection's pinned TLS
certificates, follow a redirect only to a host of the same pool, report the bytes moved, and
stop at once when cancelled. The server's task (created by the caller with `task.create` and
passed as `task_id`) says how the transfer ended on its side.
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import io
import os
import tarfile
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlencode, urlsplit

from xapiman.i18n import translate
from xapiman.xapi.cache import ObjectCache
from xapiman.xapi.endpoints import Endpoint
from xapiman.xapi.errors import (
    ConnectionLost,
    HttpError,
    NotConnected,
    TransportError,
    XapiClientError,
)
from xapiman.xapi.errortext import human_size
from xapiman.xapi.http import USER_AGENT, HttpChannel
from xapiman.xapi.state import Timeouts
from xapiman.xapi.trust import CertificateTrust

CHUNK = 1024 * 1024
TAR_BLOCK = 512
READ_TIMEOUT = 300.0  # seconds a transfer waits for the next bytes (xapi may pause on disks)
MAX_REDIRECTS = 3
ProgressCallback = Callable[[int], None]


class XvaError(XapiClientError):
    """A file that is not an XVA, or a transfer that did not complete (the message says)."""


class TransferCancelled(XapiClientError):
    """The user cancelled the transfer."""


class XvaPool(Protocol):
    """What transfers need of a Connection."""

    cache: ObjectCache
    trust: CertificateTrust
    timeouts: Timeouts

    @property
    def session_ref(self) -> str | None: ...

    @property
    def coordinator_url(self) -> str: ...


@dataclass(frozen=True)
class XvaKind:
    """What kind of XVA a file is: "tar", "gzip" or "zstd" (checked no further)."""

    compression: str


def check_xva(path: str | os.PathLike[str]) -> XvaKind:
    """Whether `path` is an XVA export: a tar stream (plain or gzip) whose first member is
    `ova.xml`; a zstd-compressed one is recognised by its magic number only.

    Raises:
        XvaError: not an XVA (what it looks like instead); OSError: cannot be read.
    """
    name = Path(path).name
    with open(path, "rb") as handle:
        head = handle.read(TAR_BLOCK)
        if head[:2] == b"\x1f\x8b":
            handle.seek(0)
            try:
                with gzip.GzipFile(fileobj=handle) as unpacked:
                    head = unpacked.read(TAR_BLOCK)
            except (OSError, EOFError) as exc:
                raise XvaError(translate("Xva", "'{name}' is gzip-compressed but cannot be "
                                         "unpacked: {error}").format(name=name, error=exc)) \
                    from None
            compression = "gzip"
        elif head[:4] == b"\x28\xb5\x2f\xfd":
            return XvaKind("zstd")
        else:
            compression = "tar"
    if len(head) < TAR_BLOCK:
        raise XvaError(translate("Xva", "'{name}' is not an XVA export: it is too short "
                                 "({size} bytes).").format(name=name, size=len(head)))
    try:
        member = tarfile.TarInfo.frombuf(head, "utf-8", "surrogateescape")
    except tarfile.TarError:
        raise XvaError(translate("Xva", "'{name}' is not an XVA export: it is not a tar "
                                 "archive.").format(name=name)) from None
    if member.name != "ova.xml":
        raise XvaError(translate("Xva", "'{name}' is not an XVA export: its first member is "
                                 "'{member}', not ova.xml.").format(name=name,
                                                                    member=member.name))
    return XvaKind(compression)


def _tar_complete(path: Path) -> bool:
    """Whether a plain tar file ends with its end-of-archive blocks (two zero blocks)."""
    size = path.stat().st_size
    if size < 3 * TAR_BLOCK or size % TAR_BLOCK:
        return False
    with open(path, "rb") as handle:
        handle.seek(size - 2 * TAR_BLOCK)
        return handle.read(2 * TAR_BLOCK) == bytes(2 * TAR_BLOCK)


class Transfer:
    """One HTTP transfer with a pool; `cancel()` from any thread stops it at once."""

    def __init__(self, pool: XvaPool, url: str | None = None) -> None:
        self.pool = pool
        self.url = url or pool.coordinator_url
        self._cancelled = threading.Event()
        self._channel: HttpChannel | None = None
        self._lock = threading.Lock()

    def cancel(self) -> None:
        self._cancelled.set()
        with self._lock:
            channel = self._channel
        if channel is not None:
            channel.abort()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def _check(self) -> None:
        if self._cancelled.is_set():
            raise TransferCancelled(translate("Xva", "The transfer was cancelled."))

    def _session(self) -> str:
        session = self.pool.session_ref
        if not session:
            raise NotConnected(translate("Xva", "the connection to the pool is not logged in"))
        return session

    def _open(self, url: str) -> tuple[HttpChannel, http.client.HTTPConnection]:
        self._check()
        endpoint = Endpoint.parse(url)
        channel = HttpChannel(endpoint, self.pool.trust,
                              connect_timeout=self.pool.timeouts.connect,
                              read_timeout=READ_TIMEOUT)
        with self._lock:
            self._channel = channel
        if self._cancelled.is_set():
            channel.abort()
        return channel, channel.stream()

    def _redirect(self, response: http.client.HTTPResponse, address: str) -> str:
        """The URL of a redirect, when it points to a host of this pool."""
        location = response.getheader("Location") or ""
        parts = urlsplit(location)
        hosts = {str(h.get("address", "")) for h in self.pool.cache.records("host").values()}
        if parts.hostname not in hosts:
            raise HttpError(response.status, translate(
                "Xva", "redirected to {where}, which is not a host of this pool").format(
                    where=parts.hostname or location[:80]), address)
        base = Endpoint.parse(self.url)
        return base.at(parts.hostname).url if parts.port is None else \
            Endpoint.parse(f"{base.scheme}://{parts.hostname}:{parts.port}").url

    def _path(self, path: str, query: dict[str, str]) -> str:
        return f"{path}?{urlencode(query)}"

    def _refusal(self, response: http.client.HTTPResponse, address: str) -> HttpError:
        body = response.read(4096).decode("utf-8", "replace").strip()
        return HttpError(response.status, response.reason, address, body)

    def close(self) -> None:
        with self._lock:
            channel, self._channel = self._channel, None
        if channel is not None:
            channel.close()


def export_vm(pool: XvaPool, vm: str, target: str | os.PathLike[str], *, task: str,
              on_bytes: ProgressCallback | None = None, compress: bool = False,
              transfer: Transfer | None = None, url: str | None = None) -> int:
    """Stream the VM `vm` as an XVA into the file `target`; returns the bytes written.

    The file appears under its name only when complete (a plain XVA must end with the tar
    end-of-archive blocks); an existing file of that name is replaced then.

    Raises:
        TransferCancelled, XvaError (incomplete stream), HttpError (refused), TransportError,
        OSError (the local disk).
    """
    transfer = transfer or Transfer(pool, url)
    path = Path(target)
    query = {"session_id": transfer._session(), "ref": vm, "task_id": task}
    if compress:
        query["use_compression"] = "true"

    def complete(temp: Path, written: int) -> None:
        if not compress and not _tar_complete(temp):
            raise XvaError(translate("Xva", "the export stream ended before the XVA was "
                                     "complete ({size} arrived)").format(
                                         size=human_size(str(written))))

    return receive_file(transfer, path, "/export", query, on_bytes, complete)


def receive_file(transfer: Transfer, path: Path, handler: str, query: dict[str, str],
                 on_bytes: ProgressCallback | None,
                 complete: Callable[[Path, int], None]) -> int:
    """GET `handler` into a temporary file beside `path`, renamed to `path` once the stream
    ended and `complete(temporary file, bytes)` did not raise; returns the bytes written. The
    temporary file goes on any failure or cancel; the transfer is closed afterwards."""
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            written = _download(transfer, query, out, on_bytes, path=handler)
            out.flush()
            os.fsync(out.fileno())
        transfer._check()
        complete(temp, written)
        os.replace(temp, path)
        return written
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    finally:
        transfer.close()


def _download(transfer: Transfer, query: dict[str, str], out: io.BufferedWriter | io.RawIOBase,
              on_bytes: ProgressCallback | None, path: str = "/export") -> int:
    url = transfer.url
    for _ in range(MAX_REDIRECTS + 1):
        channel, conn = transfer._open(url)
        address = channel.endpoint.address
        with channel.errors("read", READ_TIMEOUT):
            conn.request("GET", transfer._path(path, query),
                         headers={"User-Agent": USER_AGENT})
            response = conn.getresponse()
        with contextlib.closing(response):
            if response.status in (301, 302, 303, 307):
                url = transfer._redirect(response, address)
                transfer.close()
                continue
            if response.status != 200:
                raise transfer._refusal(response, address)
            return _save(transfer, channel, response, out, on_bytes)
    raise HttpError(302, translate("Xva", "too many redirects"), Endpoint.parse(url).address)


def _save(transfer: Transfer, channel: HttpChannel, response: http.client.HTTPResponse,
          out: io.BufferedWriter | io.RawIOBase, on_bytes: ProgressCallback | None) -> int:
    written = 0
    while True:
        transfer._check()
        try:
            with channel.errors("read", READ_TIMEOUT):
                data = response.read1(CHUNK)
        except TransportError:
            transfer._check()  # a cancel cuts the connection: say cancelled, not lost
            raise
        if not data:
            return written
        out.write(data)
        written += len(data)
        if on_bytes is not None:
            on_bytes(written)


def import_xva(pool: XvaPool, source: str | os.PathLike[str], *, task: str, sr: str,
               on_bytes: ProgressCallback | None = None, transfer: Transfer | None = None,
               url: str | None = None) -> int:
    """Upload the XVA file `source` into the SR `sr`; returns the bytes sent. The server's
    task says when the VM exists (its result: the new VM refs).

    Raises:
        XvaError (not an XVA), TransferCancelled, HttpError (refused), TransportError,
        OSError (the local file).
    """
    transfer = transfer or Transfer(pool, url)
    path = Path(source)
    check_xva(path)
    query = {"session_id": transfer._session(), "task_id": task, "sr_id": sr}
    return send_file(transfer, path, "/import", query, on_bytes)


def send_file(transfer: Transfer, path: Path, handler: str, query: dict[str, str],
              on_bytes: ProgressCallback | None) -> int:
    """PUT the file to `handler` with its length, following redirects within the pool;
    returns the bytes sent. The transfer is closed afterwards."""
    size = path.stat().st_size
    try:
        with open(path, "rb") as handle:
            for _ in range(MAX_REDIRECTS + 1):
                handle.seek(0)
                redirect = _upload(transfer, transfer.url, query, handle, size, on_bytes,
                                   path=handler)
                if redirect is None:
                    return size
                transfer.close()
                transfer.url = redirect
        raise HttpError(302, translate("Xva", "too many redirects"),
                        Endpoint.parse(transfer.url).address)
    finally:
        transfer.close()


def _upload(transfer: Transfer, url: str, query: dict[str, str], handle: io.BufferedReader,
            size: int, on_bytes: ProgressCallback | None, path: str = "/import") -> str | None:
    """Send the file; None when the server took it, else the URL it redirected to."""
    channel, conn = transfer._open(url)
    address = channel.endpoint.address
    sent = 0
    try:
        with channel.errors("read", READ_TIMEOUT):
            conn.putrequest("PUT", transfer._path(path, query), skip_accept_encoding=True)
            conn.putheader("Content-Length", str(size))
            conn.putheader("Content-Type", "application/octet-stream")
            conn.putheader("User-Agent", USER_AGENT)
            conn.endheaders()
            while sent < size:
                transfer._check()
                data = handle.read(min(CHUNK, size - sent))
                if not data:
                    raise XvaError(translate("Xva", "the file became shorter while it was "
                                             "sent"))
                conn.send(data)
                sent += len(data)
                if on_bytes is not None:
                    on_bytes(sent)
    except TransportError:
        transfer._check()
        # the server may have refused it before reading everything: its answer says why
        refusal = _answer_after_failure(conn, address)
        if refusal is not None:
            raise refusal from None
        raise ConnectionLost(translate(
            "Xva", "the connection was lost after {sent} of {size} had been sent").format(
                sent=human_size(str(sent)), size=human_size(str(size))), address) from None
    with channel.errors("read", READ_TIMEOUT):
        response = conn.getresponse()
        with contextlib.closing(response):
            if response.status in (301, 302, 303, 307):
                return transfer._redirect(response, address)
            if response.status != 200:
                raise transfer._refusal(response, address)
            response.read()
    return None


def _answer_after_failure(conn: http.client.HTTPConnection, address: str) -> HttpError | None:
    """The server's refusal, if it answered before the connection broke."""
    try:
        response = conn.getresponse()
    except (OSError, http.client.HTTPException):
        return None
    with contextlib.closing(response):
        if response.status == 200:
            return None
        body = b""
        with contextlib.suppress(OSError, http.client.HTTPException):
            body = response.read(4096)
        return HttpError(response.status, response.reason, address,
                         body.decode("utf-8", "replace").strip())
