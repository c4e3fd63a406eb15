"""Seed agreement: each seed's figures, the ensemble of the seeds' probabilities, and the clips every seed misses."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cv_agreement import SPLITS, agreement, render, seed_groups  # noqa: E402


def run(reads: dict) -> dict:
    """A finished run: every split holds the same clips; reads maps clip → (true sign, probabilities)."""
    per_clip = {c: {"sign": sign, "probs": probs} for c, (sign, probs) in reads.items()}
    return {s: {"perClip": per_clip} for s in SPLITS}


A, B = "a_lines", "b_lines"
# Clip x: both seeds right. Clip y: seed 1 right, seed 2 wrong, and the average of the two is right.
# Clip z: both wrong. Clip w: seed 2 right, seed 1 wrong, and the average is right.
SEED1 = run({"x": (A, [0.9, 0.1, 0, 0]), "y": (A, [0.8, 0.2, 0, 0]), "z": (B, [0.7, 0.3, 0, 0]),
             "w": (B, [0.6, 0.4, 0, 0])})
SEED2 = run({"x": (A, [0.7, 0.3, 0, 0]), "y": (A, [0.4, 0.6, 0, 0]), "z": (B, [0.6, 0.4, 0, 0]),
             "w": (B, [0.2, 0.8, 0, 0])})


def test_each_seed_the_ensemble_and_the_clips_every_seed_misses():
    a = agreement([SEED1, SEED2])
    assert [r["folds"] for r in a["runs"]] == [0.5, 0.5]  # seed 1: x, y; seed 2: x, w
    assert a["ensemble"]["folds"] == 0.75  # x, y (0.6 A) and w (0.6 B) right; z wrong
    assert a["always"]["folds"] == {"clips": 20, "wrongEveryRun": 5, "rightEveryRun": 5}  # z and x, in each fold
    assert a["always"]["site"] == {"clips": 4, "wrongEveryRun": 1, "rightEveryRun": 1}


def test_seeds_are_grouped_by_recipe_and_incomplete_runs_left_out():
    recipes = {"pre": SEED1, "pre-seed2": SEED2, "pre-scan": SEED1, "pretrain": {},
               "real": {"fold0": SEED1["fold0"]}}
    assert seed_groups(recipes) == {"pre": ["pre", "pre-seed2"], "pre-scan": ["pre-scan"]}
    md = render({"resnet18": recipes})
    assert "| resnet18 | `pre` | 2 | 50.0 / 50.0, 50.0 / 50.0 | 50.0 / 50.0 | 75.0 / 75.0 | 5 / 5 | 1 / 1 |" in md
    assert "pre-scan`" not in md  # one seed: nothing to compare
