#!/usr/bin/env python3
"""Write the image-input fixtures in e2e/fixtures/bad-images/ (fixed seeds).

Each file exercises one branch of the app's image intake
(src/shared/image/sniff.ts before decoding, src/app/image/decode.ts after);
README.md in the output folder says what the app must do with each.

Run with Debian's Python (PIL + numpy):

    /usr/bin/python3 python/scripts/make_bad_images.py [--out e2e/fixtures/bad-images]
"""
from __future__ import annotations

import argparse
import io
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[2]
SIZE_LIMIT = 300 * 1024  # the whole folder stays under this

# name -> what the app must do (README.md is generated from this table).
EXPECTATIONS: dict[str, str] = {
    "zero-byte.png": "0 bytes: rejected before decoding with 'The file is empty'; previous image and result stay.",
    "not-an-image.png": "plain text named .png: rejected as 'not a recognised image'; previous image and result stay.",
    "truncated.png": "valid PNG header, file cut in the middle of IDAT (no IEND): rejected as truncated; previous image stays.",
    "corrupt.jpg": "JPEG SOI followed by random bytes: rejected as corrupt; previous image stays.",
    "corrupt-data.png": "PNG with valid chunk structure but random bytes in IDAT: passes the header check, the decode fails -> 'corrupt or truncated' message; previous image stays.",
    "bomb.png": "valid IHDR claiming 30000x30000 with a tiny IDAT: rejected by the header pixel budget BEFORE decoding ('decompression bomb').",
    "animated.gif": "3-frame GIF: accepted; the first frame (red) is used and a notice says so.",
    "animated.png": "3-frame APNG (acTL): accepted; the first frame (red) is used and a notice says so.",
    "cmyk.jpg": "CMYK JPEG (Adobe APP14, 4 components): accepted, converted to RGB by the browser.",
    "grey16.png": "16-bit greyscale PNG: accepted, decoded by the browser to RGBA.",
    "grey.png": "8-bit greyscale PNG: accepted.",
    "alpha.png": "RGBA PNG with fully transparent areas: accepted; straight RGBA is passed on (the worker composites alpha).",
    "exif-rotated.jpg": "JPEG stored 96x64 with EXIF orientation 6: accepted and shown upright as 64x96 (red block ends top-right).",
    "image.svg": "SVG with a <script>: rasterised through <img> at 512 px on the long side (512x256); the script never runs.",
    "large-ok.png": "4000x3000 greyscale PNG (12 MP, within the budget): accepted and analysed.",
}


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def pattern_rgb(w: int, h: int, seed: int) -> Image.Image:
    """A simple scene: a coloured rectangle and an ellipse on a noisy background."""
    rng = np.random.default_rng(seed)
    arr = (rng.integers(90, 160, size=(h, w, 3))).astype(np.uint8)
    img = Image.fromarray(arr, "RGB")
    d = ImageDraw.Draw(img)
    d.rectangle([w // 6, h // 5, w // 2, h * 3 // 4], fill=(220, 40, 40))
    d.ellipse([w // 2, h // 4, w * 5 // 6, h * 2 // 3], fill=(40, 80, 220))
    return img


def to_bytes(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def build() -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    files["zero-byte.png"] = b""
    files["not-an-image.png"] = b"This is a text file that was renamed to .png.\nIt is not an image.\n"

    full = to_bytes(pattern_rgb(64, 64, seed=1), "PNG")
    files["truncated.png"] = full[: len(full) // 2]

    rng = np.random.default_rng(2)
    garbage = bytearray(rng.integers(0, 256, size=2048, dtype=np.uint8).tobytes())
    garbage[0] = 0x13  # not a marker: the byte after SOI must be 0xFF in a real JPEG
    files["corrupt.jpg"] = b"\xff\xd8" + bytes(garbage)

    rng = np.random.default_rng(6)
    ihdr64 = struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)
    noise = rng.integers(0, 256, size=1500, dtype=np.uint8).tobytes()
    files["corrupt-data.png"] = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr64) + png_chunk(b"IDAT", noise) + png_chunk(b"IEND", b"")

    ihdr = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (1 + 3 * 16), 9)  # one short row: never enough for the claimed size
    files["bomb.png"] = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")

    frames = [Image.new("RGB", (64, 64), c) for c in [(220, 30, 30), (30, 200, 30), (30, 30, 220)]]
    for i, f in enumerate(frames):
        ImageDraw.Draw(f).text((8, 24), f"frame {i + 1}", fill=(255, 255, 255))
    files["animated.gif"] = to_bytes(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=300, loop=0)
    files["animated.png"] = to_bytes(frames[0], "PNG", save_all=True, append_images=frames[1:], duration=300, loop=0)

    files["cmyk.jpg"] = to_bytes(pattern_rgb(96, 72, seed=3).convert("CMYK"), "JPEG", quality=85)

    yy, xx = np.mgrid[0:64, 0:96]
    grey16 = ((xx * 65535) // 95).astype(np.uint16)
    grey16[16:48, 24:72] = 60000 - grey16[16:48, 24:72] // 2
    img16 = Image.fromarray(grey16)  # mode I;16
    files["grey16.png"] = to_bytes(img16, "PNG")

    files["grey.png"] = to_bytes(pattern_rgb(96, 64, seed=4).convert("L"), "PNG")

    rgba = pattern_rgb(96, 64, seed=5).convert("RGBA")
    a = np.array(rgba)
    a[:, :24, 3] = 0  # left quarter fully transparent
    a[:16, :, 3] = 128  # top band half transparent
    files["alpha.png"] = to_bytes(Image.fromarray(a, "RGBA"), "PNG")

    # Stored landscape 96x64 with a red block top-left; orientation 6 means
    # "rotate 90° clockwise to display", so it shows as 64x96 with the block top-right.
    rot = Image.new("RGB", (96, 64), (200, 200, 200))
    ImageDraw.Draw(rot).rectangle([0, 0, 31, 21], fill=(220, 20, 20))
    exif = Image.Exif()
    exif[0x0112] = 6
    files["exif-rotated.jpg"] = to_bytes(rot, "JPEG", quality=90, exif=exif.tobytes())

    files["image.svg"] = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">\n'
        b'  <script>document.title = "svg-script-ran";</script>\n'
        b'  <rect width="200" height="100" fill="#8fb8de"/>\n'
        b'  <circle cx="60" cy="50" r="30" fill="#d33"/>\n'
        b'  <rect x="110" y="25" width="60" height="50" fill="#2a2"/>\n'
        b"</svg>\n"
    )

    big = Image.new("L", (4000, 3000), 110)
    ImageDraw.Draw(big).ellipse([1200, 800, 2800, 2200], fill=200)
    files["large-ok.png"] = to_bytes(big, "PNG", optimize=True)
    return files


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "e2e/fixtures/bad-images", help="output folder")
    args = ap.parse_args()
    files = build()
    assert set(files) == set(EXPECTATIONS), "every fixture needs a README line"
    total = sum(len(b) for b in files.values())
    assert total < SIZE_LIMIT, f"fixtures total {total} bytes, over {SIZE_LIMIT}"
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (args.out / name).write_bytes(data)
    lines = [
        "# Image-intake fixtures",
        "",
        "Generated by `/usr/bin/python3 python/scripts/make_bad_images.py` (fixed seeds; do not edit by hand).",
        "Each file, and what the app must do with it:",
        "",
    ]
    lines += [f"- `{name}` ({len(files[name])} B): {EXPECTATIONS[name]}" for name in files]
    (args.out / "README.md").write_text("\n".join(lines) + "\n")
    print(f"wrote {len(files)} files, {total} bytes, to {args.out}")


if __name__ == "__main__":
    main()
