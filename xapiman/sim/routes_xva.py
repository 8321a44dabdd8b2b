"""VM export and import over HTTP: GET /export streams a VM as XVA, PUT /import reads one.

Both run under a task (the client's `task_id`, else a new one named in the `task-id` header)
whose progress follows the disk bytes; `task.cancel` stops them. Export locks the VM with the
`export` operation; import creates the objects first (the VM carries `import` meanwhile), then
reads the disks, and removes everything again if the stream breaks (reference/xapi.md 7).
"""

from __future__ import annotations

import contextlib
import io
import logging
import ssl
import tarfile
import time
from typing import BinaryIO

from xapiman.sim import lifecycle, xva
from xapiman.sim.call import Call
from xapiman.sim.db import Database
from xapiman.sim.errors import Failure
from xapiman.sim.routes import Request, route
from xapiman.sim.simulator import Simulator

log = logging.getLogger("xapiman.sim.xva")

SIM_RATE = 2 * 1024**3  # bytes per simulated second a disk is read or written
DRAIN_LIMIT = 64 * 1024 * 1024  # body bytes read after a failed import before closing
IMPORT_TIMEOUT = 120.0  # seconds an import waits for the next bytes of the body
_STREAM_ERRORS = (ConnectionError, TimeoutError, ssl.SSLError)


