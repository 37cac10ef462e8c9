"""Receipt codes for documents left at the info desk: short, readable aloud, self-checking.

A code is the agency's code, four characters and a check character, e.g.
``KELA-7K3Q-M``. The alphabet leaves out 0/O, 1/I/L and U/V, which people mix up on
paper and on the phone; the check character (a weighted sum modulo the alphabet's
length, 29, a prime) catches every single mistyped character and every swap of two
neighbours, so a mistyped code finds nothing rather than someone else's documents.
"""

from __future__ import annotations

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"  # 29 characters, a prime: the weights 1–4 never vanish
BODY = 4


def _check(text: str) -> str:
    total = sum((i + 1) * ALPHABET.index(ch) for i, ch in enumerate(text))
    return ALPHABET[total % len(ALPHABET)]


def receipt_code(agency_code: str, body: str) -> str:
    """The code for ``body`` (``BODY`` characters of ``ALPHABET``) of an agency."""
    if len(body) != BODY or any(ch not in ALPHABET for ch in body):
        raise ValueError("body")
    prefix = "".join(ch for ch in agency_code.upper() if ch.isalnum())[:6] or "X"
    return f"{prefix}-{body}-{_check(body)}"


def receipt_valid(code: str) -> bool:
    """Whether ``code`` is well formed and its check character matches."""
    parts = code.strip().upper().split("-")
    if len(parts) != 3 or len(parts[1]) != BODY or len(parts[2]) != 1:
        return False
    body, check = parts[1], parts[2]
    return all(ch in ALPHABET for ch in body) and _check(body) == check
