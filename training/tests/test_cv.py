"""Cross-validation splits, soft targets, clip scoring and the scanner augmentations (training/cv.py, lus_train/folds.py)."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lus_train import CLASSES  # noqa: E402
from lus_train.augment import BACKGROUND  # noqa: E402
from lus_train.data import FrameSet  # noqa: E402
from lus_train.folds import FOLD_TAGS, clip_flags, held_out_clips, make_folds, read_clips, split_of_tag  # noqa: E402
from lus_train.scanner_augment import scanner_augment  # noqa: E402
from cv import (CHUNK, build, chunk_order, freeze, frozen_modules, mixup, prior_adjusted, score_clips,  # noqa: E402
                soft_targets, training_clip_share)

TRAINING = Path(__file__).resolve().parents[1]
SPLITS = TRAINING / "splits" / "cv-folds.json"
CLIPS_CSV = TRAINING.parent.parent / "shared" / "data" / "pocus-lus" / "clips.csv"


def test_committed_folds_cover_every_clip_once_and_are_stratified():
    doc = json.loads(SPLITS.read_text())
    folds = [f["clips"] for f in doc["folds"]]
    every = [c for f in folds for c in f]
    assert len(folds) == 5
    assert len(every) == len(set(every)) == 83
    for c in CLASSES:
        counts = [f["perSign"][c] for f in doc["folds"]]
        assert max(counts) - min(counts) <= 1, (c, counts)
    assert len(doc["heldOutSite"]["clips"]) == 35
    assert all(doc["heldOutSite"]["perSign"][c] > 0 for c in CLASSES)


@pytest.mark.skipif(not CLIPS_CSV.exists(), reason="needs ../shared/data/pocus-lus")
def test_folds_are_redrawn_identically_from_the_clips_file():
    # Fixed once: the committed file is exactly what the seeded procedure gives, so nobody re-drew it.
    rows = read_clips(CLIPS_CSV)
    doc = json.loads(SPLITS.read_text())
    assert make_folds(rows) == [f["clips"] for f in doc["folds"]]
    site = [r["clip"] for r in rows if r["source"].startswith(doc["heldOutSite"]["sourcePrefix"])]
    assert sorted(site) == doc["heldOutSite"]["clips"]


def test_held_out_clips_by_split_name():
    doc = json.loads(SPLITS.read_text())
    assert held_out_clips(doc, "fold:2") == doc["folds"][2]["clips"]
    assert held_out_clips(doc, "site") == doc["heldOutSite"]["clips"]
    assert held_out_clips(doc, "all") == []
    with pytest.raises(ValueError):
        held_out_clips(doc, "fold2")
    # A run folder's name (fold2, site) leads back to its split, as the reports read it.
    assert [held_out_clips(doc, split_of_tag(t)) for t in FOLD_TAGS] == [f["clips"] for f in doc["folds"]]
    assert split_of_tag("site") == "site"
    with pytest.raises(ValueError):
        split_of_tag("fold:2")


def rows(*specs):
    """(clip, sign, effusion, consolidation, b_lines, a_lines)"""
    return [dict(clip=c, sign=s, effusion=str(e), consolidation=str(k), b_lines=str(b), a_lines=str(a), source="x")
            for c, s, e, k, b, a in specs]


def test_clip_flags_always_include_the_clips_own_sign():
    flags = clip_flags(rows(("reg", "a_lines", 0, 0, 0, 0), ("eff", "pleural_effusion", 1, 1, 0, 0)))
    assert flags["reg"] == [1, 0, 0, 0]
    assert flags["eff"] == [0, 0, 1, 1]


def test_soft_targets_share_the_rest_over_the_other_flagged_signs():
    flags = {"eff": [0, 1, 1, 1], "reg": [1, 0, 0, 0]}
    t = soft_targets(np.array([2, 0]), ["eff", "reg"], flags, 0.7)
    np.testing.assert_allclose(t[0], [0, 0.15, 0.7, 0.15])
    np.testing.assert_allclose(t[1], [1, 0, 0, 0])
    np.testing.assert_allclose(t.sum(1), 1)


def frameset(clips, labels):
    n = len(clips)
    return FrameSet(images=np.zeros((n, 4, 4), np.uint8), labels=np.asarray(labels), clips=list(clips),
                    paths=[""] * n, sources=[""] * n, roi_found=np.ones(n, bool))


def test_clip_read_out_is_the_mean_probability_and_lenient_counts_flagged_signs():
    # Clip "a": two frames, one wrong; the mean still says A-lines. Clip "e" (effusion with consolidation
    # flagged) is read as consolidation: wrong, but right leniently.
    fs = frameset(["a", "a", "e"], [0, 0, 2])
    probs = np.array([[0.9, 0.1, 0, 0], [0.3, 0.6, 0.1, 0], [0.1, 0, 0.3, 0.6]])
    r = score_clips(probs, fs, {"a": [1, 0, 0, 0], "e": [0, 0, 1, 1]})
    assert r["clips"] == 2 and r["frames"] == 3
    assert r["clipAccuracy"] == pytest.approx(0.5)
    assert r["clipLenientAccuracy"] == pytest.approx(1.0)
    assert r["frameAccuracy"] == pytest.approx(1 / 3)
    assert r["perClip"]["a"]["probs"] == pytest.approx([0.6, 0.35, 0.05, 0.0])
    assert r["clipConfusion"][2][3] == 1


def test_training_clip_share_counts_each_clip_once_whatever_its_frames():
    # Clip "a1" has three frames, "a2" one: two A-lines clips, one B-lines, one effusion, no consolidation.
    fs = frameset(["a1", "a1", "a1", "a2", "b", "e"], [0, 0, 0, 0, 1, 2])
    assert training_clip_share(fs) == pytest.approx([0.5, 0.25, 0.25, 0.0])


def test_prior_adjustment_is_bayes_rule_with_the_training_shares():
    share = np.array([0.4, 0.1, 0.2, 0.3])
    probs = np.array([[0.25, 0.25, 0.25, 0.25], [0.1, 0.6, 0.2, 0.1]], dtype=np.float32)
    adj = prior_adjusted(probs, share)
    # A frame the network finds undecided takes the prior itself; every row stays a distribution.
    assert adj[0] == pytest.approx(share, abs=1e-6)
    assert adj.sum(axis=1) == pytest.approx([1.0, 1.0], abs=1e-6)
    expected = probs[1] * share / (probs[1] * share).sum()
    assert adj[1] == pytest.approx(expected, abs=1e-6)
    # B-lines at 0.6 stays first against its rare prior (0.06 against 0.04, 0.04, 0.03); at 0.45 it yields to
    # the commoner A-lines (0.045 against 0.12): the point of the correction.
    assert int(adj[1].argmax()) == 1
    weak = prior_adjusted(np.array([[0.3, 0.45, 0.15, 0.1]], dtype=np.float32), share)
    assert int(weak[0].argmax()) == 0
    # A sign the training clips never showed gets (almost) no probability, not a NaN.
    none = prior_adjusted(probs, np.array([0.5, 0.5, 0.0, 0.0]))
    assert np.isfinite(none).all() and none[:, 2:].max() < 1e-5


def test_prior_adjustment_takes_out_the_mix_the_network_was_sampled_with():
    share = np.array([0.4, 0.1, 0.2, 0.3])
    probs = np.array([[0.3, 0.45, 0.15, 0.1], [0.1, 0.6, 0.2, 0.1]], dtype=np.float32)
    # Sampled balanced by sign (four equal shares) is the default, correction unchanged.
    assert prior_adjusted(probs, share, np.full(4, 0.25)) == pytest.approx(prior_adjusted(probs, share), abs=1e-6)
    # Sampled by clip, the network learned the clips' mix already: nothing is put back twice.
    assert prior_adjusted(probs, share, share) == pytest.approx(probs, abs=1e-6)
    # In between: only the part of the mix the sampling left out is put back.
    half = np.array([0.3, 0.2, 0.25, 0.25])
    expected = probs * share / half
    assert prior_adjusted(probs, share, half) == pytest.approx(expected / expected.sum(1, keepdims=True), abs=1e-6)


def test_scanner_augment_keeps_shape_type_and_black_surround():
    rng = np.random.default_rng(0)
    img = np.zeros((64, 64), np.uint8)
    img[8:56, 12:52] = rng.integers(40, 200, size=(48, 40), dtype=np.uint8)
    changed = 0
    for seed in range(40):
        out = scanner_augment(img, np.random.default_rng(seed))
        assert out.shape == img.shape and out.dtype == np.uint8
        changed += int(not np.array_equal(out, img))
    # Each change has its own probability; over 40 draws nearly all frames differ from the input.
    assert changed >= 30
    # Photometric changes never light up the background inside the frame's corners.
    quiet = [scanner_augment(img, np.random.default_rng(s)) for s in range(40)]
    assert np.median([q[20:40, 2:6].mean() for q in quiet]) <= BACKGROUND + 1


def test_scanner_augment_is_fixed_by_its_generator():
    img = (np.arange(64 * 64) % 251).astype(np.uint8).reshape(64, 64)
    a = scanner_augment(img, np.random.default_rng(7))
    b = scanner_augment(img, np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)


def test_phantom_share_is_the_share_of_phantoms_in_each_chunk():
    real_w, ph_w = np.full(10, 0.1), np.full(20, 0.05)
    order = chunk_order(real_w, ph_w, 0.3, seed=1, chunk=0)
    assert len(order) == CHUNK
    assert (order < 0).mean() == pytest.approx(0.3, abs=0.01)
    assert (chunk_order(real_w, ph_w, 0.0, 1, 0) >= 0).all()
    assert (chunk_order(None, ph_w, 1.0, 1, 0) < 0).all()
    np.testing.assert_array_equal(order, chunk_order(real_w, ph_w, 0.3, seed=1, chunk=0))


def test_a_dilated_resnet18_has_the_shipped_geometry_and_keeps_the_undilated_map_on_its_even_cells():
    torch.manual_seed(3)
    plain = build("resnet18", False)
    dilated = build("resnet18", True)
    for m in plain.modules():  # non-trivial batch norms, or every residual branch would start as identity
        if isinstance(m, torch.nn.BatchNorm2d):
            torch.nn.init.uniform_(m.weight, 0.5, 1.5)
            torch.nn.init.uniform_(m.bias, -0.2, 0.2)
    dilated.load_state_dict(plain.state_dict())  # dilation changes no parameter
    stem = lambda m, x: m.layer3(m.layer2(m.layer1(m.maxpool(m.relu(m.bn1(m.conv1(x)))))))  # noqa: E731
    x = torch.rand(2, 3, 128, 128)
    with torch.no_grad():
        a = plain.eval().layer4(stem(plain.eval(), x))
        b = dilated.eval().layer4(stem(dilated.eval(), x))
    assert a.shape[-2:] == (4, 4) and b.shape[-2:] == (8, 8)
    assert torch.allclose(b[..., ::2, ::2], a, atol=1e-5)


def test_frozen_stages_keep_their_weights_and_batch_norm_statistics_through_training_steps():
    torch.manual_seed(5)
    model = build("resnet18", False)
    frozen = frozen_modules(model, 2)
    model.train()
    freeze(frozen)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    trainable = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.SGD(trainable, lr=0.1)
    for _ in range(2):
        loss = model(torch.rand(4, 3, 64, 64)).logsumexp(1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    after = model.state_dict()
    kept = [k for k in before if k.split(".")[0] in ("conv1", "bn1", "layer1", "layer2")]
    moved = [k for k in before if k.split(".")[0] in ("layer3", "layer4", "fc") and not k.endswith("num_batches_tracked")]
    assert kept and moved
    assert all(torch.equal(before[k], after[k]) for k in kept), "a frozen weight or running statistic changed"
    assert any(not torch.equal(before[k], after[k]) for k in moved if "running" in k), "later stages' statistics stayed"
    assert not torch.equal(before["layer3.0.conv1.weight"], after["layer3.0.conv1.weight"])
    assert frozen_modules(model, 0) == []
    with pytest.raises(ValueError):
        frozen_modules(model, 5)


def test_mixup_mixes_images_and_targets_alike_and_is_fixed_by_seed_and_step():
    x = torch.rand(8, 3, 4, 4)
    t = torch.eye(4)[torch.tensor([0, 1, 2, 3, 0, 1, 2, 3])]
    mx, mt = mixup(x, t, 0.4, seed=1, step=7)
    again_x, again_t = mixup(x, t, 0.4, seed=1, step=7)
    assert torch.equal(mx, again_x) and torch.equal(mt, again_t)
    assert not torch.equal(mixup(x, t, 0.4, seed=1, step=8)[0], mx)
    assert torch.allclose(mt.sum(1), torch.ones(8))
    # Each mixed target leads with the sample's own sign, and the image is mixed with the same weights.
    lead = mt.max(1).values
    assert (lead >= 0.5 - 1e-6).all()
    own = t.argmax(1)
    across = [i for i in range(8) if mt[i].max() < 1]  # mixed with another sign: its own sign's share is the weight
    assert across
    lam = float(mt[across[0], own[across[0]]])
    for i in range(8):
        partners = [j for j in range(8) if torch.allclose(mx[i], lam * x[i] + (1 - lam) * x[j], atol=1e-6)]
        assert partners and any(torch.allclose(mt[i], lam * t[i] + (1 - lam) * t[j]) for j in partners)
    ident = mixup(x, t, 0.0, seed=1, step=7)
    assert ident[0] is x and ident[1] is t
