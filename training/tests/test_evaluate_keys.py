"""evaluate.py's breakdown keys: nuisances per phantom, and what was drawn beside a consolidation."""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluate import config_summary, grouped_accuracy, nuisance_keys  # noqa: E402


def phantom_params(kind: str, b_lines: int = 0, a_lines: bool = False, effusion: bool = False) -> dict:
    """The parts of a synth manifest item's params that evaluate.py reads (shape as in src/synth/params.ts)."""
    content: dict = {"kind": kind, "lung": {"bLines": [{"lateralFrac": 0.5}] * b_lines,
                                            "aLines": {"spacingMm": 20} if a_lines else None}}
    if kind == "consolidation":
        content["smallEffusion"] = {"thicknessMm": 5} if effusion else None
    return {"imaging": {"gainDb": 0.0}, "overlay": None, "probe": {"kind": "convex", "depthMm": 120},
            "content": content}


def test_consolidation_company_names_what_was_drawn_beside_it():
    k = nuisance_keys(phantom_params("consolidation", b_lines=3, effusion=True), -5, 5)
    assert k["consolidation with B-lines beside"] == "yes"
    assert k["consolidation with A-lines beside"] == "no"
    assert k["consolidation with small effusion"] == "yes"
    k = nuisance_keys(phantom_params("consolidation", a_lines=True), -5, 5)
    assert (k["consolidation with B-lines beside"], k["consolidation with A-lines beside"]) == ("no", "yes")
    # A B-lines phantom has B-lines, but it is not a consolidation with B-lines beside it.
    k = nuisance_keys(phantom_params("b_lines", b_lines=4), -5, 5)
    assert k["consolidation with B-lines beside"] == "other sign"
    assert (k["probe"], k["depth"], k["overlays"], k["gain"]) == ("convex", "10–15 cm", "off", "middle")


def test_grouped_accuracy_shows_consolidation_recall_per_co_finding():
    params = [phantom_params("consolidation", b_lines=2), phantom_params("consolidation", b_lines=1),
              phantom_params("consolidation"), phantom_params("b_lines", b_lines=3)]
    keys = [nuisance_keys(p, -5, 5) for p in params]
    truth = np.array([3, 3, 3, 1])
    pred = np.array([1, 3, 3, 1])  # one of the two consolidations with B-lines beside it read as B-lines
    g = grouped_accuracy(keys, truth, pred)["consolidation with B-lines beside"]
    assert g["yes"]["n"] == 2 and g["yes"]["perClass"]["consolidation"]["recall"] == 0.5
    assert g["no"]["perClass"]["consolidation"]["recall"] == 1.0
    assert g["other sign"]["n"] == 1 and g["other sign"]["perClass"]["consolidation"]["recall"] is None


def test_the_report_records_a_training_config_and_a_recovered_one():
    trained = {"stage": "finetune", "input": {"size": 128}, "recipe": {"lr": 1e-4}, "data": {}, "software": {},
               "dilateLastStage": True, "history": [{"epoch": 1}]}
    assert config_summary(trained) == {k: v for k, v in trained.items() if k != "history"}
    # tfjs_to_torch.py --config: no recipe, data or software, and evaluate.py must still report it.
    recovered = {"stage": "recovered", "recoveredFrom": "lus-resnet152@1.2.0", "input": {"size": 128},
                 "dilateLastStage": True, "provenance": {"trainedOn": "phantoms and pocus-lus"}, "classes": []}
    assert config_summary(recovered) == {k: v for k, v in recovered.items() if k != "classes"}
