"""Random data that each of the 17 barcode types accepts and reads back.

Used by the synthetic tickets and by the tests' Hypothesis strategies. The
data looks like what tickets carry (long numbers, tokens, URLs) and obeys
each symbology's rules (see :mod:`simulator.pdf.symbology`).
"""

from __future__ import annotations

import random
import string

from simulator.pdf.model import BARCODE_TYPES
from simulator.pdf.symbology import gs1_check_digit, upce_canonical, upce_to_upca

__all__ = ["valid_data"]


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _chars(rng: random.Random, alphabet: str, low: int, high: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(low, high)))


def _upce(rng: random.Random) -> str:
    while True:
        body = "0" + _digits(rng, 6)
        if upce_canonical(body + "0"):
            upca = upce_to_upca(body + "0")
            return body + gs1_check_digit(upca[:-1])


def _rss_expanded(rng: random.Random) -> str:
    gtin = "0" + _digits(rng, 12)
    data = f"(01){gtin}{gs1_check_digit(gtin)}"
    extra = rng.choice(("weight", "expiry", "lot", "serial"))
    if extra == "weight":
        return data + f"(3202){_digits(rng, 6)}"
    if extra == "expiry":
        return (
            data + f"(17){rng.randint(25, 35):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        )
    if extra == "lot":
        return data + f"(10){_chars(rng, string.ascii_uppercase + string.digits, 3, 8)}"
    return data + f"(21){_digits(rng, rng.randint(4, 10))}"


def valid_data(kind: str, rng: random.Random) -> str:
    """Random ticket-like data that symbology ``kind`` accepts and reads back.

    EAN/UPC/GTIN data carry a correct check digit (EAN-13 never starts with
    0, which is a UPC-A), ITF has an even digit count, CODABAR has A-D
    start/stop letters, an add-on has 2 or 5 digits. Alphabets avoid
    characters that could be taken for a disclosure in a 1D caption.
    """
    upper = string.ascii_uppercase + string.digits
    if kind == "EAN_13":
        body = rng.choice("123456789") + _digits(rng, 11)
        return body + gs1_check_digit(body)
    if kind == "EAN_8":
        body = _digits(rng, 7)
        return body + gs1_check_digit(body)
    if kind == "UPC_A":
        body = _digits(rng, 11)
        return body + gs1_check_digit(body)
    if kind == "UPC_E":
        return _upce(rng)
    if kind == "RSS_14":
        body = _digits(rng, 13)
        return body + gs1_check_digit(body)
    if kind == "RSS_EXPANDED":
        return _rss_expanded(rng)
    if kind == "ITF":
        return _digits(rng, 2 * rng.randint(3, 8))
    if kind == "CODABAR":
        return rng.choice("ABCD") + _chars(rng, string.digits + "-$:", 6, 14) + rng.choice("ABCD")
    if kind == "CODE_39":
        return _chars(rng, upper + "-", 6, 16)
    if kind == "CODE_93":
        return _chars(rng, upper + "-", 6, 18)
    if kind == "CODE_128":
        return _chars(rng, string.ascii_letters + string.digits + "-", 8, 22)
    if kind == "UPC_EAN_EXTENSION":
        return _digits(rng, rng.choice((2, 5)))
    if kind == "MAXICODE":
        return _chars(rng, upper + " ", 10, 40).strip() or "TICKET"
    if kind in ("QR_CODE", "AZTEC", "DATA_MATRIX", "PDF_417"):
        style = rng.choice(("url", "token", "digits"))
        if style == "url":
            return "https://tix.example/t/" + _chars(
                rng, string.ascii_letters + string.digits, 8, 32
            )
        if style == "token":
            return _chars(rng, string.ascii_letters + string.digits + "-_:", 12, 64)
        return _digits(rng, rng.randint(12, 24))
    if kind not in BARCODE_TYPES:
        raise ValueError(f"unknown barcode type {kind!r}")
    raise AssertionError(kind)  # pragma: no cover - every documented type is handled above
