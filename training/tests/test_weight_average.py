"""Stochastic weight averaging in cv.py (--swa-from): the running mean, BatchNorm refitted for it, and a run that
scores the averaged network beside the last step's untouched weights."""

import csv
import json
import sys
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cv  # noqa: E402
from lus_train import CLASSES  # noqa: E402
from test_ssl_pretrain import write_frames  # noqa: E402


def tiny() -> torch.nn.Module:
    return torch.nn.Sequential(torch.nn.Conv2d(1, 2, 1), torch.nn.BatchNorm2d(2))


def test_the_average_is_the_mean_of_the_parameters_after_the_start_step():
    model = tiny()
    avg = cv.WeightAverage(model, start=2)
    seen = []
    for step in range(1, 6):
        with torch.no_grad():
            for p in model.parameters():
                p.fill_(float(step))
        avg.update(model, step)
        if step > 2:
            seen.append(float(step))
    assert avg.count == 3
    twin = avg.averaged(model)
    for p in twin.parameters():
        assert torch.allclose(p, torch.full_like(p, sum(seen) / len(seen)))
    # The model itself is untouched: training goes on from the last step's weights.
    assert all(torch.equal(p, torch.full_like(p, 5.0)) for p in model.parameters())
    again = cv.WeightAverage(tiny(), start=0)
    again.load_state_dict(avg.state_dict())
    assert again.count == 3 and torch.equal(again.averaged(model)[0].weight, twin[0].weight)
    with pytest.raises(ValueError, match="no step was averaged"):
        cv.WeightAverage(model, start=9).averaged(model)


def test_batch_norm_is_refitted_as_the_plain_mean_over_the_batches_and_frozen_layers_keep_theirs():
    model = torch.nn.Sequential(torch.nn.BatchNorm2d(1), torch.nn.BatchNorm2d(1))
    model.train()
    model[1].eval()  # frozen: keeps its statistics
    model[1].running_mean.fill_(7.0)
    batches = [torch.full((2, 1, 2, 2), 1.0), torch.full((2, 1, 2, 2), 3.0), torch.full((4, 1, 2, 2), 5.0)]
    seen = cv.recompute_batch_norm(model, batches)
    assert seen == 8
    # Cumulative mean of the batch means (each batch weighs one), not an exponential average toward the last.
    assert torch.allclose(model[0].running_mean, torch.tensor([3.0]))
    assert model[0].momentum == 0.1
    assert torch.equal(model[1].running_mean, torch.tensor([7.0]))


def dataset(tmp_path: Path) -> list:
    video, stills, phantoms = tmp_path / "video", tmp_path / "stills", tmp_path / "phantoms"
    clips = {f"{c}{k}": (c, 3) for c in CLASSES for k in range(2)}
    write_frames(video, clips)
    write_frames(stills, {c: (s, 2) for c, (s, _) in clips.items()}, seed=1)
    write_frames(phantoms, {f"ph{k}": (CLASSES[k % 4], 1) for k in range(8)}, seed=2)
    clips_csv = tmp_path / "clips.csv"
    with open(clips_csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["clip", "frames", "sign", "label", "probe", "effusion", "consolidation", "b_lines", "a_lines"])
        for c, (s, n) in clips.items():
            w.writerow([c, n, s, "", "convex"] + [int(s == k) for k in ("pleural_effusion", "consolidation", "b_lines", "a_lines")])
    splits = tmp_path / "splits.json"
    site = [f"{c}1" for c in CLASSES]
    splits.write_text(json.dumps({"folds": [{"clips": site}], "heldOutSite": {"clips": site}}))
    return ["--real-video", str(video), "--real-stills", str(stills), "--phantoms", str(phantoms), "--clips",
            str(clips_csv), "--splits", str(splits), "--split", "site", "--samples", "32", "--batch", "4",
            "--warmup", "1", "--float32", "--threads", "1", "--aug", "scanner"]


def test_a_run_with_averaging_trains_exactly_as_without_and_scores_both(tmp_path):
    common = dataset(tmp_path)
    plain = cv.run(cv.parser().parse_args(common + ["--out", str(tmp_path / "plain")]))
    swa = cv.run(cv.parser().parse_args(common + ["--out", str(tmp_path / "swa"), "--swa-from", "0.5",
                                                  "--swa-bn-batches", "2"]))
    assert swa["weightAverage"] == {"fromStep": 4, "steps": 4, "batchNormFrames": 8}
    assert swa["recipe"]["swa_from"] == 0.5
    # The last step's weights are the plain run's, bit for bit: averaging is a side copy.
    last = torch.load(str(tmp_path / "swa" / "model-last-step.pt"))
    ref = torch.load(str(tmp_path / "plain" / "model.pt"))
    assert all(torch.equal(last[k], ref[k]) for k in ref)
    assert swa["lastStep"]["clipAccuracy"] == plain["clipAccuracy"]
    assert swa["lastStep"]["perFrameProbs"] == plain["perFrame"]["probs"]
    assert swa["lastStep"]["priorAdjusted"] == {k: v for k, v in plain["priorAdjusted"].items() if k != "perClip"}
    # The run's model is the average: other weights, every frame scored, loadable as cv.py --init loads.
    averaged = torch.load(str(tmp_path / "swa" / "model.pt"))
    assert not torch.equal(averaged["fc.weight"], ref["fc.weight"])
    cv.build("resnet18", False).load_state_dict(averaged, strict=True)
    assert len(swa["perFrame"]["probs"]) == len(plain["perFrame"]["probs"]) == 8
    assert "lastStep" not in json.loads((tmp_path / "swa" / "config.json").read_text())["result"]
    with pytest.raises(SystemExit, match="fraction"):
        cv.run(cv.parser().parse_args(common + ["--out", str(tmp_path / "bad"), "--swa-from", "1.5"]))
