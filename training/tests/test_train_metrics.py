"""Table 1 metrics: precision, recall, specificity, F1, accuracy per class, macro averages, Cohen's kappa."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lus_train.metrics import cohen_kappa, confusion, table1, table1_markdown  # noqa: E402
from lus_train.model import clip_level  # noqa: E402


def test_per_class_metrics_on_a_hand_checked_case():
    truth = [0, 0, 0, 1, 1, 2, 2, 3]
    pred = [0, 0, 1, 1, 1, 2, 3, 3]
    t = table1(truth, pred)
    a = t["perClass"]["a_lines"]
    assert a["precision"] == 1.0 and a["recall"] == pytest.approx(2 / 3)
    assert a["specificity"] == 1.0 and a["accuracy"] == pytest.approx(7 / 8)
    b = t["perClass"]["b_lines"]
    assert b["precision"] == pytest.approx(2 / 3) and b["recall"] == 1.0
    assert b["specificity"] == pytest.approx(5 / 6)
    assert b["f1"] == pytest.approx(0.8)
    assert t["overall"]["accuracy"] == pytest.approx(6 / 8)
    assert t["confusion"]["matrix"][0] == [2, 1, 0, 0]
    assert "| A-lines |" in table1_markdown("x", t)


def test_kappa():
    assert cohen_kappa(confusion([0, 1, 2, 3], [0, 1, 2, 3])) == pytest.approx(1.0)
    # Always predicting one class agrees by chance only.
    assert cohen_kappa(confusion([0, 1, 2, 3], [0, 0, 0, 0])) == pytest.approx(0.0)
    m = np.asarray([[20, 5, 0, 0], [10, 15, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
    # Worked example: po = 0.7, pe = 0.5 → kappa 0.4.
    assert cohen_kappa(m) == pytest.approx(0.4)


def test_clip_level_averages_probabilities():
    probs = np.asarray([[0.6, 0.4, 0, 0], [0.1, 0.9, 0, 0], [0, 0, 1, 0]])
    names, p, y = clip_level(probs, ["c1", "c1", "c2"], np.asarray([1, 1, 2]))
    assert names == ["c1", "c2"]
    assert p[0].argmax() == 1 and y.tolist() == [1, 2]
