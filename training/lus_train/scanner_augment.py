"""Augmentations that mimic a change of scanner: speckle grain, compression curve, TGC, resolution, depth, letterbox, overlays."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from .augment import BACKGROUND

# Why these: a model trained on one collection learns its scanners' look (speckle grain, dynamic range,
# time-gain curve, sharpness, depth, the screen's overlays). Each change below alters only that look,
# never the sign, so a network that must read the sign through all of them cannot lean on the look.


def _speckle(x: np.ndarray, inside: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Multiplicative speckle of another grain: Rayleigh noise smoothed to 0.5–2 px, mixed in at 15–45 %."""
    h, w = x.shape
    n = rng.rayleigh(1.0, size=(h, w)).astype(np.float32)
    n = np.asarray(Image.fromarray(np.clip(n * 80, 0, 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(radius=float(rng.uniform(0.5, 2.0)))), dtype=np.float32)
    n = n / max(float(n[inside].mean()) if inside.any() else 1.0, 1e-3)
    a = rng.uniform(0.15, 0.45)
    return np.where(inside, x * ((1 - a) + a * n), x)


def _compression(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Another dynamic range: a logarithmic (k > 0) or expanding (k < 0) curve through black and white."""
    k = float(rng.uniform(-3.0, 6.0))
    v = np.clip(x, 0, 255) / 255.0
    if abs(k) < 1e-3:
        return x
    if k > 0:
        v = np.log1p(k * v) / np.log1p(k)
    else:
        v = np.expm1(-k * v) / np.expm1(-k)
    return v * 255.0


def _tgc(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Time-gain compensation: a smooth gain over depth (rows), 4 control points between ×0.55 and ×1.5."""
    h = x.shape[0]
    pts = np.exp(rng.uniform(np.log(0.55), np.log(1.5), size=4))
    gain = np.interp(np.arange(h), np.linspace(0, h - 1, 4), pts).astype(np.float32)
    return x * gain[:, None]


def _anisotropic_blur(img: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Lateral resolution worse than axial (or the reverse), as with another transducer or focus."""
    w, h = img.size
    sx, sy = rng.uniform(0.35, 1.0), rng.uniform(0.35, 1.0)
    small = img.resize((max(8, int(w * sx)), max(8, int(h * sy))), Image.BILINEAR)
    return small.resize((w, h), Image.BICUBIC)


def _depth(arr: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Another depth setting: show only the top 70–95 % (shallower) scaled to fit, or shrink the image into
    the top of the frame (deeper), keeping the padded square the app would produce."""
    h, w = arr.shape
    img = Image.fromarray(arr)
    if rng.random() < 0.5:
        keep = int(h * rng.uniform(0.7, 0.95))
        top = img.crop((0, 0, w, keep))
        s = h / keep
        nw = min(w, int(round(w * s)))
        top = top.resize((nw, h), Image.BILINEAR)
        out = Image.new("L", (w, h), 0)
        out.paste(top, ((w - nw) // 2, 0))
        return np.asarray(out)
    s = rng.uniform(0.75, 0.95)
    small = img.resize((int(w * s), int(h * s)), Image.BILINEAR)
    out = Image.new("L", (w, h), 0)
    out.paste(small, ((w - small.size[0]) // 2, 0))
    return np.asarray(out)


def _letterbox(arr: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Black bands left/right or top/bottom, as a screen grab of another aspect ratio."""
    h, w = arr.shape
    out = arr.copy()
    k = int(round(rng.uniform(0.04, 0.15) * w))
    if rng.random() < 0.5:
        out[:, :k] = 0
        out[:, w - k :] = 0
    else:
        out[:k, :] = 0
        out[h - k :, :] = 0
    return out


def _overlays(arr: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Screen furniture: a depth scale of ticks, a focus marker, a few short text-like bars near the edges."""
    img = Image.fromarray(arr)
    d = ImageDraw.Draw(img)
    h, w = arr.shape
    grey = int(rng.integers(150, 256))
    if rng.random() < 0.6:
        x = int(rng.choice([rng.integers(1, 6), w - int(rng.integers(2, 7))]))
        for y in range(int(rng.integers(4, 12)), h, int(rng.integers(8, 20))):
            d.line([(x, y), (x + (3 if x < w // 2 else -3), y)], fill=grey)
    if rng.random() < 0.4:
        y = int(rng.integers(h // 4, 3 * h // 4))
        x = int(rng.choice([2, w - 6]))
        d.polygon([(x, y), (x + 4, y + 3), (x, y + 6)], fill=grey)
    for _ in range(int(rng.integers(0, 4))):
        x0 = int(rng.integers(0, w - 20))
        y0 = int(rng.choice([rng.integers(0, 8), h - int(rng.integers(4, 10))]))
        d.rectangle([x0, y0, x0 + int(rng.integers(6, 20)), y0 + 2], fill=grey)
    return np.asarray(img)


def scanner_augment(image: np.ndarray, rng: np.random.Generator, strength: float = 1.0) -> np.ndarray:
    """uint8 (H, W) → uint8 (H, W): each change applied with its own probability (× strength). Runs on the
    prepared (cropped, padded) frame, before the generic augmentations of augment.py."""
    arr = image
    if rng.random() < 0.3 * strength:
        arr = _depth(arr, rng)
    x = arr.astype(np.float32)
    background = x <= BACKGROUND
    inside = ~background
    if rng.random() < 0.4 * strength:
        x = _speckle(x, inside, rng)
    if rng.random() < 0.5 * strength:
        x = _compression(x, rng)
    if rng.random() < 0.4 * strength:
        x = _tgc(x, rng)
    x = np.clip(x, 0, 255)
    x[background] = arr[background]
    img = Image.fromarray(np.round(x).astype(np.uint8))
    if rng.random() < 0.3 * strength:
        img = _anisotropic_blur(img, rng)
    arr = np.asarray(img)
    if rng.random() < 0.15 * strength:
        arr = _letterbox(arr, rng)
    if rng.random() < 0.3 * strength:
        arr = _overlays(arr, rng)
    return np.ascontiguousarray(arr, dtype=np.uint8)
