"""Writes data.vis: vis's image transforms and picture tools checked against torchvision:
ToTensor, PILToTensor, ConvertImageDtype, v2.ToDtype, CenterCrop (odd margins and crops
larger than the image), the deterministic geometric transforms on odd sizes (Resize,
flips with p=1, RandomRotation with a fixed angle), make_grid and save_image.

Run with PyTorch and torchvision installed: python make_data.py (writes data.vis next to
this file).

Tolerances: dtype conversions, crops, flips, nearest resizing and rotation, make_grid's
layout and save_image's bytes are exact (rtol=0, atol=0: the same float32 operations in the
same order, or pure copies; rotation follows torchvision's affine_grid and grid_sample
in float32 step by step, so even its ties round alike); antialiased bilinear Resize and
bilinear rotation at rtol=0, atol=2e-6 (vis sums
the same triangle-filter weights as torchvision's antialias kernel, in another order:
a few float32 ulp of values in [0, 1]); make_grid with normalize at rtol=1.3e-6,
atol=1e-6 (vis computes (x - low) / (high - low) as torchvision, the scalar rounded
to float32 the same way; kept loose by one ulp for the division); Normalize at rtol=1.3e-6, atol=1e-6 ((x - mean) / std in float32; vis multiplies by 1 / std, one rounding different).
"""
import os
import tempfile
import numpy as np
import torch
import torchvision.transforms as T
import torchvision.transforms.v2 as v2
import torchvision.transforms.functional as TF
import torchvision.utils as vu
from PIL import Image
import torchref
from torchref import lit

torch.manual_seed(17)
HERE = os.path.dirname(os.path.abspath(__file__))
nb = torchref.Notebook(os.path.join(HERE, "data.vis"), "image transforms, make_grid and save_image against torchvision", "make_data.py")
EXACT = dict(rtol=0.0, atol=0.0)
BILINEAR = dict(rtol=0.0, atol=2e-6)
NORM = dict(rtol=1.3e-6, atol=1e-6)
NORMALIZE = dict(rtol=1.3e-6, atol=1e-6)

def u8(*shape):
    return torch.randint(0, 256, shape, dtype=torch.uint8)

nb.comment("ToTensor: a uint8 array image [H, W, C] (or [H, W]) to float32 [C, H, W] / 255")
for shape in [(5, 7, 3), (4, 6, 1), (3, 5)]:
    a = u8(*shape)
    nb.check(f"ToTensor()({lit(a)})", T.ToTensor()(a.numpy()), **EXACT)
nb.line("img = tensor([[[0.0, 0.5], [1.0, 0.25]]])")
nb.comment("a float image [C, H, W] (vis's image form) passes through unchanged")
nb.check("transforms.ToTensor()(img)", torch.tensor([[[0.0, 0.5], [1.0, 0.25]]]), **EXACT)

nb.comment("PILToTensor: the 8-bit values of an image, uint8 [C, H, W]")
for shape in [(5, 7, 3), (4, 6)]:
    a = u8(*shape)
    pil = Image.fromarray(a.numpy())
    chw = T.ToTensor()(pil)  # what vis's read_image gives for this picture
    nb.check(f"PILToTensor()({lit(chw)})", T.PILToTensor()(pil), **EXACT)
    nb.check(f"PILToTensor()({lit(a)})", T.PILToTensor()(pil), **EXACT)

nb.comment("ConvertImageDtype: convert_image_dtype's scaling between dtypes")
x8 = torch.tensor([0, 1, 2, 127, 128, 200, 254, 255], dtype=torch.uint8).reshape(1, 2, 4)
xf = torch.tensor([0.0, 0.001, 0.25, 0.5, 0.7, 0.999, 1.0, 0.0039]).reshape(1, 2, 4)
cases = [(x8, torch.float32), (x8, torch.float64), (x8, torch.int8), (x8, torch.int16), (x8, torch.int32), (x8, torch.int64),
         (xf, torch.uint8), (xf, torch.int8), (xf, torch.int16), (xf, torch.float64), (xf.double(), torch.int32),
         (x8.to(torch.int16) * 100, torch.uint8), (x8.to(torch.int16) * 100, torch.float32), (x8 > 100, torch.uint8), (x8, torch.bool)]
