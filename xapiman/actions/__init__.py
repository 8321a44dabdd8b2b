"""One object per user operation, shared by the desktop app and the command line. No Qt.

Importing this package registers every action in `base.REGISTRY`.
"""

from xapiman.actions import (  # noqa: F401
    alerts,
    host,
    network,
    pool_ha,
    pool_membership,
    sr_manage,
    sr_new,
    subjects,
    vdi,
    vdi_attach,
    vdi_image,
    vdi_move,
    vif,
    vm_cd,
    vm_create,
    vm_manage,
    vm_migrate,
    vm_power,
    vm_snapshots,
    vm_xva,
)
from xapiman.actions.base import REGISTRY, Action, ActionContext, Availability, Target

__all__ = ["REGISTRY", "Action", "ActionContext", "Availability", "Target"]
