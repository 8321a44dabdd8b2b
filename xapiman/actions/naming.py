"""Names people can tell apart: each host's "Local storage" is named with its host."""

from __future__ import annotations

from xapiman.i18n import translate


def sr_host(cache, sr_ref: str) -> str:
    """The one host a local SR is plugged into ("" when shared or plugged into several)."""
    sr = cache.record("SR", sr_ref) or {}
    if sr.get("shared"):
        return ""
    hosts = {(cache.record("PBD", p) or {}).get("host") for p in sr.get("PBDs", ())}
    hosts.discard(None)
    return str(hosts.pop()) if len(hosts) == 1 else ""


def sr_label(cache, sr_ref: str) -> str:
    """An SR's name, with its host's when another SR of the pool has the same name
    ("Local storage (xcp-host-02)"); never a raw ref."""
    sr = cache.record("SR", sr_ref)
    if sr is None:
        return translate("Naming", "(unknown storage)")
    name = str(sr.get("name_label") or translate("Naming", "(unnamed storage)"))
    twins = [ref for ref, other in cache.records("SR").items()
             if ref != sr_ref and other.get("name_label") == sr.get("name_label")]
    if not twins:
        return name
    host = cache.record("host", sr_host(cache, sr_ref))
    if host is not None:
        return translate("Naming", "{name} ({host})").format(
            name=name, host=host.get("name_label", ""))
    return translate("Naming", "{name} ({type})").format(name=name, type=sr.get("type", ""))
