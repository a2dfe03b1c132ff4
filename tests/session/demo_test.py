#!/usr/bin/env python3
"""scripts/demo (what `scripts/run --demo` runs) on this build: it must start prism headless,
open a real client on every example VM socket and on the host, and save a screenshot in which
each VM's frame colour shows."""
import os
import subprocess
import sys
import tempfile
import zlib
import struct

ROOT = os.environ["SOURCE_ROOT"]
BUILD = os.environ["BUILD_ROOT"]


def png_pixels(path):
    """Decodes an 8-bit RGB or RGBA PNG (what grim writes) into rows of (r, g, b)."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), f"unexpected PNG format {depth}/{colour}"
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        line = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        kind, cur = line[0], bytearray(line[1:])
        for i in range(stride):
            a = cur[i - channels] if i >= channels else 0
            b, c = prev[i], prev[i - channels] if i >= channels else 0
            if kind == 1:
                cur[i] = (cur[i] + a) & 0xFF
            elif kind == 2:
                cur[i] = (cur[i] + b) & 0xFF
            elif kind == 3:
                cur[i] = (cur[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[i] = (cur[i] + pred) & 0xFF
        rows.append([tuple(cur[x * channels:x * channels + 3]) for x in range(width)])
        prev = cur
    return rows


def main():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "demo.png")
        env = dict(os.environ, PRISM_BUILD=BUILD)
        for name in ("WAYLAND_DISPLAY", "DISPLAY", "XDG_RUNTIME_DIR", "PRISM_SOCKET"):
            env.pop(name, None)
        result = subprocess.run([os.path.join(ROOT, "scripts", "demo"), out], env=env,
                                capture_output=True, text=True, timeout=240)
        print(result.stdout)
        print(result.stderr, file=sys.stderr)
        if result.returncode != 0:
            print(f"scripts/demo failed with {result.returncode}", file=sys.stderr)
            return 1
        if result.stdout.strip().splitlines()[-1] != out:
            print("scripts/demo did not print the screenshot's path last", file=sys.stderr)
            return 1
        for origin in ("untrusted", "work", "personal", "host"):
            if origin not in result.stdout:
                print(f"no window of {origin} in prismctl windows", file=sys.stderr)
                return 1
        # The example VMs' colours (config/examples/vms/*.toml: #3465a4, green, #CC0000).
        colours = {"work": (0x34, 0x65, 0xA4), "personal": (0x73, 0xD2, 0x16),
                   "untrusted": (0xCC, 0x00, 0x00)}
        pixels = {p for row in png_pixels(out) for p in row}
        missing = [vm for vm, colour in colours.items() if colour not in pixels]
        if missing:
            print(f"no pixel of the frame colour of {missing} on the screenshot", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
