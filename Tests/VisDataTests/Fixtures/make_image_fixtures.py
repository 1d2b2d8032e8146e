# Writes the small image fixtures CodecTests decodes, with the reference pixel values
# in images/reference.json. Run once (needs pypng and Pillow):
#   python Tests/VisDataTests/Fixtures/make_image_fixtures.py
# PNGs of every colour type and bit depth (some interlaced) come from pypng; the JPEGs
# (baseline, progressive, greyscale, CMYK, EXIF orientation 6) from Pillow.
import json
import os

import numpy as np
import png
from PIL import Image

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "images")
os.makedirs(here, exist_ok=True)
reference = {}
W, H = 5, 3

def grid(maxval, channels, seed):
    rng = np.random.default_rng(seed)
    return rng.integers(0, maxval + 1, size=(H, W, channels))

def save_png(name, values, **kw):
    channels = values.shape[2]
    rows = values.reshape(H, W * channels).tolist()
    with open(os.path.join(here, name), "wb") as f:
        png.Writer(W, H, **kw).write(f, rows)

for depth in [1, 2, 4, 8, 16]:
    v = grid(2**depth - 1, 1, depth)
    save_png(f"grey{depth}.png", v, greyscale=True, bitdepth=depth)
    reference[f"grey{depth}.png"] = (v[:, :, 0] / (2**depth - 1)).tolist()
for depth in [8, 16]:
    for name, ch, kw in [("ga", 2, dict(greyscale=True, alpha=True)), ("rgb", 3, dict(greyscale=False)), ("rgba", 4, dict(greyscale=False, alpha=True))]:
        v = grid(2**depth - 1, ch, 100 + ch * depth)
        save_png(f"{name}{depth}.png", v, bitdepth=depth, **kw)
        reference[f"{name}{depth}.png"] = (v / (2**depth - 1)).transpose(2, 0, 1).tolist()
# Interlaced (Adam7) RGB.
v = grid(255, 3, 7)
save_png("rgb8_interlaced.png", v, greyscale=False, interlace=True)
reference["rgb8_interlaced.png"] = (v / 255).transpose(2, 0, 1).tolist()
# Palette images: raw indices (for masks) and the expanded colours.
palette = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)]
for depth in [2, 8]:
    idx = grid(3, 1, 50 + depth)[:, :, 0]
    with open(os.path.join(here, f"palette{depth}.png"), "wb") as f:
        png.Writer(W, H, palette=palette, bitdepth=depth).write(f, idx.tolist())
    reference[f"palette{depth}.png"] = {"indices": idx.tolist(),
                                        "rgb": (np.array(palette)[idx] / 255).transpose(2, 0, 1).tolist()}

# JPEGs: a smooth 16x12 image so compression error is small and stable.
yy, xx = np.mgrid[0:12, 0:16]
rgb = np.stack([xx * 15, yy * 20, 128 + 0 * xx], axis=2).astype(np.uint8)
img = Image.fromarray(rgb)
img.save(os.path.join(here, "baseline.jpg"), quality=95)
img.save(os.path.join(here, "progressive.jpg"), quality=95, progressive=True)
img.convert("L").save(os.path.join(here, "grey.jpg"), quality=95)
img.convert("CMYK").save(os.path.join(here, "cmyk.jpg"), quality=95)
reference["baseline.jpg"] = (np.asarray(Image.open(os.path.join(here, "baseline.jpg"))) / 255).transpose(2, 0, 1).tolist()
reference["grey.jpg"] = (np.asarray(Image.open(os.path.join(here, "grey.jpg"))) / 255).tolist()
reference["cmyk.jpg"] = (np.asarray(Image.open(os.path.join(here, "cmyk.jpg")).convert("RGB")) / 255).transpose(2, 0, 1).tolist()
# EXIF orientation 6: stored sideways, shown rotated 90 degrees clockwise.
exif = Image.Exif()
exif[0x0112] = 6
img.save(os.path.join(here, "orient6.jpg"), quality=95, exif=exif)
from PIL import ImageOps
upright = ImageOps.exif_transpose(Image.open(os.path.join(here, "orient6.jpg")))
reference["orient6.jpg"] = (np.asarray(upright) / 255).transpose(2, 0, 1).tolist()

with open(os.path.join(here, "reference.json"), "w") as f:
    json.dump(reference, f)
