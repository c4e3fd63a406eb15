"""The sign-prior report: frame-by-frame correction where every frame was kept, the clip-mean shortcut otherwise."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from prior_report import clip_reads, measure, render  # noqa: E402

SHARE = np.array([0.75, 0.25, 1e-9, 1e-9])  # 3 A-lines training clips, 1 B-lines


def test_frames_are_corrected_one_by_one_before_the_clip_mean():
    # Clip "x" (A-lines): one confident B-lines frame and one unsure frame. Mean first: B-lines 0.65, and the
    # corrected mean leans to A-lines (0.35·0.75 > 0.65·0.25). Frame by frame: the confident frame stays B-lines
    # (0.9 B), the unsure one goes to A-lines, and the mean of the corrected frames is A-lines too.
    result = {"perFrame": {"clips": ["x", "x"], "signs": ["a_lines", "a_lines"],
                           "probs": [[0.1, 0.9, 0, 0], [0.6, 0.4, 0, 0]]}}
    truth, raw, frame_adj, clip_adj = clip_reads(result, SHARE)["x"]
    assert (truth, raw, clip_adj) == (0, 1, 0)
    assert frame_adj == 0
    # Without every frame only the shortcut exists, and the read says so (None).
    old = clip_reads({"perClip": {"x": {"sign": "a_lines", "probs": [0.35, 0.65, 0, 0]}}}, SHARE)["x"]
    assert old == (0, 1, None, 0)


def test_measure_uses_each_splits_own_training_shares_and_counts_both_ways(tmp_path: Path):
    run = tmp_path / "resnet18" / "pre"
    run.mkdir(parents=True)
    splits = {"folds": [{"clips": [f"a{k}", f"b{k}"]} for k in range(5)], "heldOutSite": {"clips": ["a0"]}}
    sign_of = {**{f"a{k}": "a_lines" for k in range(5)}, **{f"b{k}": "b_lines" for k in range(5)},
               "e": "pleural_effusion", "c": "consolidation"}
    for k in range(5):
        per_clip = {f"a{k}": {"sign": "a_lines", "probs": [0.45, 0.55, 0, 0]},  # A-lines read as B-lines, barely
                    f"b{k}": {"sign": "b_lines", "probs": [0.05, 0.95, 0, 0]}}
        (run / f"fold{k}.json").write_text(json.dumps({"perClip": per_clip}))
    (run / "site.json").write_text(json.dumps({"perClip": {"a0": {"sign": "a_lines", "probs": [0.45, 0.55, 0, 0]}}}))
    runs = measure(tmp_path, splits, sign_of)
    e = runs["resnet18/pre"]
    # Training clips of each fold: 4 A-lines, 4 B-lines, 1 effusion, 1 consolidation: A and B equally common, so
    # the barely-B A-lines clips stay B-lines; the site's training clips hold one A-lines clip fewer.
    assert [v["adjusted"] for v in e["folds"].values()] == [1] * 5
    assert e["site"] == {"clips": 1, "raw": 0, "adjusted": 0, "adjustedOnClipMean": 0, "shortcutDiffers": None}
    assert e["level"] == "clip"
    md = render(runs)
    assert "| resnet18/pre | clip | 5 → 5 (of 10) |" in md


def test_a_run_without_all_five_folds_or_sampled_by_clip_is_left_out(tmp_path: Path):
    (tmp_path / "resnet18" / "half").mkdir(parents=True)
    (tmp_path / "resnet18" / "half" / "fold0.json").write_text("{}")
    assert measure(tmp_path, {"folds": [], "heldOutSite": {"clips": []}}, {}) == {}
    by_clip = tmp_path / "resnet18" / "by-clip"
    by_clip.mkdir()
    for k in range(5):
        (by_clip / f"fold{k}.json").write_text(json.dumps({"recipe": {"sampling": "clip"}, "perClip": {}}))
    assert measure(tmp_path, {"folds": [{"clips": []}] * 5, "heldOutSite": {"clips": []}}, {}) == {}


@pytest.mark.parametrize("share", [np.array([0.25, 0.25, 0.25, 0.25])])
def test_equal_shares_change_no_read_out(share):
    result = {"perFrame": {"clips": ["x", "y"], "signs": ["a_lines", "b_lines"],
                           "probs": [[0.3, 0.2, 0.4, 0.1], [0.1, 0.2, 0.3, 0.4]]}}
    for truth, raw, frame_adj, clip_adj in clip_reads(result, share).values():
        assert raw == frame_adj == clip_adj


def test_a_run_sampled_by_clip_is_not_corrected_twice():
    # The same clip as above, from a network sampled by clip: it learned the training mix (samplingShare = the
    # shares), so the corrected read-out is the raw one, B-lines, where a sign-balanced network's turns A-lines.
    frames = {"clips": ["x", "x"], "signs": ["a_lines", "a_lines"], "probs": [[0.1, 0.9, 0, 0], [0.6, 0.4, 0, 0]]}
    by_clip = clip_reads({"perFrame": frames, "samplingShare": SHARE.tolist()}, SHARE)["x"]
    assert by_clip == (0, 1, 1, 1)
    assert clip_reads({"perFrame": frames, "samplingShare": [0.25] * 4}, SHARE)["x"] == (0, 1, 0, 0)
