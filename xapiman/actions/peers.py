"""The pools open beside the one an action works on, for the actions that reach across pools
(migrate a VM to another pool, add a server to a pool).

The desktop app installs its open connections (`install(manager's connections)`) and how one
is closed for good (`retire`: a server that joined another open pool); the command line
installs the one its `--to-profile` option opened. Without either, there are none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Provider = Callable[[], Mapping[str, Any]]
Retire = Callable[[str], None]


def _none() -> Mapping[str, Any]:
    return {}


_provider: Provider = _none
_retire: Retire | None = None


def install(provider: Provider | None, retire: Retire | None = None) -> None:
    """Where the open pools come from: name -> connection (None: no other pools); `retire`
    closes an open connection for good and forgets its saved server (blocking)."""
    global _provider, _retire
    _provider = provider if provider is not None else _none
    _retire = retire


def retire(name: str) -> bool:
    """Close the open connection `name` for good (its server now belongs to another open
    pool); False when nobody installed a way to (the command line)."""
    if _retire is None or not name:
        return False
    _retire(name)
    return True


def open_pools() -> dict[str, Any]:
    """Every open pool whose objects are loaded, by name (connections without a pool object
    yet, still connecting or failed, are left out)."""
    out = {}
    for name, conn in _provider().items():
        cache = getattr(conn, "cache", None)
        if conn is not None and cache is not None and cache.records("pool"):
            out[name] = conn
    return out


def name_of(conn: Any) -> str:
    """The name the open pool `conn` is known by ("" when it is not among them)."""
    return next((name for name, c in open_pools().items() if c is conn), "")


def pool_title(conn: Any) -> str:
    """What people call the pool of `conn`: its name, else its coordinator's name."""
    cache = conn.cache
    pool: dict = next(iter(cache.records("pool").values()), {})
    if pool.get("name_label"):
        return str(pool["name_label"])
    master = cache.record("host", pool.get("master", "")) or {}
    return str(master.get("name_label") or name_of(conn) or "?")


def others(conn: Any) -> dict[str, Any]:
    """The open pools other than the one of `conn` (another connection to the same pool
    included only once, as itself)."""
    mine = _pool_uuid(conn)
    return {name: c for name, c in open_pools().items()
            if c is not conn and (not mine or _pool_uuid(c) != mine)}


def pool_at(address: str) -> tuple[str, Any] | None:
    """The open pool one of whose servers answers at `address` ("host" or "host:port"), as
    (name, connection)."""
    wanted = _endpoint(address)
    if wanted is None:
        return None
    for name, conn in open_pools().items():
        for host in conn.cache.records("host").values():
            there = _endpoint(str(host.get("address", "")))
            if there is not None and there == wanted:
                return name, conn
    return None


def _endpoint(address: str) -> tuple[str, int] | None:
    from xapiman.xapi.endpoints import AddressError, parse_address

    try:
        parsed = parse_address(address)
    except AddressError:
        return None
    return parsed.host.casefold(), parsed.port or 443


def _pool_uuid(conn: Any) -> str:
    pool: dict = next(iter(conn.cache.records("pool").values()), {})
    return str(pool.get("uuid", ""))
