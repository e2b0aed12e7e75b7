"""Decoding objects from raw JSON: everything, or only the top-level fields a resource's families read.

A resource may declare the fields it needs (``ResourceDef.decode_fields``); the others are skipped by the
decoder without being materialized. For Secrets this means ``data`` and ``stringData`` never exist in memory as
Python objects; for other kinds it saves decoding what no family reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

_decode = msgspec.json.decode

DecodeError = (msgspec.DecodeError, msgspec.ValidationError)


def object_decoders(fields: tuple[str, ...] | None) -> tuple[Callable[[bytes], Any], Callable[[bytes], Any]]:
    """(decode an object, decode a watch event's object) for the given top-level fields, or all of them."""
    if not fields:

        def event_object(line: bytes) -> Any:
            event = _decode(line)
            return event.get("object") if isinstance(event, dict) else None

        return _decode, event_object

    view = msgspec.defstruct("ObjectView", [(f, Any, None) for f in fields])
    event = msgspec.defstruct("EventView", [("object", view | None, None)])  # type: ignore[operator]
    decode_view = msgspec.json.Decoder(view).decode
    decode_event = msgspec.json.Decoder(event).decode

    def as_dict(v: Any) -> dict:
        return {f: x for f in fields if (x := getattr(v, f)) is not None}

    def decode_object(raw: bytes) -> dict:
        return as_dict(decode_view(raw))

    def decode_event_object(line: bytes) -> dict | None:
        obj = decode_event(line).object
        return None if obj is None else as_dict(obj)

    return decode_object, decode_event_object
