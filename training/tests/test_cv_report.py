"""The cross-validation report keeps run results in the repository and carries over recipes whose runs were lost."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lus_train import CLASSES  # noqa: E402
from cv_report import (add_clip_mean_prior_readouts, archive_runs, carry_over, load_runs, render,  # noqa: E402
                       summarise)


def fake_result(acc: float) -> dict:
    n = len(CLASSES)
    confusion = [[4 if t == p else 0 for p in range(n)] for t in range(n)]
    scored = {"clipAccuracy": acc, "frameAccuracy": acc, "clipKappa": 0.5, "clipLenientAccuracy": acc,
              "clipRecall": {c: acc for c in CLASSES}, "clipConfusion": confusion}
    return {"withoutFlips": scored, "withFlips": scored, "trainSeconds": 10}


def test_runs_are_archived_and_read_back_when_their_folder_is_gone(tmp_path: Path):
    runs = tmp_path / "cv"
    for tag, acc in (("fold0", 0.5), ("fold1", 0.7), ("site", 0.6)):
        d = runs / "resnet18" / "pre" / tag
        d.mkdir(parents=True)
        (d / "result.json").write_text(json.dumps(fake_result(acc)))
    archive = tmp_path / "archive"
    archive_runs(load_runs(runs, archive), archive)
    again = load_runs(tmp_path / "gone", archive)
    row = summarise(again)["resnet18"]["pre"]["withoutFlips"]
    assert row["folds"] == ["fold0", "fold1"]
    assert row["clipAccuracy"] == [0.5, 0.7]
    assert row["site"]["clipAccuracy"] == 0.6


def test_recipes_of_an_earlier_report_are_kept_and_marked():
    earlier = {"resnet18": {"real": {"withoutFlips": {"foldsDone": 2, "clipAccuracy": [0.6, 0.8], "frameAccuracy": [0.6, 0.8],
                                                      "clipKappa": [0.4, 0.6], "clipLenientAccuracy": [0.6, 0.8],
                                                      "recall": {c: [0.5, 0.5] for c in CLASSES}, "site": None,
                                                      "trainSeconds": {"fold0": 5}}}}}
    doc = carry_over({"resnet18": {}}, earlier)
    assert doc["resnet18"]["real"]["fromEarlierReport"] is True
    md = render(doc)
    assert "| real † | 2 | 70.0 ± 14.1 |" in md


def test_runs_without_every_frame_get_the_clip_mean_prior_readout_from_their_training_shares():
    # Fold 0 holds out a1 and b1; its training clips are 3 A-lines and 1 B-lines (shares 0.75 / 0.25).
    rows = [{"clip": c, "sign": s, "a_lines": int(s == "a_lines"), "b_lines": int(s == "b_lines"),
             "effusion": 0, "consolidation": 0}
            for c, s in [("a1", "a_lines"), ("a2", "a_lines"), ("a3", "a_lines"), ("a4", "a_lines"),
                         ("b1", "b_lines"), ("b2", "b_lines")]]
    splits = {"folds": [{"clips": ["a1", "b1"]}], "heldOutSite": {"clips": []}}
    per_clip = {"a1": {"sign": "a_lines", "probs": [0.4, 0.5, 0.05, 0.05]},   # B first; 0.4·0.75 > 0.5·0.25: A
                "b1": {"sign": "b_lines", "probs": [0.1, 0.8, 0.05, 0.05]}}   # stays B-lines
    plain = fake_result(0.5)
    runs = {"resnet18": {"pre": {"fold0": {**plain, "perClip": per_clip},
                                 "fold1": {**plain, "priorAdjusted": {**plain["withoutFlips"], "clipAccuracy": 0.9}}}}}
    add_clip_mean_prior_readouts(runs, splits, rows)
    adj = runs["resnet18"]["pre"]["fold0"]["priorAdjusted"]
    assert adj["level"] == "clip mean" and adj["clipAccuracy"] == 1.0 and adj["frameAccuracy"] is None
    assert adj["clipConfusion"][0][0] == 1 and adj["clipConfusion"][1][1] == 1
    # A run scored frame by frame keeps its own read-out.
    assert runs["resnet18"]["pre"]["fold1"]["priorAdjusted"]["clipAccuracy"] == 0.9
    assert runs["resnet18"]["pre"]["fold1"]["priorAdjusted"]["level"] == "frame"
    row = summarise(runs)["resnet18"]["pre"]["priorAdjusted"]
    assert row["level"] == ["clip mean", "frame"] and row["clipAccuracy"] == [1.0, 0.9]
    assert "| pre ‡ |" in render(summarise(runs))
