"""A structural check of the PNG plots the benchmark reports write (shared by the benchmark report tests)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path.name} is not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    assert width > 100 and height > 100
    assert zlib.crc32(data[12:29]) == struct.unpack(">I", data[29:33])[0], "corrupt IHDR chunk"
    assert data.endswith(b"IEND\xaeB`\x82"), f"{path.name} is truncated"
