"""RFB encoding numbers (RFC 6143 7.7 and the community registry) and what the client asks for."""

from __future__ import annotations

RAW = 0
COPYRECT = 1
HEXTILE = 5
TIGHT = 7
ZRLE = 16
DESKTOP_SIZE = -223
LAST_RECT = -224
CURSOR = -239
POINTER_TYPE_CHANGE = -257
QEMU_EXTENDED_KEY_EVENT = -258
EXTENDED_DESKTOP_SIZE = -308
COMPRESS_LEVEL_0 = -256  # -256 + level (0-9)
QUALITY_LEVEL_0 = -32  # -32 + level (0-9): lets Tight use JPEG

NAMES = {RAW: "Raw", COPYRECT: "CopyRect", HEXTILE: "Hextile", TIGHT: "Tight", ZRLE: "ZRLE"}
BY_NAME = {name.lower(): number for number, name in NAMES.items()}
PSEUDO = (DESKTOP_SIZE, EXTENDED_DESKTOP_SIZE, LAST_RECT, CURSOR, POINTER_TYPE_CHANGE,
          QEMU_EXTENDED_KEY_EVENT)
DEFAULT_ORDER = (ZRLE, TIGHT, HEXTILE, RAW)


def encoding_list(preferred: tuple[int, ...] = DEFAULT_ORDER, *, quality: int | None = None,
                  compress: int | None = None) -> list[int]:
    """The SetEncodings list: pixel encodings in order of preference (servers take the first
    they know), CopyRect, then the pseudo-encodings; `quality` (0-9) allows lossy JPEG."""
    wanted = [e for e in preferred if e != COPYRECT]
    if RAW not in wanted:
        wanted.append(RAW)
    wanted.insert(min(len(wanted), 1), COPYRECT)
    wanted += PSEUDO
    if quality is not None:
        wanted.append(QUALITY_LEVEL_0 + max(0, min(9, quality)))
    if compress is not None:
        wanted.append(COMPRESS_LEVEL_0 + max(0, min(9, compress)))
    return wanted
