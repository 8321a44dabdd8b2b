"""How the NIC and interface lists say bonds, the management interface and rate limits."""

from __future__ import annotations

from xapiman.actions.sizes import as_int
from xapiman.i18n import translate
from xapiman.xapi.refs import NULL_REF


def bond_text(cache, pif: dict) -> str:
    """"in bond0" for a member, "eth2 + eth3 (lacp)" for a bond's own interface, else ""."""
    slave_of = cache.record("bond", pif.get("bond_slave_of", NULL_REF))
    if slave_of is not None:
        master = cache.record("pif", slave_of.get("master", NULL_REF)) or {}
        return translate("Tabs", "in {bond}").format(bond=master.get("device", "bond"))
    for bond_ref in pif.get("bond_master_of") or ():
        bond = cache.record("bond", bond_ref)
        if bond is None:
            continue
        members = sorted(str((cache.record("pif", s) or {}).get("device", ""))
                         for s in bond.get("slaves", ()))
        return translate("Tabs", "{members} ({mode})").format(members=" + ".join(members),
                                                            mode=bond.get("mode", ""))
    return ""


def management_text(cache, host: str) -> str:
    """"Management interface: eth0, 10.0.0.10 (Static)" for the host's management PIF."""
    for pif in cache.records("pif").values():
        if pif.get("host") == host and pif.get("management"):
            address = pif.get("IP") or translate("Tabs", "no address yet")
            return translate("Tabs", "Management interface: {device}, {address} ({mode}).").format(
                device=pif.get("device", ""), address=address,
                mode=pif.get("ip_configuration_mode", ""))
    return translate("Tabs", "This server has no management interface.")


def rate_text(vif: dict) -> str:
    """A VIF's rate limit ("1000 KiB/s"), "" when none."""
    if vif.get("qos_algorithm_type") != "ratelimit":
        return ""
    rate = as_int((vif.get("qos_algorithm_params") or {}).get("kbps"))
    return translate("Tabs", "{rate} KiB/s").format(rate=rate) if rate else ""
