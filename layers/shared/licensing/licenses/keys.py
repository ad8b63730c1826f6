"""License keys: 25 Crockford base32 symbols in five groups of five, e.g. `7K3QD-M9XWT-2FHBR-0JNVA-5CZE8`.

24 symbols (120 bits) come from `secrets`; the 25th is a Luhn mod 32 check symbol, which catches every
single mistyped symbol and most swaps of neighbours, so a typo is refused before any database read.
"""

from __future__ import annotations

import secrets

from licensing.core.ids import CROCKFORD
from licensing.licenses.errors import InvalidLicenseKey

ALPHABET = CROCKFORD
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})
_DASHES = str.maketrans("", "", "-")
RANDOM_SYMBOLS = 24
KEY_SYMBOLS = RANDOM_SYMBOLS + 1
GROUP = 5
BASE = len(ALPHABET)
# What `normalize_key` can accept, as a regular expression for the OpenAPI document: 25 symbols of the
# alphabet or their aliases (any case; U is never one), dashes anywhere. The check symbol is beyond a
# pattern: a key that matches may still be refused as a typo. A path segment takes no white space.
KEY_INPUT_PATTERN = r"^[\s-]*([0-9A-TV-Za-tv-z][\s-]*){25}$"
KEY_PATH_PATTERN = r"^-*([0-9A-TV-Za-tv-z]-*){25}$"


def _check_symbol(payload: str) -> str:
    """Luhn mod N over the payload (N = 32), computed from the rightmost symbol."""
    total = 0
    factor = 2
    for symbol in reversed(payload):
        addend = factor * _VALUE[symbol]
        total += addend // BASE + addend % BASE
        factor = 1 if factor == 2 else 2
    return ALPHABET[(BASE - total % BASE) % BASE]


def _group(symbols: str) -> str:
    return "-".join(symbols[i : i + GROUP] for i in range(0, len(symbols), GROUP))


def generate_key() -> str:
    payload = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return _group(payload + _check_symbol(payload))


def normalize_key(raw: str) -> str:
    """Canonical form of what a person typed: case, dashes, any white space, I/L -> 1 and O -> 0 forgiven.

    Raises InvalidLicenseKey when the result is not 25 symbols of the alphabet or its check fails.
    """
    symbols = "".join(raw.split()).upper().translate(_DASHES).translate(_ALIASES)
    if len(symbols) != KEY_SYMBOLS or any(s not in _VALUE for s in symbols):
        raise InvalidLicenseKey(
            "A license key has 25 letters and digits, like XXXXX-XXXXX-XXXXX-XXXXX-XXXXX."
        )
    if _check_symbol(symbols[:-1]) != symbols[-1]:
        raise InvalidLicenseKey("This license key contains a typo: its check symbol does not match.")
    return _group(symbols)


def masked(key: str) -> str:
    """A key as logs may show it: its first group only (the key is the customer's secret)."""
    return f"{key[:GROUP]}-*****-*****-*****-*****"
