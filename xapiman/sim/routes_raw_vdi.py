"""Disk contents over HTTP: PUT /import_raw_vdi writes an image into a VDI, GET /export_raw_vdi
reads one out, as raw bytes or as a VHD (xapi's import_raw_vdi.ml and export_raw_vdi.ml).

Query (or cookie) arguments: `vdi` (ref or uuid), `format` (raw, the default, or vhd; tar and
qcow2 are xapi's too but not simulated), `session_id`, `task_id`; an import without `vdi` but
with `sr_id` makes a new "Imported VDI" of the body's length (raw only). Both answer 200 with a
`task-id` header before the data moves, and the task ends with the VDI as its result (import)
or empty (export). An import needs a Content-Length (chunked transfer encoding is refused); its
data is kept only once the whole image arrived and checked out (an image larger than the disk,
a broken VHD, a cancelled task or a dropped connection leave the disk as it was).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO, cast

from xapiman.sim import vhd, xva
from xapiman.sim.db import Database
from xapiman.sim.errors import Failure
from xapiman.sim.routes import Request, route
from xapiman.sim.routes_xva import (
    _STREAM_ERRORS,
    DRAIN_LIMIT,
    IMPORT_TIMEOUT,
    BodyReader,
    Progress,
    _cookie,
    _refuse,
    _start_reply,
    _task_for,
)
from xapiman.sim.storage import (
    attached_vbds,
    holds_files,
    is_thick,
    new_vdi,
    recount,
    vhd_metadata_size,
)

FORMATS = ("raw", "vhd", "tar", "qcow2")
SIMULATED = ("raw", "vhd")
CONTENT_TYPES = {"raw": "application/octet-stream", "vhd": "application/vhd"}


def _arg(request: Request, name: str) -> str | None:
    return request.arg(name) or _cookie(request, name)


def _vdi_of(request: Request) -> str | None:
    """The VDI named by `vdi` (a ref or a uuid); None when not given."""
    db = request.sim.db
    given = _arg(request, "vdi")
    if not given:
        return None
    if db.find(given, "VDI") is not None:
        return given
    return db.by_uuid("VDI", given)


def _format(request: Request) -> str:
    """The format asked for (raw by default); INTERNAL_ERROR for one xapi does not know."""
    wanted = (_arg(request, "format") or "raw").lower()
    if wanted not in FORMATS:
        raise Failure("INTERNAL_ERROR", f"Unknown format {wanted}")
    if wanted not in SIMULATED:
        raise Failure("INTERNAL_ERROR", f"the simulator does not write {wanted} images")
    return wanted


def _sr_attached(db: Database, sr: str) -> bool:
    return any(db.get(pbd, "PBD")["currently_attached"] for pbd in db.get(sr, "SR")["PBDs"])


# -- import ---------------------------------------------------------------------------------------


@route("PUT", "/import_raw_vdi")
def import_raw_vdi(request: Request) -> None:
    with request.authenticated() as session:
        sim, handler = request.sim, request.handler
        task = _task_for(request, "VDI.import", session)
        handler.close_connection = True
        try:
            fmt = _format(request)
        except Failure as failure:
            _refuse(request, task, failure, 404)
            return
        if fmt != "raw" and _arg(request, "chunked") is not None:
            _refuse(request, task, Failure("INTERNAL_ERROR", "Cannot handle chunked VHD"), 404)
            return
        encoding = handler.headers.get("Transfer-Encoding")
        if encoding:
            _refuse(request, task, Failure("INTERNAL_ERROR",
                                           f"Cannot handle encoding: {encoding}"), 404)
            return
        length = handler.headers.get("Content-Length", "")
        try:
            vdi = _import_target(request, fmt, int(length) if length.isdigit() else None)
        except Failure as failure:
            _refuse(request, task, failure, 400)
            return
        sim.tasks.progress(task, 0.0)
        _start_reply(request, task, "HTTP/1.1", {})
        handler.connection.settimeout(IMPORT_TIMEOUT)
        size = int(length) if length.isdigit() else 0
        body = BodyReader(cast(BinaryIO, handler.rfile), size, Progress(sim, task, size))
        try:
            _receive(sim.db, vdi, fmt, body, size)
            sim.tasks.succeed(task, vdi)
        except Failure as failure:
            sim.tasks.fail(task, failure)
            body.drain(DRAIN_LIMIT)
        except _STREAM_ERRORS:
            sim.tasks.fail(task, Failure("VDI_IO_ERROR", "the upload ended early"))


def _import_target(request: Request, fmt: str, length: int | None) -> str:
    """The VDI the body goes into: the one named, else a new one in `sr_id` (raw only)."""
    db = request.sim.db
    vdi = _vdi_of(request)
    if vdi is None:
        sr = _arg(request, "sr_id")
        if not sr:
            raise Failure("VDI_MISSING")
        db.get(sr, "SR")
        if fmt != "raw":
            raise Failure("INTERNAL_ERROR", "Importing a VHD directly into an SR not yet "
                                            "supported")
        if length is None:
            raise Failure("INTERNAL_ERROR", "Not enough info supplied to import")
        with db.lock:
            if not _sr_attached(db, sr):
                raise Failure("SR_HAS_NO_PBDS", sr)
            return new_vdi(db, sr, "Imported VDI", length)
    with db.lock:
        rec = db.get(vdi, "VDI")
        if length is None:
            raise Failure("INTERNAL_ERROR", "a Content-Length is required")
        if rec["read_only"]:
            raise Failure("VDI_READONLY", vdi)
        if attached_vbds(db, vdi):
            raise Failure("VDI_IN_USE", vdi, "import")
        if not _sr_attached(db, rec["SR"]):
            raise Failure("SR_HAS_NO_PBDS", rec["SR"])
    return vdi


def _receive(db: Database, vdi: str, fmt: str, body: BodyReader, length: int) -> None:
    """Read the whole image, then make it the disk's contents."""
    size = db.get(vdi, "VDI")["virtual_size"]
    reader = io.BufferedReader(body, buffer_size=xva.CHUNK)

    def read_exact(count: int) -> bytes:
        data = reader.read(count)
        if len(data) < count and body.truncated:
            raise Failure("VDI_IO_ERROR", "the upload ended early")
        return data

    if fmt == "raw":
        image_size, pieces = length, _raw_pieces(read_exact, length)
    else:
        try:
            image_size, pieces = vhd.read(read_exact, length)
        except vhd.VhdError as exc:
            raise Failure("INTERNAL_ERROR", f"vhd-tool: {exc}") from None
    if image_size > size:
        raise Failure("VDI_IO_ERROR", f"the image ({image_size} bytes) is larger than the "
                                      f"disk ({size} bytes)")
    chunks: dict[int, bytes] = {}
    try:
        for offset, data in pieces:
            _place(chunks, offset, data)
    except vhd.VhdError as exc:
        raise Failure("INTERNAL_ERROR", f"vhd-tool: {exc}") from None
    with db.lock:
        rec = db.find(vdi, "VDI")
        if rec is None:
            raise Failure("HANDLE_INVALID", "VDI", vdi)
        xva.replace_contents(db, vdi, chunks)
        _account(db, vdi, rec, len(chunks))


