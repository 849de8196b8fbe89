#!/usr/bin/env python3
"""Writes N RGB PNG frames of a moving test pattern (colour bars, a ramp, a moving square) into a folder.

Why: `capture --input DIR` reads PNG folders with evcstream's own decoder, so a capture can run on the GPU machine,
which has no FFmpeg. Standard library only (no numpy there is guaranteed), parallel over the cores.
Usage: make-test-frames.py DIR WIDTH HEIGHT FRAMES
"""
import os
import struct
import sys
import zlib
from multiprocessing import Pool

BARS = [(235, 235, 235), (235, 235, 16), (16, 235, 235), (16, 235, 16), (235, 16, 235), (235, 16, 16), (16, 16, 235), (16, 16, 16)]


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def frame(args):
    folder, width, height, index = args
    # One row of bars twice as wide as the frame: row y of frame i is a slice shifted by i and by y's band.
    bar_width = max(1, width // len(BARS))
    bars = b"".join(bytes(BARS[(x // bar_width) % len(BARS)]) for x in range(2 * width))
    ramp = bytes(v for x in range(2 * width) for v in ((x * 255 // max(1, width - 1)) % 256, (x * 7) % 256, 255 - (x * 255 // max(1, width - 1)) % 256))
    side = max(4, min(width, height) // 5)
    left = (index * 11) % max(1, width - side)
    top = (index * 5) % max(1, height - side)
    square = bytes((255, (index * 3) % 256, 64)) * side
    rows = []
    for y in range(height):
        band = y * 8 // height
        source = ramp if band % 3 == 2 else bars
        shift = 3 * ((index * (band + 1) * 2 + y // 3) % width)
        row = source[shift:shift + 3 * width]
        if top <= y < top + side:
            row = row[:3 * left] + square + row[3 * (left + side):]
        rows.append(b"\x00" + row)  # filter type 0
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) \
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 1)) + chunk(b"IEND", b"")
    with open(os.path.join(folder, "frame_%05d.png" % index), "wb") as out:
        out.write(png)


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: make-test-frames.py DIR WIDTH HEIGHT FRAMES")
    folder, width, height, frames = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    if width < 8 or height < 8 or frames < 1:
        sys.exit("make-test-frames.py: WIDTH and HEIGHT must be at least 8, FRAMES at least 1")
    os.makedirs(folder, exist_ok=True)
    with Pool(os.cpu_count() or 1) as pool:
        pool.map(frame, [(folder, width, height, i) for i in range(frames)])


if __name__ == "__main__":
    main()
