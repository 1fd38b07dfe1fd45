"""Deterministic, valid baseline JPEGs in pure Python.

The image is a solid colour (derived from a seed string) of the requested
size. Every 8x8 block holds only a DC coefficient, so the entropy-coded data
after the first MCU is all zero bits and a 4000x3000 picture costs ~211 KB
and a few milliseconds. A COM segment carries the seed, so two seeds never
give the same bytes (and SHA-1s differ). ``pad_to`` appends further COM
segments of seeded pseudo-random bytes until the file has exactly that size.

Structure: SOI, APP0 (JFIF 1.01), COM(seed), [COM padding...], DQT (all 1),
SOF0 (8-bit, 3 components, 1x1 sampling), DHT (standard Annex K.3 luminance
DC table; an AC table holding only EOB), SOS, scan, EOI. Checked with libjpeg
(PHP gd: imagecreatefromjpeg, getimagesize) and file(1).
"""

import functools
import hashlib
import random
import struct

MAX_DIM = 8192          # bound the scan size (8192x8192 ~ 9.4 MB)
MAX_PAD = 64 * 1024 * 1024

# JPEG Annex K.3, table K.3: luminance DC differences.
_DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
_DC_VALS = list(range(12))
# AC table with a single symbol, 0x00 (EOB), coded as the 1-bit code "0".
_AC_BITS = [1] + [0] * 15
_AC_VALS = [0]


def _canonical_codes(bits, vals):
    codes, code, k = {}, 0, 0
    for length in range(1, 17):
        for _ in range(bits[length - 1]):
            codes[vals[k]] = format(code, "0%db" % length)
            code += 1
            k += 1
        code <<= 1
    return codes


_DC_CODES = _canonical_codes(_DC_BITS, _DC_VALS)
_EOB = _canonical_codes(_AC_BITS, _AC_VALS)[0]
assert _DC_CODES[0] == "00" and _EOB == "0"


def _segment(marker, payload):
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def _dc_bits(value):
    size = abs(value).bit_length()
    if size == 0:
        return _DC_CODES[0]
    extra = value if value >= 0 else value + (1 << size) - 1
    return _DC_CODES[size] + format(extra, "0%db" % size)


def _bits_to_bytes(bits):
    out = bytearray()
    for i in range(0, len(bits), 8):
        out.append(int(bits[i:i + 8], 2))
    return out


def _stuff(data):
    return bytes(data).replace(b"\xff", b"\xff\x00")


def _scan(width, height, levels):
    mcus = ((width + 7) // 8) * ((height + 7) // 8)
    first = "".join(_dc_bits(8 * (lv - 128)) + _EOB for lv in levels)
    zeros = 9 * (mcus - 1)  # later MCUs: per component DC diff 0 ("00") + EOB ("0")
    total = len(first) + zeros
    pad = (-total) % 8
    align = (-len(first)) % 8
    if align > zeros:  # tiny image: everything fits in the head
        return _stuff(_bits_to_bytes(first + "0" * zeros + "1" * pad))
    head = _bits_to_bytes(first + "0" * align)
    rest = zeros - align
    tail = "0" * (rest % 8) + "1" * pad
    return _stuff(head) + bytes(rest // 8) + bytes(_bits_to_bytes(tail))


def colour_for(seed):
    h = hashlib.sha1(seed.encode("utf-8")).digest()
    # Y in 40..215, chroma near neutral so the picture is a muted colour.
    return (40 + h[0] % 176, 128 - 40 + h[1] % 81, 128 - 40 + h[2] % 81)


@functools.lru_cache(maxsize=64)
def make_jpeg(seed, width=64, height=48, pad_to=0):
    """Return JPEG bytes for ``seed`` (str) at ``width`` x ``height``."""
    width = max(1, min(int(width or 64), MAX_DIM))
    height = max(1, min(int(height or 48), MAX_DIM))
    app0 = _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    comment = ("source-fakes:" + seed).encode("utf-8")[:60000]
    body = _segment(0xDB, b"\x00" + b"\x01" * 64)
    body += _segment(0xC0, struct.pack(">BHHB", 8, height, width, 3)
                     + b"\x01\x11\x00\x02\x11\x00\x03\x11\x00")
    body += _segment(0xC4, b"\x00" + bytes(_DC_BITS) + bytes(_DC_VALS))
    body += _segment(0xC4, b"\x10" + bytes(_AC_BITS) + bytes(_AC_VALS))
    body += _segment(0xDA, b"\x03\x01\x00\x02\x00\x03\x00\x00\x3f\x00")
    body += _scan(width, height, colour_for(seed))
    body += b"\xff\xd9"
    need = min(int(pad_to or 0), MAX_PAD) - (2 + len(app0) + len(comment) + 4 + len(body))
    padding = b""
    if 0 < need < 4:  # too small for a segment of its own: lengthen the comment
        comment += b" " * need
    elif need >= 4:
        padding = _padding(seed, need)
    return b"\xff\xd8" + app0 + _segment(0xFE, comment) + padding + body


def _padding(seed, need):
    """COM segments of seeded random bytes totalling exactly ``need`` (>= 4) bytes."""
    rng = random.Random("pad:" + seed)
    out = bytearray()
    while need > 0:
        chunk = min(need - 4, 65533)
        if 0 < need - 4 - chunk < 4:  # never leave 1..3 bytes over
            chunk -= 4
        out += _segment(0xFE, rng.randbytes(chunk))
        need -= chunk + 4
    return bytes(out)


def dimensions(data):
    """(width, height) from the SOF0 segment, or None (used by the self-test)."""
    i = 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker == 0xC0:
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        i += 2 + length
    return None