def _raw_pieces(read_exact, length: int) -> Iterator[tuple[int, bytes]]:
    done = 0
    while done < length:
        data = read_exact(min(xva.CHUNK, length - done))
        if not data:
            raise Failure("VDI_IO_ERROR", "the upload ended early")
        yield done, data
        done += len(data)


def _place(chunks: dict[int, bytes], offset: int, data: bytes) -> None:
    """Write `data` at byte `offset` into 1 MiB chunks, keeping only non-zero ones."""
    while data:
        index, within = divmod(offset, xva.CHUNK)
        take = min(len(data), xva.CHUNK - within)
        piece, data = data[:take], data[take:]
        offset += take
        current = chunks.get(index)
        if current is None and piece.count(0) == len(piece):
            continue
        if len(chunks) >= xva.KEEP_CHUNKS and current is None:
            continue  # the simulator keeps the first KEEP_CHUNKS chunks of data only
        block = bytearray(current or bytes(xva.CHUNK))
        block[within:within + take] = piece
        chunks[index] = bytes(block)


def _account(db: Database, vdi: str, rec: dict, written_chunks: int) -> None:
    """A thin SR's VHD file grows with the data written (2 MiB blocks); thick ones hold their
    whole size already."""
    sr_rec = db.get(rec["SR"], "SR")
    if holds_files(sr_rec) or is_thick(sr_rec):
        return
    blocks = -(-written_chunks * xva.CHUNK // vhd.BLOCK)
    used = max(rec["physical_utilisation"],
               vhd_metadata_size(rec["virtual_size"]) + blocks * vhd.BLOCK)
    if used != rec["physical_utilisation"]:
        db.update(vdi, physical_utilisation=used)
        recount(db, rec["SR"])


# -- export ---------------------------------------------------------------------------------------


@route("GET", "/export_raw_vdi")
def export_raw_vdi(request: Request) -> None:
    with request.authenticated() as session:
        sim = request.sim
        task = _task_for(request, "VDI.export_raw_vdi", session)
        try:
            fmt = _format(request)
            vdi = _vdi_of(request)
            if vdi is None:
                raise Failure("INTERNAL_ERROR", "Missing vdi query parameter")
            with sim.db.lock:
                rec = sim.db.get(vdi, "VDI")
                if not _sr_attached(sim.db, rec["SR"]):
                    raise Failure("SR_HAS_NO_PBDS", rec["SR"])
                size = rec["virtual_size"]
                chunks = xva.stored_chunks(sim.db, vdi, rec)
        except Failure as failure:
            _refuse(request, task, failure, 404 if failure.code == "INTERNAL_ERROR" else 500)
            return
        sim.tasks.progress(task, 0.0)
        _start_reply(request, task, "HTTP/1.0", {
            "Content-Disposition": f'attachment; filename="{rec["uuid"]}.{fmt}"',
            "Content-Type": CONTENT_TYPES[fmt]})
        out = request.handler.wfile
        progress = Progress(sim, task, size)
        try:
            if fmt == "raw":
                for index in range(-(-size // xva.CHUNK)):
                    data = xva.chunk_data(size, index, chunks)
                    out.write(data)
                    progress.advance(len(data))
            else:
                for piece in vhd.write(size, _blocks(size, chunks)):
                    out.write(piece)
                progress.advance(size)
            out.flush()
            sim.tasks.succeed(task, "")
        except Failure as failure:
            sim.tasks.fail(task, failure)
        except _STREAM_ERRORS as exc:
            sim.tasks.fail(task, Failure("CLIENT_ERROR", str(exc) or type(exc).__name__))


def _blocks(size: int, chunks: dict[int, bytes]) -> dict[int, bytes]:
    """The disk's non-zero 2 MiB VHD blocks, from its 1 MiB chunks."""
    per_block = vhd.BLOCK // xva.CHUNK
    out: dict[int, bytes] = {}
    for number in sorted({i // per_block for i in chunks}):
        first = number * per_block
        out[number] = b"".join(xva.chunk_data(size, i, chunks) if i * xva.CHUNK < size
                               else b"" for i in range(first, first + per_block))
    return out
