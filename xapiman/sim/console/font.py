"""The console's bitmap font: xapiman's own 5x9 glyph designs for printable ASCII.

Each glyph is designed on a grid 5 pixels wide and 9 rows tall: rows 0-6 hold capitals and
the x-height body (the baseline is under row 6), rows 7-8 hold descenders (g, j, p, q, y, ','
and '_').  A glyph is stored as 9 hex bytes, one per row, bit 4 being the leftmost pixel.

A text cell is 9x16 pixels, the size of a VGA text-mode cell, so a 720x400 screen holds 80x25
characters.  In a cell the glyph starts at column 2; body rows are drawn two pixels tall (cell
rows 0-13) and the two descender rows one pixel each (cell rows 14 and 15).
"""

from __future__ import annotations

from functools import lru_cache

CELL_WIDTH = 9
CELL_HEIGHT = 16
FIRST_CHAR = 0x20
LAST_CHAR = 0x7E
_LEFT_MARGIN = 2
_DESIGN_WIDTH = 5

# The glyphs of U+0020..U+007E in order, five per line (the comment lists the five).
# fmt: off
GLYPHS = (
    "000000000000000000", "040404040400040000", "0a0a0a000000000000", "0a0a1f0a1f0a0a0000", "040f140e051e040000",  #  !"#$
    "181902040813030000", "0c12140815120d0000", "040408000000000000", "020408080804020000", "080402020204080000",  # %&'()
    "0004150e1504000000", "0004041f0404000000", "00000000000c040800", "0000001f0000000000", "00000000000c0c0000",  # *+,-.
    "010102040810100000", "0e11131519110e0000", "040c040404040e0000", "0e11010204081f0000", "1f02040201110e0000",  # /0123
    "02060a121f02020000", "1f101e0101110e0000", "0608101e11110e0000", "1f0102040808080000", "0e11110e11110e0000",  # 45678
    "0e11110f01020c0000", "000c0c000c0c000000", "000c0c000c0c040800", "020408100804020000", "00001f001f00000000",  # 9:;<=
    "080402010204080000", "0e1101020400040000", "0e11010d15150e0000", "0e11111f1111110000", "1e11111e11111e0000",  # >?@AB
    "0e11101010110e0000", "1c12111111121c0000", "1f10101e10101f0000", "1f10101e1010100000", "0e11101711110f0000",  # CDEFG
    "1111111f1111110000", "0e04040404040e0000", "0702020202120c0000", "111214181412110000", "1010101010101f0000",  # HIJKL
    "111b15151111110000", "111119151311110000", "0e11111111110e0000", "1e11111e1010100000", "0e11111115120d0000",  # MNOPQ
    "1e11111e1412110000", "0f10100e01011e0000", "1f0404040404040000", "1111111111110e0000", "11111111110a040000",  # RSTUV
    "1111111515150a0000", "11110a040a11110000", "11110a040404040000", "1f01020408101f0000", "0e08080808080e0000",  # WXYZ[
    "101008040201010000", "0e02020202020e0000", "040a11000000000000", "000000000000001f00", "080402000000000000",  # \\]^_`
    "00000e010f110f0000", "1010161911111e0000", "00000e1010110e0000", "01010d1311110f0000", "00000e111f100e0000",  # abcde
    "0609081c0808080000", "00000f1111110f010e", "101016191111110000", "04000c0404040e0000", "02000602020202120c",  # fghij
    "101012141814120000", "0c04040404040e0000", "00001a151515150000", "000016191111110000", "00000e1111110e0000",  # klmno
    "00001e1111111e1010", "00000f1111110f0101", "000016191010100000", "00000e100e011e0000", "08081c080809060000",  # pqrst
    "0000111111130d0000", "00001111110a040000", "0000111115150a0000", "0000110a040a110000", "0000111111110f010e",  # uvwxy
    "00001f0204081f0000", "020404080404020000", "040404040404040000", "080404020404080000", "000008150200000000",  # z{|}~
)
# fmt: on

# Drawn for anything outside printable ASCII: a hollow box.
_FALLBACK = "1f1111111111111f00"

# Cell row -> design row: body rows doubled, descender rows single.
_CELL_TO_DESIGN = tuple([r // 2 for r in range(14)] + [7, 8])


@lru_cache(maxsize=256)
def glyph_masks(char: str) -> tuple[int, ...]:
    """The glyph of one character as CELL_HEIGHT row masks of CELL_WIDTH bits.

    Bit ``CELL_WIDTH - 1 - x`` of a mask is set when pixel x of that cell row is ink.
    """
    code = ord(char) if len(char) == 1 else -1
    hexrows = GLYPHS[code - FIRST_CHAR] if FIRST_CHAR <= code <= LAST_CHAR else _FALLBACK
    design = bytes.fromhex(hexrows)
    shift = CELL_WIDTH - _LEFT_MARGIN - _DESIGN_WIDTH
    return tuple(design[row] << shift for row in _CELL_TO_DESIGN)


def render_text(text: str) -> list[str]:
    """A line of text as CELL_HEIGHT strings of '#' and '.' (for eyeballing glyphs in tests)."""
    rows = []
    for cell_row in range(CELL_HEIGHT):
        parts = []
        for char in text:
            mask = glyph_masks(char)[cell_row]
            parts.append(
                "".join("#" if mask >> (CELL_WIDTH - 1 - x) & 1 else "." for x in range(CELL_WIDTH))
            )
        rows.append("".join(parts))
    return rows
