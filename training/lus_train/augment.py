"""On-the-fly augmentation of prepared model-size grey frames (lus-synth.md's randomisation list), seeded per sample."""

from __future__ import annotations

import io
from typing import Sequence

import numpy as np
from PIL import Image, ImageFilter

# Pixels at or below this grey level count as background (padding, outside the sector): photometric
# changes leave them black, as a scanner's gain never lights up the area outside its image.
BACKGROUND = 2


def sample_rng(seed: int, epoch: int, position: int) -> np.random.Generator:
    """One generator per (run seed, epoch, position in the epoch): the same sample gets the same
    augmentation after a resume, whatever happened before it."""
    return np.random.default_rng([seed, epoch, position, 2])


def _affine(img: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Rotation ±12°, zoom ±10 %, shift ±10 % about the centre, black fill (what 'pad' leaves)."""
    w, h = img.size
    angle = np.deg2rad(rng.uniform(-12, 12))
    zoom = rng.uniform(0.9, 1.1)
    tx, ty = rng.uniform(-0.1, 0.1) * w, rng.uniform(-0.1, 0.1) * h
    cx, cy = (w - 1) / 2, (h - 1) / 2
    # PIL wants the inverse map (output → input).
    cos, sin = np.cos(angle) / zoom, np.sin(angle) / zoom
    a, b = cos, sin
    d, e = -sin, cos
    c = cx - a * (cx + tx) - b * (cy + ty)
    f = cy - d * (cx + tx) - e * (cy + ty)
    return img.transform((w, h), Image.AFFINE, (a, b, c, d, e, f), resample=Image.BILINEAR, fillcolor=0)


def _edge_crop(arr: np.ndarray, rng: np.random.Generator) -> None:
    """Sector-edge cropping: a black band of 3–12 % on one side, as when a screen grab cuts the image."""
    h, w = arr.shape
    side = rng.integers(0, 3)
    k = int(round(rng.uniform(0.03, 0.12) * (w if side < 2 else h)))
    if k == 0:
        return
    if side == 0:
        arr[:, :k] = 0
    elif side == 1:
        arr[:, w - k :] = 0
    else:
        arr[h - k :, :] = 0


def augment(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """uint8 (H, W) → augmented uint8 (H, W). Order follows the imaging chain: view (geometry, flip),
    scanner (gain, contrast, gamma), capture (blur, down-up scaling, noise, JPEG)."""
    img = Image.fromarray(image)  # uint8 (H, W) is mode L; the mode argument is going from Pillow
    if rng.random() < 0.8:
        img = _affine(img, rng)
    if rng.random() < 0.5:
        img = img.transpose(Image.FLIP_LEFT_RIGHT)
    arr = np.asarray(img, dtype=np.uint8).copy()
    if rng.random() < 0.15:
        _edge_crop(arr, rng)

    x = arr.astype(np.float32)
    background = x <= BACKGROUND
    if rng.random() < 0.8:
        x *= rng.uniform(0.7, 1.3)  # brightness (gain)
    if rng.random() < 0.8:
        fg = x[~background]
        pivot = float(fg.mean()) if fg.size else 0.0
        x = pivot + (x - pivot) * rng.uniform(0.7, 1.3)  # contrast ±30 %
    if rng.random() < 0.5:
        x = 255.0 * np.power(np.clip(x, 0, 255) / 255.0, np.exp(rng.uniform(np.log(0.7), np.log(1.4))))
    x = np.clip(x, 0, 255)
    x[background] = arr[background]

    img = Image.fromarray(np.round(x).astype(np.uint8))
    if rng.random() < 0.3:
        img = img.filter(ImageFilter.GaussianBlur(radius=float(rng.uniform(0.3, 1.5))))
    if rng.random() < 0.25:
        w, h = img.size
        s = rng.uniform(0.4, 0.85)
        img = img.resize((max(8, int(w * s)), max(8, int(h * s))), Image.BILINEAR).resize((w, h), Image.BILINEAR)
    if rng.random() < 0.3:
        x = np.asarray(img, dtype=np.float32)
        inside = x > BACKGROUND
        x = x + inside * rng.normal(0.0, rng.uniform(1.0, 8.0), size=x.shape).astype(np.float32)
        img = Image.fromarray(np.round(np.clip(x, 0, 255)).astype(np.uint8))
    if rng.random() < 0.4:
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=int(rng.integers(30, 96)))
        buf.seek(0)
        img = Image.open(buf).convert("L")
    return np.asarray(img, dtype=np.uint8)


def to_input(images: np.ndarray, mean: float, std: float) -> np.ndarray:
    """uint8 (N, H, W) → float32 (N, 3, H, W): /255, (v − mean)/std, grey replicated to three channels,
    exactly what normaliseToTensorData does with range [0, 1] and equal per-channel mean and std."""
    x = (images.astype(np.float32) / 255.0 - mean) / std
    return np.repeat(x[:, None, :, :], 3, axis=1)


def augment_batch(images: Sequence[np.ndarray], seed: int, epoch: int, positions: Sequence[int]) -> np.ndarray:
    return np.stack([augment(img, sample_rng(seed, epoch, p)) for img, p in zip(images, positions)])
