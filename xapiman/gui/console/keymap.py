"""Qt key events as RFB sees them: the X keysym, and the PC scan code for QEMU.

On X11 and Wayland, Qt gives the keysym (`nativeVirtualKey`) and the X key code
(`nativeScanCode`), so the guest gets exactly the key that was pressed. Elsewhere (and for
synthesised events) the keysym comes from Qt's key and text, and there is no scan code.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QGuiApplication, QKeyEvent

from xapiman.rfb.keys import keysym_of_char, qnum_of_keysym, qnum_of_x11_keycode

K = Qt.Key
_SPECIAL: dict[int, int] = {
    K.Key_Escape: 0xFF1B, K.Key_Tab: 0xFF09, K.Key_Backtab: 0xFE20, K.Key_Backspace: 0xFF08,
    K.Key_Return: 0xFF0D, K.Key_Enter: 0xFF8D, K.Key_Insert: 0xFF63, K.Key_Delete: 0xFFFF,
    K.Key_Pause: 0xFF13, K.Key_Print: 0xFF61, K.Key_SysReq: 0xFF15, K.Key_Home: 0xFF50,
    K.Key_End: 0xFF57, K.Key_Left: 0xFF51, K.Key_Up: 0xFF52, K.Key_Right: 0xFF53,
    K.Key_Down: 0xFF54, K.Key_PageUp: 0xFF55, K.Key_PageDown: 0xFF56, K.Key_Shift: 0xFFE1,
    K.Key_Control: 0xFFE3, K.Key_Meta: 0xFFEB, K.Key_Alt: 0xFFE9, K.Key_AltGr: 0xFE03,
    K.Key_CapsLock: 0xFFE5, K.Key_NumLock: 0xFF7F, K.Key_ScrollLock: 0xFF14,
    K.Key_Menu: 0xFF67, K.Key_Super_L: 0xFFEB, K.Key_Super_R: 0xFFEC, K.Key_Space: 0x20,
    **{K.Key_F1 + i: 0xFFBE + i for i in range(24)},
}


def native_keys() -> bool:
    """Whether key events carry X11 keysyms and key codes (xcb and wayland)."""
    return QGuiApplication.platformName() in ("xcb", "wayland")


def keysym_of(event: QKeyEvent) -> int | None:
    """The X keysym of a key event, or None when it has none."""
    if native_keys() and event.nativeVirtualKey():
        return int(event.nativeVirtualKey())
    key = event.key()
    if key in _SPECIAL:
        return _SPECIAL[key]
    text = event.text()
    if len(text) == 1 and text.isprintable():
        return keysym_of_char(text)
    if K.Key_A <= key <= K.Key_Z:  # with Ctrl held, the text is a control character
        shifted = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        return ord(chr(key) if shifted else chr(key).lower())
    if 0x20 <= key <= 0x7E:
        return key
    return None


def scancode_of(event: QKeyEvent, keysym: int) -> int:
    """QEMU's scan code of a key event (0 when unknown)."""
    if native_keys() and event.nativeScanCode():
        return qnum_of_x11_keycode(int(event.nativeScanCode()))
    return qnum_of_keysym(keysym)
