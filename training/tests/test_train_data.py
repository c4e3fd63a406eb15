"""Clip-grouped split and balanced sampling of the training data (training/lus_train/data.py)."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lus_train import CLASSES  # noqa: E402
from lus_train.data import (  # noqa: E402
    FrameSet,
    balanced_weights,
    clip_balanced_weights,
    clip_signs,
    epoch_order,
    load_split,
    make_clip_split,
    mixed_epoch,
    sampled_sign_share,
    split_by_clip,
)

SPLIT = Path(__file__).resolve().parents[1] / "splits" / "real-val-clips.json"


def frames(clip_sizes):
    """clip_sizes: {(clip, class index): frame count}."""
    clips, labels = [], []
    for (clip, c), n in clip_sizes.items():
        clips += [clip] * n
        labels += [c] * n
    n = len(labels)
    return FrameSet(
        images=np.zeros((n, 4, 4), np.uint8),
        labels=np.asarray(labels),
        clips=clips,
        paths=[f"p{i}" for i in range(n)],
        sources=[f"s{i}" for i in range(n)],
        roi_found=np.ones(n, bool),
    )


def test_split_keeps_every_clip_on_one_side_and_is_stratified():
    sizes = {(f"{CLASSES[c]}-{k}", c): 1 + k % 12 for c, count in enumerate([35, 12, 16, 20]) for k in range(count)}
    fs = frames(sizes)
    val = make_clip_split(clip_signs(fs), 0.2, seed=5)
    assert [len(val[c]) for c in CLASSES] == [7, 2, 3, 4]
    train, held = split_by_clip(fs, val)
    assert not set(train.clips) & set(held.clips)
    assert len(train) + len(held) == len(fs)
    assert make_clip_split(clip_signs(fs), 0.2, seed=5) == val  # reproducible
    for c, name in enumerate(CLASSES):  # every held clip has the sign it is filed under
        assert all(clip.startswith(name) for clip in val[name])


def test_split_refuses_unknown_clips_and_mixed_labels():
    fs = frames({("a", 0): 3, ("b", 1): 2})
    with pytest.raises(ValueError):
        split_by_clip(fs, {"a_lines": ["missing"]})
    broken = frames({("a", 0): 2, ("a", 1): 1})
    with pytest.raises(ValueError):
        clip_signs(broken)


def test_committed_split_is_well_formed():
    doc = json.loads(SPLIT.read_text())
    val = load_split(SPLIT)
    assert list(val) == list(CLASSES)
    every = [c for v in val.values() for c in v]
    assert len(every) == len(set(every))
    for name in CLASSES:
        assert len(val[name]) == max(1, round(doc["fraction"] * doc["clipsPerSign"][name]))


def test_balanced_weights_give_each_class_and_clip_an_equal_share():
    fs = frames({("a1", 0): 12, ("a2", 0): 1, ("b1", 1): 4})
    w = balanced_weights(fs.labels, fs.clips)
    assert w.sum() == pytest.approx(1.0)
    assert w[fs.labels == 0].sum() == pytest.approx(0.5)
    a1 = np.asarray([c == "a1" for c in fs.clips])
    assert w[a1].sum() == pytest.approx(0.25)  # the 12-frame clip weighs as much as the 1-frame clip


def test_clip_balanced_weights_give_each_clip_an_equal_share_and_the_signs_their_clip_mix():
    # Two A-lines clips (12 frames and 1) and one B-lines clip: by clip, A-lines gets 2/3 of the draws, not 1/2.
    fs = frames({("a1", 0): 12, ("a2", 0): 1, ("b1", 1): 4})
    w = clip_balanced_weights(fs.clips)
    assert w.sum() == pytest.approx(1.0)
    for clip in ("a1", "a2", "b1"):
        assert w[np.asarray([c == clip for c in fs.clips])].sum() == pytest.approx(1 / 3)
    assert sampled_sign_share(w, fs.labels) == pytest.approx([2 / 3, 1 / 3, 0.0, 0.0])
    # Balanced by sign, the same frames are drawn half and half: the prior such a network assumes.
    assert sampled_sign_share(balanced_weights(fs.labels, fs.clips), fs.labels) == pytest.approx([0.5, 0.5, 0, 0])
    # Soft targets: the weighted mean target. The B-lines clip's target gives a quarter to consolidation.
    soft = np.zeros((len(fs.labels), 4))
    soft[np.arange(len(fs.labels)), fs.labels] = 1.0
    b = fs.labels == 1
    soft[b] = [0, 0.75, 0, 0.25]
    assert sampled_sign_share(w, fs.labels, soft) == pytest.approx([2 / 3, 0.25, 0.0, 1 / 12])


def test_epoch_orders_are_fixed_by_seed_and_epoch():
    assert np.array_equal(epoch_order(50, 5, 3), epoch_order(50, 5, 3))
    assert not np.array_equal(epoch_order(50, 5, 3), epoch_order(50, 5, 4))
    rw = np.full(10, 0.1)
    pw = np.full(20, 0.05)
    m = mixed_epoch(rw, pw, 64, 0.5, seed=1, epoch=0)
    assert np.array_equal(m, mixed_epoch(rw, pw, 64, 0.5, seed=1, epoch=0))
    assert (m >= 0).sum() == 32
    assert m.min() >= -20 and m.max() < 10