names = {torch.float32: "torch.float32", torch.float64: "torch.float64", torch.int8: "torch.int8", torch.int16: "torch.int16",
         torch.int32: "torch.int32", torch.int64: "torch.int64", torch.uint8: "torch.uint8", torch.bool: "torch.bool"}
for x, d in cases:
    nb.check(f"ConvertImageDtype({names[d]})({lit(x)})", T.ConvertImageDtype(d)(x), **EXACT)
nb.error("ConvertImageDtype(torch.int32)(tensor([0.5]))",
         "ConvertImageDtype: the conversion from float32 to int32 cannot be performed safely (torchvision refuses it too: the float cannot hold every value of the integer range)...")

nb.comment("v2.ToDtype(dtype, scale): a plain dtype change, or to_dtype_image's scaling")
for x, d, scale in [(x8, torch.float32, True), (x8, torch.float32, False), (xf, torch.uint8, True), (xf * 255, torch.uint8, False),
                    (x8, torch.int16, True), (xf, torch.float64, True)]:
    s = "true" if scale else "false"
    nb.check(f"ToDtype({names[d]}, scale={s})({lit(x)})", v2.ToDtype(d, scale=scale)(x), **EXACT)
pil = Image.fromarray(u8(4, 5).numpy())
nb.check(f"Compose([PILToTensor(), ToDtype(torch.float32, scale=true)])({lit(T.ToTensor()(pil))})",
         v2.ToDtype(torch.float32, scale=True)(T.PILToTensor()(pil)), **EXACT)

nb.comment("CenterCrop: torchvision's offsets int(round((h - th) / 2)) (ties to even) and padding when the crop is larger")
img = torch.rand(2, 7, 9)
nb.line(f"img = {lit(img)}")
for size in [(4, 4), (5, 6), (3, 8), (6, 7), (1, 1), (7, 9), (9, 11), (10, 10), (5, 12), (12, 4), (8, 9)]:
    nb.check(f"CenterCrop({list(size)})(img)", T.CenterCrop(size)(img), **EXACT)
even = torch.rand(1, 6, 8)
nb.line(f"even = {lit(even)}")
for size in [3, 5, 7, 9]:
    nb.check(f"CenterCrop({size})(even)", T.CenterCrop(size)(even), **EXACT)

nb.comment("Resize on odd sizes: antialiased bilinear (torchvision's default) and nearest")
for size in [[4, 5], 5, [9, 13], [3, 3], 11]:
    nb.check(f"Resize({size})(img)", T.Resize(size, antialias=True)(img), **BILINEAR)
for size in [[4, 5], [9, 13], 3]:
    nb.check(f'Resize({size}, interpolation="nearest")(img)', T.Resize(size, interpolation=T.InterpolationMode.NEAREST)(img), **EXACT)

nb.comment("Flips with p=1 and a rotation by a fixed angle (nearest, fill 0) on odd sizes")
nb.check("RandomHorizontalFlip(p=1.0)(img)", TF.hflip(img), **EXACT)
nb.check("RandomVerticalFlip(p=1.0)(img)", TF.vflip(img), **EXACT)
for angle in [90.0, 30.0, -45.0, 13.0, 180.0]:
    nb.check(f"RandomRotation([{angle}, {angle}])(img)", T.RandomRotation((angle, angle))(img), **EXACT)
nb.check("RandomRotation([30.0, 30.0], fill=0.5)(img)", T.RandomRotation((30.0, 30.0), fill=0.5)(img), **EXACT)
for angle, fill in [(30.0, 0.0), (-45.0, 0.0), (13.0, 0.25)]:
    nb.check(f'RandomRotation([{angle}, {angle}], interpolation="bilinear", fill={fill})(img)',
             T.RandomRotation((angle, angle), interpolation=T.InterpolationMode.BILINEAR, fill=fill)(img), **BILINEAR)

