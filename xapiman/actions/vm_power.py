"""Start, shut down, reboot, suspend, resume, pause and unpause VMs."""

from __future__ import annotations

from xapiman.actions.base import register
from xapiman.actions.common import VmCall
from xapiman.i18n import QT_TRANSLATE_NOOP

START = register(VmCall("vm.start", "Start", "start", "VM.start", False, False,
                        shortcut="Ctrl+B", icon="start"))
SHUTDOWN = register(VmCall(
    "vm.shutdown", "Shut Down", "clean_shutdown", "VM.clean_shutdown", shortcut="Ctrl+E",
    needs_tools=True, forced="vm.force_shutdown", icon="shutdown",
    ask_first=QT_TRANSLATE_NOOP("Actions", "Shut down {names}? Each guest is asked to shut "
                                           "down; what runs in it stops.")))
FORCE_SHUTDOWN = register(VmCall(
    "vm.force_shutdown", "Force Shut Down", "hard_shutdown", "VM.hard_shutdown",
    confirm=QT_TRANSLATE_NOOP("Actions", "Force shut down {names}? This is like pulling the "
                                         "power plug: anything the guest has not written to "
                                         "disk is lost."),
    destructive=True, icon="force-shutdown"))
REBOOT = register(VmCall(
    "vm.reboot", "Reboot", "clean_reboot", "VM.clean_reboot", shortcut="Ctrl+R",
    needs_tools=True, forced="vm.force_reboot", icon="reboot",
    ask_first=QT_TRANSLATE_NOOP("Actions", "Reboot {names}? Each guest is asked to restart; "
                                           "what runs in it stops for a while.")))
FORCE_REBOOT = register(VmCall(
    "vm.force_reboot", "Force Reboot", "hard_reboot", "VM.hard_reboot",
    confirm=QT_TRANSLATE_NOOP("Actions", "Force reboot {names}? This is like pressing the "
                                         "reset button: anything the guest has not written "
                                         "to disk is lost."),
    destructive=True, icon="force-reboot"))
SUSPEND = register(VmCall(
    "vm.suspend", "Suspend", "suspend", "VM.suspend", icon="suspend",
    ask_first=QT_TRANSLATE_NOOP("Actions", "Suspend {names}? Each VM's memory is written to "
                                           "disk and it stops until it is resumed.")))
RESUME = register(VmCall("vm.resume", "Resume", "resume", "VM.resume", False, False,
                         icon="resume"))
PAUSE = register(VmCall("vm.pause", "Pause", "pause", "VM.pause", icon="pause"))
UNPAUSE = register(VmCall("vm.unpause", "Unpause", "unpause", "VM.unpause", icon="unpause"))
