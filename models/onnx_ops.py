#!/usr/bin/python3
"""Counts the operator types of an ONNX model without the onnx package.

    /usr/bin/python3 models/onnx_ops.py MODEL.onnx

Reads just enough of the protobuf wire format: ModelProto.graph (field 7) ->
GraphProto.node (field 1) -> NodeProto.op_type (field 4) and domain (field 7).
Everything else, the weights included, is skipped by its length prefix, so a
500 MB model takes well under a second.
"""

import collections
import sys


def _varint(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def _fields(buf):
    """Yields (field number, wire type, value) of one message; value is an int
    for varints and fixed-width fields, a memoryview for length-delimited ones."""
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            value, pos = int.from_bytes(buf[pos:pos + 8], "little"), pos + 8
        elif wire == 2:
            n, pos = _varint(buf, pos)
            value, pos = buf[pos:pos + n], pos + n
        elif wire == 5:
            value, pos = int.from_bytes(buf[pos:pos + 4], "little"), pos + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire} at byte {pos}")
        yield field, wire, value


def op_counts(path):
    """{op_type (domain-qualified when not the default domain): count} of the main graph."""
    with open(path, "rb") as f:
        buf = memoryview(f.read())
    counts = collections.Counter()
    for field, wire, graph in _fields(buf):
        if field != 7 or wire != 2:
            continue
        for gfield, gwire, node in _fields(graph):
            if gfield != 1 or gwire != 2:
                continue
            op, domain = "", ""
            for nfield, nwire, value in _fields(node):
                if nfield == 4 and nwire == 2:
                    op = bytes(value).decode()
                elif nfield == 7 and nwire == 2:
                    domain = bytes(value).decode()
            counts[f"{domain}.{op}" if domain and domain != "ai.onnx" else op] += 1
    return dict(sorted(counts.items()))


if __name__ == "__main__":
    for p in sys.argv[1:]:
        print(p, op_counts(p))
