"""The model (torchvision ResNet152, four signs), device choice and batched prediction on prepared frames."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import numpy as np
import torch
import torchvision

from . import CLASSES
from .augment import to_input

ARCHITECTURE = "resnet152"


def pick_device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def build_model(dilate_last_stage: bool = False) -> torch.nn.Module:
    # zero_init_residual: every residual branch starts as identity, which is what lets a 152-layer
    # network train from random weights with small batches.
    # dilate_last_stage (torchvision's replace_stride_with_dilation for layer4) keeps the same weights but a
    # feature map twice as fine each way (8x8 at 128 px), for heat maps a clinician can read.
    return torchvision.models.resnet152(
        num_classes=len(CLASSES), zero_init_residual=True, replace_stride_with_dilation=[False, False, dilate_last_stage]
    )


def load_trained(
    weights: str | Path, device: Optional[torch.device] = None, dilate_last_stage: Optional[bool] = None
) -> tuple[torch.nn.Module, dict]:
    """Weights file (a plain state_dict) and the config.json next to it (mean, std, input size).
    dilate_last_stage overrides the config's "dilateLastStage" (the state_dict is the same either way)."""
    device = device or pick_device()
    config = json.loads((Path(weights).parent / "config.json").read_text())
    if config.get("input", {}).get("normalisation", "fixed") != "fixed":
        # Export, evaluation and the app all normalise with the fixed mean and std: refuse rather than misread.
        raise SystemExit(f"{weights}: trained with {config['input']['normalisation']} normalisation; the app and "
                         "these tools use the fixed mean and std (cv.py --norm global)")
    if dilate_last_stage is not None:
        config["dilateLastStage"] = dilate_last_stage
    model = build_model(bool(config.get("dilateLastStage", False)))
    model.load_state_dict(torch.load(str(weights), map_location="cpu"))
    return model.to(device).eval(), config


@torch.no_grad()
def predict(
    model: torch.nn.Module,
    images: np.ndarray,
    mean: float,
    std: float,
    device: torch.device,
    batch: int = 32,
    forward=None,
) -> np.ndarray:
    """Softmax probabilities (N, 4) for uint8 frames (N, H, W), no augmentation. `forward` replaces the
    model call (e.g. the exporter's folded, quantised reference)."""
    model.eval()
    out = []
    for i in range(0, len(images), batch):
        x = torch.from_numpy(to_input(images[i : i + batch], mean, std)).to(device)
        logits = forward(x) if forward is not None else model(x)
        out.append(torch.softmax(logits.float(), dim=1).cpu().numpy() if forward is None else _as_probs(logits))
    return np.concatenate(out) if out else np.zeros((0, len(CLASSES)), dtype=np.float32)


def _as_probs(y: torch.Tensor) -> np.ndarray:
    """The exporter's reference already ends in softmax; raw logits are turned into probabilities."""
    y = y.float().cpu()
    sums = y.sum(dim=1)
    if torch.all(y >= 0) and torch.allclose(sums, torch.ones_like(sums), atol=1e-3):
        return y.numpy()
    return torch.softmax(y, dim=1).numpy()


def clip_level(probs: np.ndarray, clips: list, labels: np.ndarray) -> tuple[list, np.ndarray, np.ndarray]:
    """Clip-level prediction: the mean probability over the clip's frames."""
    names = sorted(set(clips))
    idx = {c: [i for i, k in enumerate(clips) if k == c] for c in names}
    p = np.stack([probs[idx[c]].mean(axis=0) for c in names])
    y = np.asarray([labels[idx[c][0]] for c in names])
    return names, p, y
