"""VNC authentication (RFB security type 2): the DES answer to the server's challenge."""

from __future__ import annotations

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, modes


def vnc_response(password: str, challenge: bytes) -> bytes:
    """The 16 bytes answering `challenge`: DES-encrypted with the password as key.

    The key is the password's first 8 bytes (Latin-1, zero-padded) with the bits of each byte
    reversed, as every VNC implementation does. Three equal DES keys make Triple DES single DES.
    """
    if len(challenge) != 16:
        raise ValueError("a VNC challenge is 16 bytes")
    raw = password.encode("latin-1", "replace")[:8].ljust(8, b"\0")
    key = bytes(int(f"{byte:08b}"[::-1], 2) for byte in raw)
    encryptor = Cipher(TripleDES(key * 3), modes.ECB()).encryptor()
    return encryptor.update(challenge) + encryptor.finalize()