class Progress:
    """Advances a task with the bytes done, paced like a disk at the simulator's speed;
    raises TASK_CANCELLED once the task was cancelled."""

    def __init__(self, sim: Simulator, task: str, total: int) -> None:
        self.sim, self.task, self.total = sim, task, max(total, 1)
        self.done = 0
        self.shown = 0.0
        self.owed = 0.0  # real seconds of pacing not slept yet

    def advance(self, n: int) -> None:
        """Count `n` more bytes, in steps of at most 1% so that pacing and progress stay smooth."""
        piece = max(self.total // 100, 1)
        while n > 0:
            step = min(n, piece)
            n -= step
            self._step(step)

    def _step(self, n: int) -> None:
        self.done += n
        speed = self.sim.config.speed
        if speed > 0:
            self.owed += n / SIM_RATE / speed
            if self.owed >= 0.02:
                time.sleep(self.owed)
                self.owed = 0.0
        fraction = min(self.done / self.total, 1.0)
        if fraction - self.shown >= 0.01:
            self.shown = fraction
            self.sim.tasks.check_cancel(self.task)
            self.sim.tasks.progress(self.task, fraction)


def _task_for(request: Request, label: str, session: str) -> str:
    """The client's task (`task_id` in the query or a cookie), else a new one."""
    ref = request.arg("task_id") or _cookie(request, "task_id")
    if ref:
        request.sim.db.get(ref, "task")
        return ref
    return request.sim.tasks.create(label, host=request.host, session=session)


def _cookie(request: Request, name: str) -> str | None:
    for part in request.handler.headers.get("Cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None


def _refuse(request: Request, task: str, failure: Failure, status: int) -> None:
    """Fail the task and answer with an HTTP error (nothing was streamed yet); a request body
    of a known length is read first (up to DRAIN_LIMIT) so the client gets to see the answer."""
    request.sim.tasks.fail(task, failure)
    request.handler.close_connection = True
    length = request.handler.headers.get("Content-Length", "")
    if length.isdigit() and not request.handler.headers.get("Transfer-Encoding"):
        left = min(int(length), DRAIN_LIMIT)
        while left > 0 and (data := request.handler.rfile.read1(min(left, 1 << 20))):
            left -= len(data)
    request.reply(status, " ".join(failure.description).encode(),
                  headers={"task-id": task, "Connection": "close"})


def _start_reply(request: Request, task: str, version: str, extra: dict[str, str]) -> None:
    handler = request.handler
    handler.close_connection = True
    handler.protocol_version = version
    handler.send_response(200)
    handler.send_header("Connection", "close")
    handler.send_header("Cache-Control", "no-cache, no-store")
    handler.send_header("task-id", task)
    handler.send_header("Content-Type", "application/octet-stream")
    for key, value in extra.items():
        handler.send_header(key, value)
    handler.end_headers()
    handler.wfile.flush()


# -- export -----------------------------------------------------------------------------------


def _vm_of(request: Request) -> str:
    db = request.sim.db
    ref, uuid = request.arg("ref"), request.arg("uuid")
    if ref:
        db.get(ref, "VM")
        return ref
    return db.by_uuid("VM", uuid or "")


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
    tar.addfile(info, io.BytesIO(data))


def write_xva(out: BinaryIO, ova: bytes, disks: list[xva.ExportDisk],
              contents: dict[str, dict[int, bytes]], progress: Progress, *,
              gzip: bool = False) -> None:
    """The XVA tar stream: ova.xml, then each disk's chunks with their checksums."""
    mode = "w|gz" if gzip else "w|"
    with tarfile.open(fileobj=out, mode=mode, format=tarfile.USTAR_FORMAT) as tar:
        _add(tar, xva.OVA, ova)
        for disk in disks:
            done = 0
            for index in xva.chunk_plan(disk.size, contents[disk.id]):
                data = xva.chunk_data(disk.size, index, contents[disk.id])
                name = f"{disk.id}/{index:08d}"
                _add(tar, name, data)
                _add(tar, name + ".checksum", xva.checksum(data).encode())
                end = index * xva.CHUNK + len(data)
                progress.advance(end - done)
                done = end
            progress.advance(disk.size - done)


@route("GET", "/export")
def export(request: Request) -> None:
    with request.authenticated() as session, contextlib.ExitStack() as stack:
        db, sim = request.sim.db, request.sim
        vm = _vm_of(request)
        task = _task_for(request, "VM.export", session)
        call = Call(sim, session, request.host, "VM.export", task=task)
        compression = request.arg("use_compression", "false")
        try:
            if compression == "zstd":
                raise Failure("INTERNAL_ERROR", "the simulator cannot compress with zstd")
            stack.enter_context(lifecycle.vm_operation(call, vm, "export"))
        except Failure as failure:
            _refuse(request, task, failure, 500)
            return
        try:
            with db.lock:
                objects, disks = xva.export_objects(db, vm)
                ova = xva.ova_xml(db, objects)
                contents = {d.id: xva.stored_chunks(db, d.vdi, db.get(d.vdi, "VDI")) for d in disks}
            sim.tasks.progress(task, 0.0)
            _start_reply(request, task, "HTTP/1.0",
                         {"Content-Disposition": 'attachment; filename="export.xva"'})
            write_xva(request.handler.wfile, ova, disks, contents,
                      Progress(sim, task, sum(d.size for d in disks)),
                      gzip=compression in ("true", "gzip"))
            sim.tasks.succeed(task, "")
        except Failure as failure:
            sim.tasks.fail(task, failure)
        except _STREAM_ERRORS as exc:
            sim.tasks.fail(task, Failure("CLIENT_ERROR", str(exc) or type(exc).__name__))


# -- import -----------------------------------------------------------------------------------


class BodyReader(io.RawIOBase):
    """At most `length` bytes of a request body, counted into a Progress."""

    def __init__(self, raw: BinaryIO, length: int, progress: Progress) -> None:
        super().__init__()
        self.raw, self.left, self.progress = raw, length, progress
        self.truncated = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        want = min(len(buffer), self.left)
        if want <= 0:
            return 0
        data = self.raw.read1(want) if hasattr(self.raw, "read1") else self.raw.read(want)
        if not data:
            self.truncated = True
            return 0
        buffer[: len(data)] = data
        self.left -= len(data)
        self.progress.advance(len(data))
        return len(data)

    def drain(self, limit: int) -> None:
        while self.left > 0 and limit > 0 and not self.truncated:
            data = self.raw.read1(min(self.left, limit, 1 << 20))
            if not data:
                return
            self.left -= len(data)
            limit -= len(data)


def _import_sr(request: Request) -> str:
    db = request.sim.db
    sr = request.arg("sr_id") or _cookie(request, "sr_id")
    if sr:
        db.get(sr, "SR")
        return sr
    if request.arg("sr_uuid"):
        return db.by_uuid("SR", request.arg("sr_uuid") or "")
    default = db.get(request.sim.pool_ref(), "pool")["default_SR"]
    if db.find(default, "SR") is None:
        raise Failure("DEFAULT_SR_NOT_FOUND", default)
    return default


def _flag(request: Request, name: str) -> bool:
    return (request.arg(name) or "").lower() == "true"


def read_disks(tar: tarfile.TarFile, db: Database, imported: xva.Imported, force: bool) -> None:
    """Read every chunk after ova.xml into the new disks, checking the checksums."""
    seen: dict[str, set[int]] = {ident: set() for ident in imported.disks}
    last: tuple[str, bytes] | None = None
    while (member := tar.next()) is not None:
        if member.isdir():
            continue
        match = xva.CHUNK_NAME.match(member.name)
        if match is None:
            raise Failure("IMPORT_ERROR_UNEXPECTED_FILE", "Ref:<n>/<chunk>", member.name)
        ident, number, suffix = match.groups()
        if ident not in imported.disks:
            raise Failure("IMPORT_ERROR_FAILED_TO_FIND_OBJECT", ident)
        data = tar.extractfile(member).read()  # type: ignore[union-attr]
        if suffix is None:
            _store_chunk(db, imported, ident, int(number), data)
            seen[ident].add(int(number))
            last = (member.name, data)
        elif suffix == ".checksum" and not force:
            expected = data.decode("ascii", "replace").strip().lower()
            if last is None or last[0] + suffix != member.name or xva.checksum(last[1]) != expected:
                raise Failure("IMPORT_ERROR_SOME_CHECKSUMS_FAILED")
    for ident, (_vdi, size) in imported.disks.items():
        if size > 0 and (size - 1) // xva.CHUNK not in seen[ident]:
            raise Failure("IMPORT_ERROR_PREMATURE_EOF")


def _store_chunk(db: Database, imported: xva.Imported, ident: str, index: int,
                 data: bytes) -> None:
    vdi, size = imported.disks[ident]
    if index * xva.CHUNK >= size or len(data) > xva.CHUNK:
        raise Failure("IMPORT_ERROR", f"chunk {ident}/{index:08d} lies beyond the disk's end")
    if data.count(0) != len(data):
        xva.keep_chunk(db, vdi, index, data)
        imported.written[vdi] = imported.written.get(vdi, 0) + len(data)


def receive(request: Request, body: BodyReader, task: str, sr: str) -> list[str]:
    """Read an XVA from the body; the imported VMs, or a Failure with nothing left behind."""
    db = request.sim.db
    imported: xva.Imported | None = None
    try:
        with tarfile.open(fileobj=io.BufferedReader(body), mode="r|*") as tar:
            first = tar.next()
            if first is None:
                raise Failure("IMPORT_ERROR_PREMATURE_EOF")
            if first.name != xva.OVA:
                raise Failure("IMPORT_ERROR_UNEXPECTED_FILE", xva.OVA, first.name)
            objects = xva.parse_ova(tar.extractfile(first).read())  # type: ignore[union-attr]
            imported = xva.create_objects(db, objects, sr, task, restore=_flag(request, "restore"))
            _mark_objects_created(db, task)
            read_disks(tar, db, imported, _flag(request, "force"))
        xva.finish(db, imported, task)
        return list(imported.vms)
    except Exception as exc:
        if imported is not None:
            xva.cleanup(db, imported)
        if isinstance(exc, Failure):
            raise
        raise _as_failure(exc, body) from exc


def _as_failure(exc: Exception, body: BodyReader) -> Failure:
    """xapi's answer to a stream that broke: premature EOF, else IMPORT_ERROR [reason]."""
    if body.truncated or isinstance(exc, TimeoutError | EOFError | ConnectionError):
        return Failure("IMPORT_ERROR_PREMATURE_EOF")
    if not isinstance(exc, tarfile.TarError | OSError | UnicodeError | ValueError):
        log.exception("import failed unexpectedly")
    return Failure("IMPORT_ERROR", f"{type(exc).__name__}: {exc}")


def _mark_objects_created(db: Database, task: str) -> None:
    """Tell the client the objects exist (xapi: task other_config object_creation)."""
    with db.lock:
        rec = db.find(task, "task")
        if rec is not None:
            db.update(task, other_config={**rec["other_config"], "object_creation": "complete"})


@route("PUT", "/import")
def import_vm(request: Request) -> None:
    with request.authenticated() as session:
        sim, handler = request.sim, request.handler
        task = _task_for(request, "VM.import", session)
        handler.close_connection = True
        try:
            sr = _import_sr(request)
        except Failure as failure:
            _refuse(request, task, failure, 500)
            return
        if sim.db.get(sr, "SR")["content_type"] == "iso":
            _refuse(request, task, Failure("SR_OPERATION_NOT_SUPPORTED", sr), 400)
            return
        if handler.headers.get("Transfer-Encoding"):
            _refuse(request, task, Failure("IMPORT_ERROR_CANNOT_HANDLE_CHUNKED"), 403)
            return
        length = handler.headers.get("Content-Length", "")
        if not length.isdigit():
            _refuse(request, task, Failure("IMPORT_ERROR", "a Content-Length is required"), 411)
            return
        sim.tasks.progress(task, 0.0)
        _start_reply(request, task, "HTTP/1.1", {})
        handler.connection.settimeout(IMPORT_TIMEOUT)
        body = BodyReader(handler.rfile, int(length), Progress(sim, task, int(length)))
        try:
            sim.tasks.succeed(task, receive(request, body, task, sr))
            body.drain(int(length))
        except Failure as failure:
            sim.tasks.fail(task, failure)
            body.drain(DRAIN_LIMIT)
        except _STREAM_ERRORS:
            sim.tasks.fail(task, Failure("IMPORT_ERROR_PREMATURE_EOF"))