nb.comment("Normalize (Grayscale is not compared: vis uses PIL's 0.299 red weight, what a torchvision script's Grayscale of a PIL image approximates; torchvision's tensor path uses 0.2989)")
rgb = torch.rand(3, 5, 7)
nb.line(f"rgb = {lit(rgb)}")
nb.check("Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])(rgb)", T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])(rgb), **NORMALIZE)

nb.comment("make_grid: torchvision.utils' layout (nrow, padding, pad_value) and normalisation")
batch = torch.rand(5, 3, 3, 4)
gray = torch.rand(3, 1, 2, 3)
wide = torch.randn(4, 3, 2, 2) * 3
nb.line(f"batch = {lit(batch)}")
nb.line(f"gray = {lit(gray)}")
nb.line(f"wide = {lit(wide)}")
for args, kw in [("", {}), (", nrow=2", dict(nrow=2)), (", nrow=3, padding=1, pad_value=0.5", dict(nrow=3, padding=1, pad_value=0.5)),
                 (", padding=0", dict(padding=0)), (", nrow=10", dict(nrow=10))]:
    nb.check(f"make_grid(batch{args})", vu.make_grid(batch, **kw), **EXACT)
nb.check("make_grid(gray, nrow=2)", vu.make_grid(gray, nrow=2), **EXACT)
nb.check("make_grid(batch[0])", vu.make_grid(batch[0]), **EXACT)
nb.check("make_grid(gray[0])", vu.make_grid(gray[0]), **EXACT)
nb.check("make_grid(gray[0, 0])", vu.make_grid(gray[0, 0]), **EXACT)
nb.check("make_grid([batch[0], batch[1], batch[2]], nrow=2)", vu.make_grid([batch[0], batch[1], batch[2]], nrow=2), **EXACT)
nb.check("torchvision.utils.make_grid(wide, normalize=true)", vu.make_grid(wide, normalize=True), **NORM)
nb.check("make_grid(wide, normalize=true, scale_each=true, nrow=2)", vu.make_grid(wide, normalize=True, scale_each=True, nrow=2), **NORM)
nb.check("make_grid(wide, normalize=true, value_range=(-1, 1))", vu.make_grid(wide, normalize=True, value_range=(-1, 1)), **NORM)
nb.check("make_grid(wide, normalize=true, value_range=(-2, 2), scale_each=true)", vu.make_grid(wide, normalize=True, value_range=(-2, 2), scale_each=True), **NORM)
nb.check("make_grid(full([2, 1, 2, 2], 0.3), normalize=true)", vu.make_grid(torch.full((2, 1, 2, 2), 0.3), normalize=True), **NORM)

nb.comment("save_image: the grid's bytes (x * 255 + 0.5 clamped, truncated), read back as read_image does")
with tempfile.TemporaryDirectory() as d:
    for k, (expr, t, kw, args) in enumerate([("batch", batch, dict(nrow=2), ", nrow=2"), ("wide", wide, dict(normalize=True), ", normalize=true"),
                                            ("gray", gray, dict(padding=1, pad_value=1.0), ", padding=1, pad_value=1.0"),
                                            ("wide", wide, {}, "")]):
        path = os.path.join(d, f"g{k}.png")
        vu.save_image(t, path, **kw)
        back = T.ToTensor()(Image.open(path).convert("RGB"))
        nb.line(f'save_image({expr}, f"{{getenv(\'TMPDIR\', \'/tmp\')}}/vis-data-grid{k}.png"{args})')
        nb.check(f'read_image(f"{{getenv(\'TMPDIR\', \'/tmp\')}}/vis-data-grid{k}.png")', back, **EXACT)
nb.write()
