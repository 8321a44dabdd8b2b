"""pool.create_VLAN_from_PIF: a VLAN on every host's interface of the same network (xapi_pool.ml):
one VLAN.create per PIF of that network on a live host; when one fails, the VLANs made so far
are destroyed again. Returns the new VLAN interfaces (untagged PIFs)."""

from __future__ import annotations

from xapiman.sim.call import Call
from xapiman.sim.errors import Failure
from xapiman.sim.handlers.network_pif import vlan_create, vlan_destroy
from xapiman.sim.handlers.registry import handler


def _live(db, host: str) -> bool:
    metrics = db.find(db.get(host, "host")["metrics"], "host_metrics")
    return bool(metrics is None or metrics["live"])


@handler("pool", "create_VLAN_from_PIF")
def create_vlan_from_pif(call: Call, pif: str, network: str, VLAN: int) -> list[str]:  # noqa: N803
    db = call.db
    with db.lock:
        source = db.get(pif, "PIF")
        db.get(network, "network")
        pifs = [p for p in db.get(source["network"], "network")["PIFs"]
                if _live(db, db.get(p, "PIF")["host"])]
    made: list[str] = []
    try:
        for tagged in pifs:
            made.append(str(vlan_create(call, tagged, VLAN, network)))
    except Failure:
        for vlan in reversed(made):
            try:
                vlan_destroy(call, vlan)
            except Failure:
                pass
        raise
    with db.lock:
        return [db.get(vlan, "VLAN")["untagged_PIF"] for vlan in made]
