"""blob.*: binary blobs, the create_new_blob of VM/host/SR/network/pool and `/blob` GET/PUT."""

from __future__ import annotations

import weakref

from xapiman.sim.call import Call
from xapiman.sim.db import Database
from xapiman.sim.handlers.registry import handler
from xapiman.sim.model.values import NEVER, DateTime, now
from xapiman.sim.routes import Request, route

# Classes whose records name their blobs in a `blobs` map (name -> blob ref).
OWNERS = ("VM", "host", "SR", "network", "pool")

# Blob contents, per simulated pool: blob ref -> bytes.
_CONTENTS: weakref.WeakKeyDictionary[Database, dict[str, bytes]] = weakref.WeakKeyDictionary()


def contents(db: Database) -> dict[str, bytes]:
    with db.lock:
        found = _CONTENTS.get(db)
        if found is None:
            found = _CONTENTS[db] = {}
        return found


def new_blob(db: Database, mime_type: str, public: bool) -> str:
    return db.create("blob", {"mime_type": mime_type or "application/octet-stream",
                              "public": public, "size": 0, "last_updated": DateTime(NEVER)})


def attach_new_blob(db: Database, cls: str, owner: str, name: str, mime_type: str,
                    public: bool) -> str:
    """A new blob named `name` in the `blobs` map of `owner` (xapi replaces a same-named one)."""
    with db.lock:
        record = db.get(owner, cls)
        blob = new_blob(db, mime_type, public)
        db.update(owner, blobs={**record["blobs"], name: blob})
        return blob


def forget_blob(db: Database, blob: str) -> None:
    """Drop `blob` from every owner's `blobs` map, then the blob and its content."""
    with db.lock:
        db.get(blob, "blob")
        for cls in OWNERS:
            for ref, rec in list(db.all(cls).items()):
                if blob in rec["blobs"].values():
                    db.update(ref, blobs={k: v for k, v in rec["blobs"].items() if v != blob})
        db.destroy(blob)
        contents(db).pop(blob, None)


@handler("blob", "create")
def create(call: Call, mime_type: str, public: bool = False) -> str:
    return new_blob(call.db, mime_type, public)


@handler("blob", "destroy")
def destroy(call: Call, self: str) -> None:
    forget_blob(call.db, self)


@handler("VM", "create_new_blob")
def vm_create_new_blob(call: Call, vm: str, name: str, mime_type: str,
                       public: bool = False) -> str:
    return attach_new_blob(call.db, "VM", vm, name, mime_type, public)


@handler("host", "create_new_blob")
def host_create_new_blob(call: Call, host: str, name: str, mime_type: str,
                         public: bool = False) -> str:
    return attach_new_blob(call.db, "host", host, name, mime_type, public)


@handler("SR", "create_new_blob")
def sr_create_new_blob(call: Call, sr: str, name: str, mime_type: str,
                       public: bool = False) -> str:
    return attach_new_blob(call.db, "SR", sr, name, mime_type, public)


@handler("network", "create_new_blob")
def network_create_new_blob(call: Call, network: str, name: str, mime_type: str,
                            public: bool = False) -> str:
    return attach_new_blob(call.db, "network", network, name, mime_type, public)


@handler("pool", "create_new_blob")
def pool_create_new_blob(call: Call, pool: str, name: str, mime_type: str,
                         public: bool = False) -> str:
    return attach_new_blob(call.db, "pool", pool, name, mime_type, public)


# -- HTTP: GET|PUT /blob?ref=<blob ref> or ?uuid=<blob uuid> -----------------------------------

def blob_of_request(request: Request) -> str | None:
    db = request.sim.db
    ref = request.arg("ref")
    if ref and db.find(ref, "blob") is not None:
        return ref
    uuid = request.arg("uuid")
    if uuid:
        return next((r for r, rec in db.all("blob").items() if rec["uuid"] == uuid), None)
    return None


def with_session(request: Request, work) -> None:
    """Run `work()` for an authenticated request (a Basic-auth session is logged out after)."""
    ref, temporary = request.session()
    try:
        work()
    finally:
        if temporary:
            request.sim.sessions.logout(ref)


@route("GET", "/blob")
def get_blob(request: Request) -> None:
    if request.arg("ref") is None and request.arg("uuid") is None:
        request.reply(400, b"Bad Request: ref or uuid required\n")
        return
    blob = blob_of_request(request)
    if blob is None:
        request.reply(404, b"Unknown reference\n")
        return
    record = request.sim.db.get(blob, "blob")

    def send() -> None:
        data = contents(request.sim.db).get(blob)
        if data is None:
            request.reply(404, b"Not Found\n")
        else:
            request.reply(200, data, content_type=record["mime_type"])

    if record["public"]:
        send()
    else:
        with_session(request, send)


@route("PUT", "/blob")
def put_blob(request: Request) -> None:
    blob = blob_of_request(request)
    if blob is None:
        request.reply(404, b"Unknown reference\n")
        return

    def store() -> None:
        length = request.handler.headers.get("Content-Length")
        if length is None:
            request.reply(411, b"Length Required\n")
            return
        data = request.handler.rfile.read(int(length))
        db = request.sim.db
        with db.lock:
            if db.find(blob, "blob") is None:
                request.reply(404, b"Unknown reference\n")
                return
            contents(db)[blob] = data
            db.update(blob, size=len(data), last_updated=now())
        request.reply(200, headers={"Access-Control-Allow-Origin": "*"})

    with_session(request, store)
