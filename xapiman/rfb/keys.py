"""Keys as RFB carries them: X11 keysyms, and PC scan codes for QEMU's extended key events.

QEMU numbers scan codes as PC set 1, with an E0-prefixed key as 0x80 | code. With both the
keysym and the scan code, QEMU passes the physical key to the guest, whose own keyboard
layout then picks the character, so non-US layouts type what their keys say.
"""

from __future__ import annotations

SHIFT_L, SHIFT_R = 0xFFE1, 0xFFE2
CONTROL_L, CONTROL_R = 0xFFE3, 0xFFE4
ALT_L, ALT_R = 0xFFE9, 0xFFEA
DELETE = 0xFFFF
RETURN, TAB, BACKSPACE, ESCAPE = 0xFF0D, 0xFF09, 0xFF08, 0xFF1B

# Linux evdev key codes (X11 key code - 8) -> QEMU scan codes.
_EVDEV_TO_QNUM: dict[int, int] = {
    **{code: code for code in range(1, 84)},  # Escape .. keypad "." are set 1 as they are
    85: 0x76, 86: 0x56, 87: 0x57, 88: 0x58, 89: 0x73, 92: 0x79, 94: 0x7B,
    96: 0x9C, 97: 0x9D, 98: 0xB5, 99: 0xB7, 100: 0xB8, 102: 0xC7, 103: 0xC8, 104: 0xC9,
    105: 0xCB, 106: 0xCD, 107: 0xCF, 108: 0xD0, 109: 0xD1, 110: 0xD2, 111: 0xD3,
    113: 0xA0, 114: 0xAE, 115: 0xB0, 116: 0xDE, 117: 0x59, 119: 0xC6, 121: 0x7E,
    124: 0x7D, 125: 0xDB, 126: 0xDC, 127: 0xDD,
}
_KEYSYM_TO_QNUM = {CONTROL_L: 0x1D, CONTROL_R: 0x9D, ALT_L: 0x38, ALT_R: 0xB8, DELETE: 0xD3,
                   SHIFT_L: 0x2A, SHIFT_R: 0x36}

CTRL_ALT_DEL = [(CONTROL_L, 0x1D), (ALT_L, 0x38), (DELETE, 0xD3)]

_US_SHIFTED = set('~!@#$%^&*()_+{}|:"<>?') | set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_CONTROL_CHARS = {"\n": RETURN, "\t": TAB, "\b": BACKSPACE, "\x1b": ESCAPE}


def qnum_of_x11_keycode(keycode: int) -> int:
    """QEMU's scan code of an X11 (xkb evdev) key code; 0 when unknown."""
    return _EVDEV_TO_QNUM.get(keycode - 8, 0) if keycode > 8 else 0


def qnum_of_keysym(keysym: int) -> int:
    """The scan code of a modifier or Delete (keys sent without a physical key event)."""
    return _KEYSYM_TO_QNUM.get(keysym, 0)


def keysym_of_char(char: str) -> int | None:
    """The keysym that types `char`: Latin-1 as itself, other Unicode as 0x01000000 + code
    point, Return / Tab / BackSpace / Escape for their control characters."""
    if char in _CONTROL_CHARS:
        return _CONTROL_CHARS[char]
    code = ord(char)
    if 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xFF:
        return code
    if code > 0xFF:
        return 0x01000000 + code
    return None


def needs_shift(char: str) -> bool:
    """Whether a US keyboard needs Shift for `char` (typing text into keysym-mapping servers)."""
    return char in _US_SHIFTED
