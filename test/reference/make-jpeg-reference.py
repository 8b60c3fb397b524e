#!/usr/bin/python3
"""Writes small JPEG test images and their pixels as decoded by PIL (libjpeg), the independent truth for
src/engine/data/jpeg.test.ts. Run with Debian's python3 (apt-get install python3-pil):

    /usr/bin/python3 test/reference/make-jpeg-reference.py

Outputs test/reference/jpeg/*.jpg and test/reference/jpeg/reference.json ({file: {mode, width, height, pixels}}).
"""
import json
import math
import os

from PIL import Image

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "jpeg")


def pattern(width, height, mode):
    """Smooth gradients plus a few sharp edges: exercises DC and AC coefficients."""
    image = Image.new(mode, (width, height))
    for y in range(height):
        for x in range(width):
            r = int(127 + 120 * math.sin(x / 3.0))
            g = int(255 * y / max(1, height - 1))
            b = 255 if (x // 4 + y // 4) % 2 == 0 else 0
            image.putpixel((x, y), (r, g, b) if mode == "RGB" else (r + g + b) // 3)
    return image


CASES = [
    # name, mode, size, save options
    ("rgb-baseline-444.jpg", "RGB", (17, 13), dict(quality=90, subsampling=0)),
    ("rgb-baseline-420.jpg", "RGB", (24, 20), dict(quality=75, subsampling=2)),
    ("rgb-progressive.jpg", "RGB", (19, 16), dict(quality=85, progressive=True, subsampling=0)),
    ("gray-baseline.jpg", "L", (28, 28), dict(quality=92)),
]


def main():
    os.makedirs(HERE, exist_ok=True)
    reference = {}
    for name, mode, (width, height), options in CASES:
        path = os.path.join(HERE, name)
        pattern(width, height, mode).save(path, "JPEG", **options)
        decoded = Image.open(path)
        decoded.load()
        pixels = list(decoded.getdata())
        flat = [v for p in pixels for v in (p if isinstance(p, tuple) else (p,))]
        reference[name] = {"mode": decoded.mode, "width": decoded.width, "height": decoded.height, "pixels": flat}
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump(reference, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
