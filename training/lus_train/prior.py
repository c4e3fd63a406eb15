"""The sign prior: each sign's share of the training clips, and Bayes' rule to put it back into a read-out.

Training samples are balanced by sign (unless a recipe samples by clip), so a network's probabilities assume four
equally common signs; the clips it reads are not. softmax(log p + log share) corrects for that known prior
(training/reports/prior-adjustment.md).
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


def prior_adjusted(probs: np.ndarray, share: np.ndarray, sampled: np.ndarray | None = None) -> np.ndarray:
    """softmax(log p + log share - log sampled) over the last axis: one frame, a clip mean, or a batch of frames.

    `sampled` is the sign mix the network was trained on (cv.py `samplingShare`); None means balanced by sign, four
    equal shares, as every run before 7 Dec 2026 evening. A network sampled by clip learned the clips' own mix, so
    the correction is then (nearly) nothing. A sign with no training clip gets (almost) no probability, never a NaN."""
    z = np.log(np.clip(probs, 1e-7, 1.0)) + np.log(np.clip(share, 1e-7, 1.0))
    if sampled is not None:
        z = z - np.log(np.clip(np.asarray(sampled, dtype=np.float64), 1e-7, 1.0))
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
