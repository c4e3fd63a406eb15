"""Self-supervised pretraining (training/ssl_pretrain.py): the NT-Xent loss, the site exclusion, and weights cv.py --init loads."""

import csv
import json
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import ssl_pretrain  # noqa: E402
from cv import build  # noqa: E402
from lus_train import CLASSES  # noqa: E402


def write_frames(root: Path, clips: dict, size: int = 32, seed: int = 0) -> None:
    """A prepared-data folder (index.csv + PNGs) of synthetic frames: clip → (sign, frame count)."""
    rng = np.random.default_rng(seed)
    rows = []
    for clip, (sign, n) in clips.items():
        (root / sign).mkdir(parents=True, exist_ok=True)
        for k in range(n):
            img = np.zeros((size, size), np.uint8)
            img[4:-4, 4:-4] = rng.integers(20, 255, size=(size - 8, size - 8), dtype=np.uint8)
            path = f"{sign}/{clip}_f{k:04d}.png"
            Image.fromarray(img).save(root / path)
            rows.append({"path": path, "source": path, "class": sign, "clip": clip, "roi_found": "1"})
    with open(root / "index.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["path", "source", "class", "clip", "roi_found"])
        w.writeheader()
        w.writerows(rows)


def test_nt_xent_is_lower_for_matched_pairs_than_for_shuffled_ones():
    g = torch.Generator().manual_seed(0)
    z1 = torch.randn(16, 8, generator=g)
    z2 = z1 + 0.1 * torch.randn(16, 8, generator=g)
    matched = ssl_pretrain.nt_xent(z1, z2, 0.2)
    shuffled = ssl_pretrain.nt_xent(z1, z2[torch.randperm(16, generator=g)], 0.2)
    assert float(matched) < float(shuffled)
    # Masking same-clip views removes candidates only: the loss can only fall, and stays finite.
    masked = ssl_pretrain.nt_xent(z1, z2, 0.2, torch.arange(16) // 4)
    assert torch.isfinite(masked) and float(masked) <= float(matched) + 1e-6


def test_a_short_run_writes_weights_cv_loads_strictly_and_leaves_out_the_site(tmp_path):
    video, stills, phantoms = tmp_path / "video", tmp_path / "stills", tmp_path / "phantoms"
    write_frames(video, {"clipA": ("a_lines", 3), "siteB": ("b_lines", 3)})
    write_frames(stills, {"clipA": ("a_lines", 1), "siteB": ("b_lines", 1), "stillC": ("consolidation", 2)}, seed=1)
    write_frames(phantoms, {f"ph{k}": (CLASSES[k % 4], 1) for k in range(4)}, seed=2)
    splits = tmp_path / "splits.json"
    splits.write_text(json.dumps({"folds": [], "heldOutSite": {"clips": ["siteB"]}}))
    out = tmp_path / "ssl"
    args = ssl_pretrain.parser().parse_args([
        "--out", str(out), "--real-video", str(video), "--real-stills", str(stills), "--phantoms", str(phantoms),
        "--splits", str(splits), "--exclude-site", "--steps", "2", "--batch", "4", "--micro", "4", "--warmup", "1",
        "--float32", "--log-every", "1", "--threads", "1"])
    summary = ssl_pretrain.run(args)
    assert summary["steps"] == 2
    config = json.loads((out / "config.json").read_text())
    assert config["data"]["excludedClips"] == ["siteB"]
    assert config["data"]["realFrames"] == 3 + 1 + 2  # clipA's 3 + 1, stillC's 2; siteB's 4 left out
    assert config["data"]["phantoms"] == 4

    state = torch.load(str(out / "model.pt"), map_location="cpu")
    model = build("resnet18", False)
    fresh = {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(state, strict=True)  # what cv.py --init does
    assert set(state) == set(fresh)
    assert not any(k.startswith("head.") or k.startswith("net.") for k in state)
    # The backbone moved: its BatchNorm statistics were updated by the training passes.
    assert not torch.equal(state["bn1.running_mean"], fresh["bn1.running_mean"])
    # A second run with --resume finds the finished output and does nothing.
    assert ssl_pretrain.run(args)["steps"] == 2


def test_sampling_weights_favour_short_clips_per_frame_and_give_phantoms_their_share():
    from lus_train.data import FrameSet

    clips = ["long"] * 16 + ["short"] * 1 + ["ph1", "ph2"]
    fs = FrameSet(images=np.zeros((19, 4, 4), np.uint8), labels=np.zeros(19, np.int64), clips=clips,
                  paths=[""] * 19, sources=[""] * 19, roi_found=np.ones(19, bool))
    p = ssl_pretrain.sampling_weights(fs, 17, 0.25)
    np.testing.assert_allclose(p.sum(), 1.0)
    np.testing.assert_allclose(p[17:].sum(), 0.25)
    assert p[16] > p[0]  # a frame of the 1-frame clip weighs more than a frame of the 16-frame one
    assert p[:16].sum() > p[16]  # but the long clip as a whole weighs more (4x, not 16x)
