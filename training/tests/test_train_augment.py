"""Augmentation is deterministic per (seed, epoch, position), keeps the frame size and the black background."""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lus_train.augment import augment, augment_batch, sample_rng, to_input  # noqa: E402


def frame(seed=0, size=64):
    rng = np.random.default_rng(seed)
    img = np.zeros((size, size), np.uint8)
    img[8:56, 12:52] = rng.integers(20, 220, size=(48, 40))  # speckle inside black padding
    return img


def test_same_seed_same_augmentation():
    img = frame()
    a = augment(img, sample_rng(5, 2, 17))
    b = augment(img, sample_rng(5, 2, 17))
    assert np.array_equal(a, b)
    assert a.shape == img.shape and a.dtype == np.uint8
    c = augment_batch([img, img], 5, 2, [17, 18])
    assert np.array_equal(c[0], a)
    assert not np.array_equal(c[0], c[1])


def test_augmentations_vary_and_keep_padding_dark():
    img = frame()
    outs = [augment(img, sample_rng(1, 0, k)) for k in range(40)]
    assert len({o.tobytes() for o in outs}) == 40
    corners = np.asarray([o[:3, :3].mean() for o in outs])
    assert np.median(corners) < 8  # gain and contrast never light up the black surround


def test_to_input_matches_the_app_normalisation():
    img = np.asarray([[0, 255], [51, 102]], np.uint8)[None]
    x = to_input(img, mean=0.16, std=0.2)
    assert x.shape == (1, 3, 2, 2)
    assert np.allclose(x[0, 0], (img[0] / 255.0 - 0.16) / 0.2)
    assert np.array_equal(x[0, 0], x[0, 2])
