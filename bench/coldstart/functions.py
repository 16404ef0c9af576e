#!/usr/bin/env python3
"""Writes N distinct functions for a cold-start run: real guests of guests/wasm, each made unique
(and so compiled on its own, not deduplicated by digest) by a custom section naming its index.

usage: functions.py GUESTS_DIR OUT_DIR N            -> f000-greeter.wasm, f001-fib.wasm, ...
       functions.py GUESTS_DIR OUT_FILE --one TAG   -> one module never seen before (greeter)
"""
import os
import sys

# Runnable guests of different shapes and sizes (19-48 KB); the first one answers the request.
GUESTS = ["greeter", "fib", "sha256-loop", "echo", "env-dump", "bytecode-vm"]


def leb128(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def with_custom_section(wasm, payload):
    """Appends a custom section (id 0): valid anywhere between sections, ignored by the runtime."""
    name = b"serverless-runner.bench"
    body = leb128(len(name)) + name + payload
    return wasm + b"\x00" + leb128(len(body)) + body


def read(guests, name):
    with open(os.path.join(guests, name + ".wasm"), "rb") as f:
        return f.read()


def main():
    guests, out = sys.argv[1], sys.argv[2]
    if sys.argv[3] == "--one":
        with open(out, "wb") as f:
            f.write(with_custom_section(read(guests, "greeter"), sys.argv[4].encode()))
        return
    n = int(sys.argv[3])
    os.makedirs(out, exist_ok=True)
    for i in range(n):
        guest = GUESTS[i % len(GUESTS)]
        with open(os.path.join(out, f"f{i:03d}-{guest}.wasm"), "wb") as f:
            f.write(with_custom_section(read(guests, guest), f"function {i}".encode()))


if __name__ == "__main__":
    main()
