"""Find a VM, host or SR of the pool by name or uuid; ambiguous names list the matches."""

from __future__ import annotations

from xapiman.scripting.connect import CliError


def find(cache, cls: str, text: str, *, what: str, snapshots: bool = False,
         any_vm: bool = False) -> str:
    """The ref of the one `cls` object named or identified by `text` (VMs: not templates or
    snapshots unless told; `any_vm`: VMs, templates and snapshots alike)."""
    records = cache.records(cls)
    by_uuid = [ref for ref, rec in records.items() if rec.get("uuid") == text]
    if by_uuid:
        return by_uuid[0]
    if text in records:
        return text
    matches = [ref for ref, rec in records.items()
               if rec.get("name_label") == text and (
                   _eligible(cls, rec, snapshots) or any_vm and not rec.get("is_control_domain"))]
    if not matches:
        raise CliError(f"no {what} named or with uuid {text!r}")
    if len(matches) > 1:
        listing = "; ".join(f"{records[r]['uuid']} ({_where(cache, records[r])})" for r in matches)
        raise CliError(f"{len(matches)} {what}s are named {text!r}; give the uuid of one: "
                       f"{listing}")
    return matches[0]


def _eligible(cls: str, rec: dict, snapshots: bool) -> bool:
    if cls.lower() != "vm":
        return True
    if rec.get("is_control_domain"):
        return False
    if snapshots:
        return bool(rec.get("is_a_snapshot"))
    return not rec.get("is_a_snapshot") and not rec.get("is_a_template")


def _where(cache, rec: dict) -> str:
    state = rec.get("power_state")
    if state is None:
        return rec.get("name_description", "") or "-"
    host = cache.record("host", rec.get("resident_on", ""))
    return f"{state}{' on ' + host['name_label'] if host else ''}"
