"""The sign prior: each sign's share of the training clips, and Bayes' rule to put it back into a read-out.

Training samples are balanced by sign, so a network's probabilities assume four equally common signs; the clips it
reads are not. softmax(log p + log share) corrects for that known prior (training/reports/prior-adjustment.md).
One place for it: cv.py scores runs with it, cv_report.py and prior_report.py re-score kept runs with it.
"""

from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np

from . import CLASSES


def sign_shares(sign_of: Mapping[str, int], held_out: Iterable[str] = ()) -> np.ndarray:
    """Each sign's share of the clips (clip → class index) not held out; a clip counts once, whatever its frames."""
    held = set(held_out)
    counts = np.bincount([y for c, y in sign_of.items() if c not in held], minlength=len(CLASSES)).astype(np.float64)
    return counts / counts.sum()


def prior_adjusted(probs: np.ndarray, share: np.ndarray) -> np.ndarray:
    """softmax(log p + log share) over the last axis: one frame, a clip mean, or a batch of frames.

    A sign with no training clip gets (almost) no probability, never a NaN."""
    z = np.log(np.clip(probs, 1e-7, 1.0)) + np.log(np.clip(share, 1e-7, 1.0))
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
